"""The reply builder as an agent uses it at peak hour: nothing unchecked reaches the clipboard, one customer
at a time, the customer's own facts filled in, and an honest word when the knowledge base is unsure."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, Qt
from PySide6.QtGui import QGuiApplication

from app.core.settings import Settings
from app.core.usage.log import UsageLog
from app.ui.main_window import TAB_BUILDER, MainWindow
from tests.conftest import REPO_ROOT, article
from tests.ui.conftest import type_text

ARTICLES = {
    "kb/orders/overdue.md": article(
        "order-overdue",
        title="订单超过承诺时间还没发货怎么办？",
        category="订单",
        type="投诉",
        tags="[发货, 超时]",
        similar="[一直不发货, 催了好几次还没发货, 下单好几天了还没发货]",
        body="## 结论\n非常抱歉让您久等了，我们马上为您催促仓库加急发货。\n",
    ),
    "kb/returns/refund-time.md": article(
        "refund-time",
        title="退款多久到账？",
        category="退换货",
        tags="[退款, 到账]",
        similar="[钱什么时候退回来, 退款一直没到账]",
        body="## 结论\n退款审核通过后1-3个工作日原路退回。\n",
    ),
    "kb/returns/refund-rejected.md": article(
        "refund-rejected",
        title="退款申请被驳回怎么办？",
        category="退换货",
        tags="[退款, 驳回]",
        similar="[退款为什么被拒, 退款申请没通过]",
        body="## 结论\n被驳回的退款可以补充凭证后重新申请。\n",
    ),
    "kb/invoice/invoice.md": article(
        "invoice-open",
        title="怎么开电子发票？",
        category="发票",
        similar="[发票在哪开, 要发票]",
        body="## 结论\n在订单详情申请电子发票。\n",
    ),
}


@pytest.fixture
def window(qtbot, make_root, zhida_home) -> MainWindow:
    root = make_root(ARTICLES)
    shutil.rmtree(root / "scripts_library")
    shutil.copytree(REPO_ROOT / "scripts_library", root / "scripts_library")  # scripts, rules, templates as shipped
    win = MainWindow(root, Settings(), home=zhida_home)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    with qtbot.waitSignal(win.ready, timeout=60000):
        win.start_loading()
    win.tabs.setCurrentIndex(TAB_BUILDER)
    return win


def paste(widget, text: str) -> None:
    """Paste as Ctrl+V does: the text arrives through the widget's mime-data insertion."""
    data = QMimeData()
    data.setText(text)
    widget.insertFromMimeData(data)


def compose(qtbot, win: MainWindow, message: str) -> None:
    builder = win.builder
    builder.next_customer()
    paste(builder.message, message)
    with qtbot.waitSignal(builder.draft_checked, timeout=20000):
        qtbot.keyClick(builder.message, Qt.Key.Key_G, Qt.KeyboardModifier.ControlModifier)


def test_typing_then_ctrl_enter_at_once_never_copies_text_the_checker_would_block(qtbot, window):
    builder = window.builder
    builder.editor.setFocus()
    QGuiApplication.clipboard().setText("旧内容")
    type_text(builder.editor, "我不知道，你自己看说明吧，电话13812345678")
    qtbot.keyClick(builder.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)  # no pause: no check ran
    assert QGuiApplication.clipboard().text() == "旧内容"
    assert builder.guard.isVisible() and "禁忌或隐私" in builder.guard_label.text()
    # The explicit override still copies, and says so.
    with qtbot.waitSignal(builder.copied) as copied:
        qtbot.keyClick(
            builder.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
        )
    assert "仍然复制" in copied.args[0] and "13812345678" in QGuiApplication.clipboard().text()


