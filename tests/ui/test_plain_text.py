"""Fields from content (and so from the share) are shown as the characters they are: never rendered, never
a file opened (#18 item 6). A FIFO stands where the markup points: opening it would be seen, not hang."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from app.core.settings import Settings
from app.ui.main_window import TAB_ARTICLE, TAB_SCRIPTS, MainWindow
from tests.conftest import article
from tests.ui.conftest import search

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")


class FifoWatch:
    """A FIFO whose opening for reading is noticed. A separate process (it must not need this process's
    GIL, which a blocked Qt call would hold) opens it for writing again and again, and notes each open;
    closing at once gives every reader end-of-file, so a mistaken load ends instead of hanging the run."""

    def __init__(self, path: Path):
        self.path = path
        self.marker = path.with_name(path.name + ".opened")
        os.mkfifo(path)
        loop = 'while :; do : > "$1" && echo opened >> "$2"; done'
        self.writer = subprocess.Popen(["sh", "-c", loop, "sh", str(path), str(self.marker)])

    def opened(self) -> bool:
        """True once anything opened the FIFO to read."""
        return self.marker.exists()

    def close(self) -> None:
        self.writer.kill()
        self.writer.wait(timeout=5)


@pytest.fixture
def hostile(make_root, tmp_path):
    fifo = FifoWatch(tmp_path / "fifo.png")
    img = f'<img src="file://{fifo.path}">'
    root = make_root(
        {
            "kb/a.md": article(
                "hostile",
                title=f"'退款{img}'",
                category="'<a href=\"https://example.com\">退换货</a>'",
                tags="['<span style=\"font-size:72pt\">大字</span>']",
                similar=f"['钱{img}']",
                body=f"## 结论\n退款1-3个工作日到账。{img}\n\n![图](file://{fifo.path})\n",
            ),
            "scripts_library/scripts/s.yaml": (
                f"- id: s-hostile\n  title: '话术{img}'\n  type: 通用\n  stage: 说明\n  text: '退款说明{img}'\n"
            ),
        },
        name="hostile",
    )
    yield root, fifo, img
    fifo.close()


def test_front_matter_markup_is_shown_literally_and_nothing_is_loaded(qtbot, hostile, zhida_home):
    root, fifo, img = hostile
    win = MainWindow(root, Settings(), home=zhida_home)
    qtbot.addWidget(win)
    win.show()
    with qtbot.waitSignal(win.ready, timeout=30000):
        win.start_loading()
    search(qtbot, win, "退款")
    win.results.resize(400, 600)
    win.results.viewport().repaint()  # the result rows are laid out and painted (rich text, escaped)
    hits = [win.results.results_model.hit(i) for i in range(win.results.results_model.rowCount())]
    assert {h.id for h in hits} >= {"hostile", "s-hostile"}
    for row, hit in enumerate(hits):
        tip = win.results.results_model.data(win.results.results_model.index(row), Qt.ItemDataRole.ToolTipRole)
        assert "&lt;img" in tip and "<img" not in tip, "the tooltip would render the title"
        assert hit.title.endswith(img)

    win.open_current()
    view = win.article_view
    assert win.tabs.currentIndex() == TAB_ARTICLE
    assert view.title.text() == f"退款{img}" and view.title.textFormat() == Qt.TextFormat.PlainText
    assert '<a href="https://example.com">退换货</a>' in view.meta.text()
    assert view.meta.textFormat() == Qt.TextFormat.PlainText
    assert "<img" not in view.browser.toHtml(), "the article body kept an image after the sanitizer"
    assert "钱<img" in view.browser.toPlainText(), "相似问法 must show the markup as text"
    view.browser.viewport().repaint()

    win.tabs.setCurrentIndex(TAB_SCRIPTS)
    win.script_browser.select_script("s-hostile")
    item = win.script_browser.tree.currentItem()
    assert "&lt;img" in item.toolTip(0) and "<img" not in item.toolTip(0)
    win.repaint()

    for label in win.findChildren(QLabel):
        if "<img" in label.text() and label is not win.help.label:
            assert label.textFormat() == Qt.TextFormat.PlainText, f"a label renders content: {label.text()!r}"
    qtbot.wait(300)
    assert not fifo.opened(), "the UI opened a file named by content"
