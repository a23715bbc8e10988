"""Regenerate the screenshots in resources/screenshots/: `python tools/make_screenshots.py`.

Runs the real window offscreen on the bundled content with a throw-away $ZHIDA_HOME and saves
PNGs of the main states, narrow (side panel) and wide. Needs a CJK font (fonts-noto-cjk on Linux).
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
REPO = Path(__file__).resolve().parent.parent
HERE = REPO / "resources" / "screenshots"
sys.path.insert(0, str(REPO))

from PySide6.QtCore import QEventLoop, QTimer  # noqa: E402
from PySide6.QtGui import QFont, QInputMethodEvent  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402


def wait(ms: int) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def wait_for(signal, timeout_ms: int = 60000) -> None:
    loop = QEventLoop()
    signal.connect(loop.quit)
    QTimer.singleShot(timeout_ms, loop.quit)
    loop.exec()


def type_into(widget, text: str) -> None:
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def main() -> None:
    os.environ["ZHIDA_HOME"] = tempfile.mkdtemp(prefix="zhida-shots-")
    app = QApplication(sys.argv[:1])
    app.setFont(QFont("Noto Sans CJK SC", 10))
    from app.core.paths import bundled_content_root
    from app.core.settings import Settings
    from app.ui.main_window import TAB_ARTICLE, TAB_BUILDER, TAB_TRAINING, MainWindow

    win = MainWindow(bundled_content_root(), Settings())
    win.resize(420, 860)
    win.show()
    win.start_loading()
    wait_for(win.ready)
    wait(200)

    def shot(name: str) -> None:
        wait(250)
        win.grab().save(str(HERE / f"{name}.png"))
        print("saved", name)

    shot("01-empty-narrow")
    type_into(win.search_box, "退款多久到账")
    wait_for(win.results_shown)
    shot("02-results-narrow")
    win.open_current()
    win.tabs.setCurrentIndex(TAB_ARTICLE)
    shot("03-article-narrow")
    win.resize(1280, 800)
    shot("04-article-wide")
    builder = win.builder
    builder.message.setPlainText("你们怎么回事!!!我的退款申请了三次都没到账,客服一直推,再不处理我就去投诉曝光!")
    win.tabs.setCurrentIndex(TAB_BUILDER)
    builder.compose_now()
    wait_for(builder.draft_checked)
    shot("05-builder-wide")
    builder.editor.setPlainText(
        builder.editor.toPlainText() + "\n这是物流的问题,我不知道,你自己看说明吧。客户手机13812345678。"
    )
    wait_for(builder.draft_checked)
    shot("06-builder-findings-wide")
    win.resize(420, 860)
    shot("07-builder-findings-narrow")
    win.help.toggle()
    shot("08-help-narrow")
    win.help.toggle()
    training = win.training
    win.tabs.setCurrentIndex(TAB_TRAINING)
    training.select_drill("complaint-damaged-expose")
    training.reply.setPlainText("不好意思,这是物流的问题,您自己联系快递吧。")
    training.submit()
    wait_for(training.scored)
    shot("09-training-narrow")


if __name__ == "__main__":
    main()