def test_customer_as_draft_never_reaches_customer_b(qtbot, window):
    builder = window.builder
    compose(qtbot, window, "我要投诉，订单号2024113012345678三天了还没发货")
    assert "2024113012345678" in builder.editor.toPlainText()
    builder.copy_draft(override=True)  # customer A's reply is sent
    # The agent searches a greeting for the next customer and copies it from the results with Ctrl+Enter.
    window.search_box.setFocus()
    with qtbot.waitSignal(window.results_shown, timeout=10000):
        type_text(window.search_box, "问候")
    QGuiApplication.clipboard().clear()
    qtbot.keyClick(window.search_box, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    copied = QGuiApplication.clipboard().text()
    assert "2024113012345678" not in copied
    # The greeting is copied, or (when it has something to fill) put into a new reply of its own.
    assert copied or window.tabs.currentIndex() == TAB_BUILDER
    assert "2024113012345678" not in builder.editor.toPlainText()
    # Pasting the next customer's message clears everything of the previous one.
    paste(builder.message, "发票在哪里开？")
    assert builder.message.toPlainText() == "发票在哪里开？"
    assert builder.editor.toPlainText() == "" and builder.draft is None
    assert "2024113012345678" not in builder.facts_label.text()


def test_the_customers_order_number_fills_the_draft_and_is_never_asked_for(qtbot, window):
    builder = window.builder
    compose(qtbot, window, "我要投诉，订单号2024113012345678三天了还没发货")
    text = builder.editor.toPlainText()
    assert "2024113012345678" in text and "{订单号}" not in text
    assert "提供一下订单号" not in text and "订单号是多少" not in text
    assert builder.facts_label.isVisible() and "订单号 2024113012345678" in builder.facts_label.text()


def test_an_unsure_match_shows_the_candidates_and_one_key_picks_another(qtbot, window):
    builder = window.builder
    compose(qtbot, window, "退款的事想问问")
    draft = builder.draft
    assert draft is not None and draft.choice.status in ("close", "weak")
    assert builder.candidates_box.isVisible() and "不确定" in builder.article_label.text()
    ids = [c.article.id for c in draft.choice.candidates]
    assert {"refund-time", "refund-rejected"} <= set(ids)
    with qtbot.waitSignal(builder.draft_checked, timeout=20000):
        qtbot.keyClick(builder.editor, Qt.Key.Key_2, Qt.KeyboardModifier.AltModifier)
    assert builder.draft.article is not None and builder.draft.article.id == ids[1]


def test_an_uncovered_topic_says_so_and_is_recorded_as_a_gap(qtbot, window, zhida_home):
    builder = window.builder
    compose(qtbot, window, "你们支持数字人民币付款吗？我手机13812345678")
    assert builder.draft is not None and builder.draft.article is None
    assert "知识库里没有找到对应文章" in builder.article_label.text()
    assert "{待确认}" in builder.editor.toPlainText()
    assert builder.copy_draft() is False  # the answer is the agent's to write before anything is sent
    qtbot.mouseClick(builder.gap_button, Qt.MouseButton.LeftButton)
    window.background.wait()
    [gap] = [e for e in UsageLog(zhida_home).events() if e.kind == "gap"]
    assert gap.extra.get("type") == "咨询" and "数字人民币" in (gap.query or "") and "13812345678" not in str(gap)


def test_ctrl_g_in_an_empty_message_box_builds_from_the_search_box(qtbot, window):
    builder = window.builder
    builder.next_customer()
    window.search_box.setFocus()
    type_text(window.search_box, "退款多久到账")
    builder.compose_from(window.search_box.text())
    qtbot.waitUntil(lambda: builder.draft is not None, timeout=20000)
    assert builder.message.toPlainText() == "退款多久到账"
    assert builder.draft.article is not None and builder.draft.article.id == "refund-time"


def test_a_library_script_with_a_forbidden_phrase_goes_to_the_builder_instead_of_the_clipboard(
    qtbot, window, tmp_path: Path
):
    from app.core.content.model import Script

    script = Script("bad", "坏话术", "这个我不知道，你自己看说明吧。", "scripts_library/x.yaml")
    QGuiApplication.clipboard().setText("旧内容")
    window.copy_script(script)
    assert QGuiApplication.clipboard().text() == "旧内容"
    assert window.tabs.currentIndex() == TAB_BUILDER and "我不知道" in window.builder.editor.toPlainText()
    assert window.builder.guard.isVisible()
