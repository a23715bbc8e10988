"""The draft editor shows what to write instead: hovering a 禁忌 phrase gives the reason and the proven fix or
the phrasing to copy, and the right-click 「改为：…」 action replaces the span — after which the re-check
finds nothing there. Driven through the real reply builder, typed at key speed."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPoint, QTimer
from PySide6.QtGui import QContextMenuEvent, QGuiApplication, QHelpEvent, QTextCursor
from PySide6.QtWidgets import QApplication, QMenu, QToolTip

from app.ui.draft_editor import DraftEditor
from tests.ui.conftest import type_text
from tests.ui.test_builder import window  # noqa: F401 - the window fixture, shared with the builder tests


def _point_of(editor: DraftEditor, index: int) -> QPoint:
    """The viewport point over character `index` of the draft (the middle of that character)."""
    cursor = QTextCursor(editor.document())
    cursor.setPosition(index)
    left = editor.cursorRect(cursor).center()
    cursor.setPosition(index + 1)
    right = editor.cursorRect(cursor).center()
    return QPoint((left.x() + right.x()) // 2, left.y())


def _hover_tip(editor: DraftEditor, index: int) -> str:
    point = _point_of(editor, index)
    QApplication.sendEvent(editor, QHelpEvent(QEvent.Type.ToolTip, point, editor.viewport().mapToGlobal(point)))
    return QToolTip.text()


def _right_click_and_choose(qtbot, editor: DraftEditor, index: int, prefix: str) -> list[str]:
    """Right-click over character `index`, pick the first action whose text starts with `prefix` in the menu
    that pops up (if any), and return every action text the menu showed."""
    shown: list[str] = []

    def choose() -> None:
        menu = QApplication.activePopupWidget()
        assert isinstance(menu, QMenu)
        shown.extend(a.text() for a in menu.actions())
        wanted = next((a for a in menu.actions() if a.text().startswith(prefix) and a.isEnabled()), None)
        menu.close()
        if wanted is not None:
            wanted.trigger()

    QTimer.singleShot(300, choose)
    point = _point_of(editor, index)
    event = QContextMenuEvent(QContextMenuEvent.Reason.Mouse, point, editor.viewport().mapToGlobal(point))
    QApplication.sendEvent(editor.viewport(), event)
    qtbot.waitUntil(lambda: bool(shown), timeout=5000)
    return shown


def test_a_forbidden_phrase_shows_its_fix_and_the_fix_replaces_it_until_the_recheck_is_clean(qtbot, window):  # noqa: F811
    builder = window.builder
    editor = builder.editor
    editor.setFocus()
    type_text(editor, "这个我不知道。")
    qtbot.waitUntil(lambda: any(f.rule == "evasive-dont-know" for f in editor.findings), timeout=10000)
    finding = next(f for f in editor.findings if f.rule == "evasive-dont-know")
    assert finding.suggestions[0] == "我帮您查询一下"

    tip = _hover_tip(editor, finding.start + 1)
    assert "推诿" in tip and "改为：我帮您查询一下" in tip
    listed = [builder.findings_list.item(i).text() for i in range(builder.findings_list.count())]
    assert any("“我不知道”" in line and "改为：我帮您查询一下" in line for line in listed)

    shown = _right_click_and_choose(qtbot, editor, finding.start + 1, "改为：我帮您查询一下")
    assert "改为：我帮您查询一下" in shown
    qtbot.waitUntil(lambda: editor.toPlainText() == "这个我帮您查询一下。", timeout=5000)
    builder.check_now()  # the re-check an edit schedules, at once
    qtbot.wait(300)
    assert [f.rule for f in editor.findings] == []
    assert builder.findings_list.count() == 0
    QGuiApplication.clipboard().clear()


def test_a_phrase_without_a_safe_fix_shows_what_to_say_and_is_never_replaced(qtbot, window):  # noqa: F811
    builder = window.builder
    editor = builder.editor
    editor.setFocus()
    type_text(editor, "你自己看说明吧。")
    qtbot.waitUntil(lambda: any(f.rule == "evasive-read-yourself" for f in editor.findings), timeout=10000)
    finding = next(f for f in editor.findings if f.rule == "evasive-read-yourself")
    assert finding.suggestions == () and finding.better

    tip = _hover_tip(editor, finding.start + 1)
    assert "可以这样说：“我来为您说明一下”" in tip
    listed = [builder.findings_list.item(i).text() for i in range(builder.findings_list.count())]
    assert any("“你自己看说明”" in line and "可以这样说：" in line for line in listed)

    shown = _right_click_and_choose(qtbot, editor, finding.start + 1, "改为")
    assert any(text.startswith("可以这样说：") for text in shown)  # to read in the menu …
    assert not any(text.startswith("改为") for text in shown)  # … but no action puts it in place of the span
    qtbot.wait(100)
    assert editor.toPlainText() == "你自己看说明吧。"
