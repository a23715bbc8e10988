"""Team insights in the real window: searches counted as a person means them, one-keystroke feedback,
the 数据看板 for a knowledge manager (gap → ignore / new article), and the 设置 section."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog

from app.core.settings import Settings
from app.core.sync.engine import init_share
from app.core.usage.exchange import exchange
from app.core.usage.log import SEARCH, UsageLog
from app.core.usage.records import IGNORE_GAP
from app.core.vocab import MANAGER
from app.ui.insights_board import InsightsBoard
from app.ui.insights_privacy import UsagePrivacyBox
from app.ui.main_window import TAB_ARTICLE, MainWindow
from app.ui.settings_dialog import SettingsDialog
from tests.conftest import REPO_ROOT, article
from tests.ui.conftest import search, type_text


@pytest.fixture
def root(make_root) -> Path:
    return make_root(
        {
            "kb/returns/refund.md": article("refund", title="退款多久到账?", category="退换货", review_by="2020-01-01"),
            "kb/invoice/invoice.md": article("invoice", title="怎么开电子发票?", category="发票"),
        }
    )


def _window(qtbot, root: Path, home: Path, settings: Settings) -> MainWindow:
    win = MainWindow(root, settings, home=home)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    with qtbot.waitSignal(win.ready, timeout=30000):
        win.start_loading()
    return win


def _answer(fill: Callable[[QDialog], None]) -> None:
    """Fill and accept the next modal dialog, as a person would."""

    def act() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, QDialog):
            QTimer.singleShot(30, act)
            return
        fill(dialog)
        dialog.accept()

    QTimer.singleShot(0, act)


def _searches(log: UsageLog) -> list[str]:
    return [e.query or "" for e in log.events() if e.kind == SEARCH]


def test_typing_counts_one_search_after_a_pause_never_per_keystroke(qtbot, root, zhida_home):
    win = _window(qtbot, root, zhida_home, Settings())
    for ch in "退款到账":
        type_text(win.search_box, ch)
        qtbot.wait(150)  # real typing speed: results appear for each prefix
    qtbot.waitUntil(lambda: _searches(win.usage) != [], timeout=15000)
    assert _searches(win.usage) == ["退款到账"]
    qtbot.keyClick(win.search_box, Qt.Key.Key_Return)  # Enter on the same results: still one search
    assert win.tabs.currentIndex() == TAB_ARTICLE
    qtbot.wait(300)
    assert _searches(win.usage) == ["退款到账"]
    assert [e.item for e in win.usage.events() if e.kind == "open"] == ["refund"]


def test_enter_on_no_results_counts_a_miss_at_once(qtbot, root, zhida_home):
    win = _window(qtbot, root, zhida_home, Settings())
    type_text(win.search_box, "积分兑换")
    qtbot.waitUntil(lambda: not win.empty_label.isHidden() and "积分" in win.empty_label.text(), timeout=5000)
    qtbot.keyClick(win.search_box, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: win.usage.unanswered() == [("积分兑换", 1)], timeout=3000)


def test_flag_and_gap_from_the_article_view(qtbot, root, zhida_home):
    win = _window(qtbot, root, zhida_home, Settings())
    type_text(win.search_box, "退款")
    qtbot.waitUntil(lambda: win.results.current_hit() is not None, timeout=5000)
    qtbot.keyClick(win.search_box, Qt.Key.Key_Return)
    _answer(lambda d: d.comment.setPlainText("到账时间改为1-5个工作日了,客户电话13912345678"))  # type: ignore[attr-defined]
    qtbot.mouseClick(win.article_view.flag_button, Qt.MouseButton.LeftButton)
    (flag,) = win.usage.flags()
    assert (
        flag.article == "refund"
        and flag.comment.startswith("到账时间改为1-5个工作日")
        and "13912345678" not in flag.comment
    )
    qtbot.mouseClick(win.article_view.gap_button, Qt.MouseButton.LeftButton)
    assert [e.query for e in win.usage.events() if e.kind == "gap"] == ["退款"]


@pytest.fixture
def team_share(tmp_path: Path) -> Path:
    share = tmp_path / "share"
    init_share(share)
    for n in range(3):
        log = UsageLog(tmp_path / f"agent-{n}")
        log.record_search("积分怎么兑换礼品", 0)
        log.record_search("发票抬头写错了", 0 if n == 0 else 2)
        exchange(share, log, role="坐席")
    return share


def test_the_board_shows_the_gap_and_its_actions_change_content(qtbot, root, zhida_home, team_share, tmp_path):
    win = _window(qtbot, root, zhida_home, Settings(role=MANAGER, shared_folder=str(team_share)))
    board: InsightsBoard = win.insights_board
    with qtbot.waitSignal(board.loaded, timeout=15000):
        win.tabs.setCurrentWidget(board)
    assert board.gaps.item(0, 0).text() == "积分兑换礼品" and board.gaps.item(0, 1).text() == "3"
    assert "3 位坐席" in board.summary.text() and not win.splitter.widget(0).isVisible()
    assert board.stale.item(0, 0).text() == "退款多久到账?"
    for name, size in (("narrow", (420, 860)), ("wide", (1920, 1080))):
        win.resize(*size)
        qtbot.wait(100)
        image = win.grab()
        image.save(str(tmp_path / f"board-{name}.png"))
        assert image.width() >= size[0] - 10 and board.isVisible()

    board.gaps.selectRow(0)
    _answer(lambda d: d.conclusion.setPlainText("在【我的-积分商城】兑换。"))  # type: ignore[attr-defined]
    with qtbot.waitSignal(board.article_created, timeout=5000) as created:
        qtbot.mouseClick(board.gap_buttons[0], Qt.MouseButton.LeftButton)  # 新建文章
    rel = created.args[0]
    assert (root / rel).read_text(encoding="utf-8").count("在【我的-积分商城】兑换。") == 1
    qtbot.waitUntil(
        lambda: all(board.gaps.item(r, 0).text() != "积分兑换礼品" for r in range(board.gaps.rowCount())),
        timeout=15000,
    )
    assert [d.kind for d in UsageLog(zhida_home).decisions()] == [IGNORE_GAP]
    # content_changed reloads the workspace: the new draft is part of it
    qtbot.waitUntil(lambda: win.workspace.content.article(Path(rel).stem) is not None, timeout=30000)


def test_settings_show_what_is_sent_and_turn_it_off(qtbot, zhida_home):
    log = UsageLog(zhida_home)
    log.record_search("积分兑换", 0)
    log.record_search("手机13912345678换号", 0)
    dialog = SettingsDialog(Settings(), None)
    qtbot.addWidget(dialog)
    box: UsagePrivacyBox = dialog.privacy
    text = box.outgoing_text()
    assert "积分兑换" in text and "13912345678" not in text and '"private_searches": 1' in text
    box.enabled.setChecked(False)
    assert "不会发送" in box.outgoing_text()
    assert dialog.result_settings().usage_sharing is False


def test_a_copied_reply_to_a_suggestion_keeps_the_customers_words_masked(qtbot, root, zhida_home):
    shutil.copy(REPO_ROOT / "scripts_library" / "triage.yaml", root / "scripts_library" / "triage.yaml")
    win = _window(qtbot, root, zhida_home, Settings())
    builder = win.builder
    win.tabs.setCurrentIndex(2)
    builder.message.setPlainText("建议你们增加夜间客服,我的电话13912345678")
    with qtbot.waitSignal(builder.draft_checked, timeout=15000):
        builder.compose_now()
    qtbot.waitUntil(lambda: builder.draft is not None, timeout=15000)
    with qtbot.waitSignal(builder.copied, timeout=5000):
        builder.copy_draft(override=True)
    qtbot.waitUntil(lambda: any(e.kind == "draft" for e in win.usage.events()), timeout=5000)
    (draft,) = [e for e in win.usage.events() if e.kind == "draft"]
    assert draft.extra["type"] == "建议" == builder.draft.triage.type
    assert draft.extra["voice"].startswith("建议你们增加夜间客服") and "13912345678" not in draft.extra["voice"]


def test_a_draft_made_from_a_gap_opens_in_the_workbench_editor(qtbot, root, zhida_home, team_share):
    win = _window(qtbot, root, zhida_home, Settings(role=MANAGER, shared_folder=str(team_share)))
    board: InsightsBoard = win.insights_board
    with qtbot.waitSignal(board.loaded, timeout=15000):
        win.tabs.setCurrentWidget(board)
    board.gaps.selectRow(0)
    _answer(lambda d: type_text(d.conclusion, "在【我的-积分商城】兑换。"))  # type: ignore[attr-defined]
    with qtbot.waitSignal(board.article_created, timeout=5000) as created:
        qtbot.mouseClick(board.gap_buttons[0], Qt.MouseButton.LeftButton)  # 新建文章
    rel = created.args[0]
    bench = win.workbench
    qtbot.waitUntil(lambda: win.tabs.currentWidget() is bench and bench.rel == rel, timeout=30000)
    assert bench.article.title.text() == "积分兑换礼品"
    assert "在【我的-积分商城】兑换。" in bench.article.body.toPlainText()
    assert win.focusWidget() is bench.article.body and not bench.is_dirty()  # the cursor waits in the text
    type_text(bench.article.body, "积分")  # the manager writes on at once
    assert bench.is_dirty()


def _press(qtbot, window: MainWindow, key: Qt.Key, modifier: Qt.KeyboardModifier) -> None:
    """A key where the agent's focus is; a closed dialog gives the window back its activation, as a desktop does."""
    if QApplication.activeWindow() is not window:
        window.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=3000)
    qtbot.keyClick(QApplication.focusWidget() or window, key, modifier)


CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


def test_bad_draft_and_save_case_from_the_reply_tab_by_keyboard(qtbot, window):
    from app.core.vocab import FLAG_ARTICLE, FLAG_DRAFT
    from app.ui.help_overlay import shortcut_rows

    builder = window.builder
    window.activateWindow()
    _press(qtbot, window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)  # 回复
    assert not builder.bad_button.isEnabled()  # no draft yet: nothing to call bad
    type_text(builder.message, "退款一直没到账")
    with qtbot.waitSignal(builder.draft_checked, timeout=15000):
        _press(qtbot, window, Qt.Key.Key_G, Qt.KeyboardModifier.ControlModifier)
    assert builder.draft.article.id == "refund-time" and builder.bad_button.isEnabled()

    _answer(lambda d: type_text(d.comment, "应该先说明节假日顺延"))  # type: ignore[attr-defined]
    _press(qtbot, window, Qt.Key.Key_X, CTRL_SHIFT)  # 草稿不好
    (flag,) = window.usage.flags()
    assert (flag.kind, flag.article, flag.comment) == (FLAG_DRAFT, "refund-time", "应该先说明节假日顺延")
    assert flag.draft.startswith("退款审核通过后1-3个工作日原路退回") and "查看退款进度" in flag.draft  # stored masked

    _answer(lambda d: d.outcome.setCurrentIndex(0))  # type: ignore[attr-defined]
    _press(qtbot, window, Qt.Key.Key_Q, CTRL_SHIFT)  # 存为案例
    (case,) = window.usage.cases()
    assert (case.message, case.article) == ("退款一直没到账", "refund-time") and case.reply == flag.draft
    assert "存为案例" in window.statusBar().currentMessage()

    # The same keys in 文章 act on the article (never ambiguous); F1 lists all four.
    search(qtbot, window, "退款")
    qtbot.keyClick(window.search_box, Qt.Key.Key_Return)
    _answer(lambda d: None)
    _press(qtbot, window, Qt.Key.Key_X, CTRL_SHIFT)
    assert [f.kind for f in window.usage.flags()].count(FLAG_ARTICLE) == 1
    rows = {(group, keys): what for group, keys, what in shortcut_rows(window)}
    assert "草稿不好" in rows[("回复", "Ctrl+Shift+X")] and "存为案例" in rows[("回复", "Ctrl+Shift+Q")]
    assert "有误" in rows[("文章", "Ctrl+Shift+X")] and "知识缺口" in rows[("文章", "Ctrl+Shift+Q")]

    _press(qtbot, window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    _press(qtbot, window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)  # 下一位客户
    assert not builder.bad_button.isEnabled()
