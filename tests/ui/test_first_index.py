"""A fresh $ZHIDA_HOME: the first index is built by a child `zhida index`, so the window never stalls."""

from __future__ import annotations

import pytest

from app.core.settings import Settings
from app.ui.first_index import needs_first_build
from app.ui.main_window import MainWindow
from tests.ui.conftest import search


@pytest.fixture
def child_builds(monkeypatch):
    monkeypatch.delenv("ZHIDA_INDEX_CHILD", raising=False)


def open_window(qtbot, root, home) -> MainWindow:
    win = MainWindow(root, Settings(), home=home)
    qtbot.addWidget(win)
    win.show()
    with qtbot.waitSignal(win.ready, timeout=90000):
        win.start_loading()
    return win


def test_a_fresh_home_builds_its_first_index_in_a_child_process(qtbot, child_builds, content_root, zhida_home):
    assert needs_first_build(content_root, zhida_home)
    win = open_window(qtbot, content_root, zhida_home)
    build = win.first_index
    assert build is not None, "the fresh home's index was built in the window's own process"
    assert build.process.exitCode() == 0
    assert not needs_first_build(content_root, zhida_home)
    search(qtbot, win, "退款")
    assert win.results.current_hit().id == "refund-time"


def test_a_built_index_is_opened_without_a_child(qtbot, child_builds, content_root, zhida_home):
    open_window(qtbot, content_root, zhida_home).close()
    again = open_window(qtbot, content_root, zhida_home)
    assert again.first_index is None
    search(qtbot, again, "发票")
    assert again.results.current_hit().id == "invoice-open"


def test_when_the_child_cannot_run_the_window_builds_the_index_itself(
    qtbot, child_builds, content_root, zhida_home, monkeypatch
):
    monkeypatch.setattr("app.ui.first_index.index_command", lambda root: ["/nonexistent/zhida", "index"])
    win = open_window(qtbot, content_root, zhida_home)
    search(qtbot, win, "退款")
    assert win.results.current_hit().id == "refund-time"
