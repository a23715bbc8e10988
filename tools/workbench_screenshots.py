"""Screenshots of the 知识管理 tab, wide and narrow: `python tools/workbench_screenshots.py` (offscreen, CJK font)."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def main() -> None:
    """Open the bundled content as a 知识管理员, edit an article with a finding, save both sizes."""
    from PySide6.QtWidgets import QApplication

    from app.core.settings import Settings
    from app.ui.main_window import MainWindow

    home = Path(tempfile.mkdtemp(prefix="zhida-shots-"))
    content = Path(tempfile.mkdtemp(prefix="zhida-content-")) / "content"
    shutil.copytree(REPO / "kb", content / "kb")
    shutil.copytree(REPO / "scripts_library", content / "scripts_library")
    os.environ["ZHIDA_HOME"] = str(home)
    app = QApplication.instance() or QApplication([])
    window = MainWindow(content, Settings(role="知识管理员"), home=home)

    def settle(seconds: float = 1.0) -> None:
        end = time.time() + seconds
        while time.time() < end:
            app.processEvents()
            time.sleep(0.02)

    out = REPO / "resources" / "screenshots"
    for name, size in (("20-workbench-wide.png", (1920, 1080)), ("21-workbench-narrow.png", (420, 860))):
        window.resize(*size)
        window.show()
        if window.workspace is None:
            window.start_loading()
            end = time.time() + 120
            while window.workspace is None and time.time() < end:
                settle(0.1)
        panel = window.workbench
        window.tabs.setCurrentIndex(0)
        window.tabs.setCurrentWidget(panel)
        settle(1.5)
        article = next(a for a in window.workspace.content.articles if a.category == "退换货")
        panel.saved_text = panel._editor_text() if panel.kind else ""  # no "unsaved changes" prompt between shots
        panel.open_item("article", article.id)
        panel.article.similar.add("退款怎么还没到")
        body = panel.article.body
        body.setPlainText(body.toPlainText().replace("。", "。我不知道具体时间,您自己去问银行。", 1))
        panel.lint_now()
        settle(2.0)
        window.grab().save(str(out / name))
        print(out / name)
    window.shutdown()


if __name__ == "__main__":
    main()
