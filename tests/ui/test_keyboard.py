"""Keyboard-first: every path an agent takes at peak hour works without the mouse, at real key speed."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import QApplication

from app.ui.main_window import TAB_ARTICLE, TAB_BUILDER, TAB_PROBLEMS, TAB_SCRIPTS, TAB_TRAINING
from tests.ui.conftest import search, type_text

CTRL, ALT = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.AltModifier


def press(qtbot, key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    """A key press where the agent's focus is, as the keyboard delivers it."""
    qtbot.keyClick(QApplication.focusWidget(), key, modifier)


def test_ctrl_2_puts_the_arrows_in_the_script_tree(qtbot, window):
    window.activateWindow()
    press(qtbot, Qt.Key.Key_2, CTRL)
    tree = window.script_browser.tree
    assert window.tabs.currentIndex() == TAB_SCRIPTS and tree.hasFocus()
    first = window.script_browser.current_script()
    assert first is not None
    press(qtbot, Qt.Key.Key_Down)
    assert window.script_browser.current_script() is not first


def test_ctrl_3_types_into_the_customer_message(qtbot, window):
    press(qtbot, Qt.Key.Key_3, CTRL)
    assert window.tabs.currentIndex() == TAB_BUILDER
    type_text(QApplication.focusWidget(), "退款没到账")
    assert window.builder.message.toPlainText() == "退款没到账"


def test_ctrl_1_4_5_focus_a_widget_inside_their_tab(qtbot, window):
    press(qtbot, Qt.Key.Key_1, CTRL)
    assert window.tabs.currentIndex() == TAB_ARTICLE and window.article_view.browser.hasFocus()
    press(qtbot, Qt.Key.Key_4, CTRL)
    assert window.tabs.currentIndex() == TAB_PROBLEMS and window.problems.list.hasFocus()
    press(qtbot, Qt.Key.Key_5, CTRL)
    focused = QApplication.focusWidget()
    assert window.tabs.currentIndex() == TAB_TRAINING
    assert window.training.isAncestorOf(focused), "Ctrl+5 left the focus outside the 练习 tab"
    press(qtbot, Qt.Key.Key_L, CTRL)
    assert window.search_box.hasFocus()


def test_alt_number_sends_the_article_section_from_the_search_box(qtbot, window):
    search(qtbot, window, "退款")
    press(qtbot, Qt.Key.Key_Return)
    assert window.tabs.currentIndex() == TAB_ARTICLE and window.search_box.hasFocus()
    press(qtbot, Qt.Key.Key_3, ALT)
    assert window.tabs.currentIndex() == TAB_BUILDER
    assert "查看退款进度" in window.builder.editor.toPlainText()


def test_alt_number_for_a_missing_section_says_so_and_sends_nothing(qtbot, window):
    search(qtbot, window, "发票")
    press(qtbot, Qt.Key.Key_Return)
    press(qtbot, Qt.Key.Key_2, ALT)  # the invoice article has no 说明
    assert window.tabs.currentIndex() == TAB_ARTICLE
    assert window.builder.editor.toPlainText() == ""
    assert "没有这一节" in window.statusBar().currentMessage()


def test_ctrl_g_builds_from_the_search_box_when_the_message_is_empty(qtbot, window):
    message = "退款申请三天了还没到账,怎么回事"
    type_text(window.search_box, message)
    with qtbot.waitSignal(window.builder.editor.textChanged, timeout=15000):
        press(qtbot, Qt.Key.Key_G, CTRL)
    assert window.tabs.currentIndex() == TAB_BUILDER
    assert window.builder.message.toPlainText() == message
    assert "1-3个工作日" in window.builder.editor.toPlainText()


def test_ctrl_g_keeps_a_message_the_agent_already_pasted(qtbot, window):
    window.builder.message.setPlainText("怎么开电子发票")
    type_text(window.search_box, "退款")
    with qtbot.waitSignal(window.builder.editor.textChanged, timeout=15000):
        press(qtbot, Qt.Key.Key_G, CTRL)
    assert window.builder.message.toPlainText() == "怎么开电子发票"


def test_a_whole_reply_from_search_to_clipboard_without_the_mouse(qtbot, window):
    """Paste the customer's words into search, read the article, build, check, copy: keys only."""
    QGuiApplication.clipboard().setText("旧内容")
    search(qtbot, window, "退款多久到账")
    press(qtbot, Qt.Key.Key_Return)  # read the article
    assert window.article_view.article.id == "refund-time"
    builder = window.builder
    with qtbot.waitSignal(builder.editor.textChanged, timeout=15000):
        press(qtbot, Qt.Key.Key_G, CTRL)  # build a reply from the words in the search box
    draft = builder.editor.toPlainText()
    assert "1-3个工作日" in draft
    with qtbot.waitSignal(builder.copied, timeout=5000):
        press(qtbot, Qt.Key.Key_Return, CTRL)  # wherever the focus is, Ctrl+Enter copies the draft
    assert QGuiApplication.clipboard().text() == draft


def test_f1_lists_every_shortcut_of_the_window(qtbot, window):
    press(qtbot, Qt.Key.Key_F1)
    assert window.help.isVisible()
    shown = window.help.text()
    for shortcut in window.findChildren(QShortcut):
        keys = shortcut.key().toString(QKeySequence.SequenceFormat.PortableText)
        if keys.startswith("Ctrl+") and keys[5:].isdigit():
            continue  # the tab keys are one row, checked below
        assert keys.replace("Return", "Enter") in shown, f"F1 does not list {keys}"
    assert "Ctrl+1 … Ctrl+5" in shown and "话术库" in shown and "练习" in shown
    press(qtbot, Qt.Key.Key_Escape)
    assert not window.help.isVisible()
