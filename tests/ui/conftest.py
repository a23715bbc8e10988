"""Shared by the window tests: a content root with the shipped rules, the loaded window, typing helpers."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtGui import QGuiApplication, QInputMethodEvent
from PySide6.QtTest import QTest

from app.core.settings import Settings
from app.ui.main_window import MainWindow
from tests.conftest import REPO_ROOT, article


@pytest.fixture(autouse=True)
def index_in_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """The window tests' roots are tiny: their first index is built in-process (the child process that a
    real fresh home uses is tested on its own in test_first_index.py)."""
    monkeypatch.setenv("ZHIDA_INDEX_CHILD", "0")


REFUND_BODY = (
    "## 结论\n退款审核通过后1-3个工作日原路退回。\n\n## 说明\n银行处理需要时间,周末可能顺延。\n\n"
    "## 操作步骤\n1. 打开APP【我的-订单】\n2. 查看退款进度\n\n## 常见误区\n- 退款不会退到余额\n"
)
SCRIPTS = """\
- id: s-empathy
  title: 投诉共情
  type: 投诉
  stage: 共情
  text: "您的心情我完全理解,我们一定给您一个满意的答复。"
- id: s-order
  title: 核实订单
  type: 通用
  stage: 核实
  text: "麻烦您提供一下订单号{订单号},我马上为您查询。"
  variants:
    en: "Could you share your order number {订单号}? I will check it right away."
"""


@pytest.fixture
def content_root(make_root) -> Path:
    root = make_root(
        {
            "kb/returns/refund.md": article(
                "refund-time",
                title="退款多久到账?",
                category="退换货",
                similar="[钱什么时候退回来, 退款一直没到账]",
                tags="[退款, 到账]",
                body=REFUND_BODY,
            ),
            "kb/invoice/invoice.md": article(
                "invoice-open",
                title="怎么开电子发票?",
                category="发票",
                similar="[发票在哪开, 要发票]",
                body="## 结论\n在订单详情申请电子发票。\n",
            ),
            "scripts_library/scripts/s.yaml": SCRIPTS,
        }
    )
    # The real rule, template and triage files, so checker and composer behave as shipped.
    library = REPO_ROOT / "scripts_library"
    for path in library.iterdir():
        if path.name != "scripts":
            target = root / "scripts_library" / path.name
            if path.is_dir():
                shutil.copytree(path, target)
            else:
                shutil.copy(path, target)
    return root


@pytest.fixture
def window(qtbot, content_root, zhida_home) -> MainWindow:
    win = MainWindow(content_root, Settings(), home=zhida_home)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    with qtbot.waitSignal(win.ready, timeout=30000):
        win.start_loading()
    return win


def type_text(widget, text: str) -> None:
    """Type as an agent does: Chinese arrives from the input method as committed text, one word at a time."""
    for ch in text:
        if ch.isascii():
            QTest.keyClick(widget, ch)
        else:
            event = QInputMethodEvent()
            event.setCommitString(ch)
            QGuiApplication.sendEvent(widget, event)


def search(qtbot, win: MainWindow, text: str) -> None:
    win.search_box.clear()
    with qtbot.waitSignal(win.results_shown, timeout=10000, check_params_cb=lambda q: q == text):
        type_text(win.search_box, text)
