"""Regenerate the screenshots in resources/screenshots/: `python tools/make_screenshots.py`.

Runs the real window offscreen on the bundled content with a throw-away $ZHIDA_HOME and saves
PNGs of every tab and the dialogs, at 420×860 (side panel) and 1920×1080 (full screen).
Needs a CJK font (fonts-noto-cjk on Linux).
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


SIZES = {"narrow": (420, 860), "wide": (1920, 1080)}


def main() -> None:
    os.environ["ZHIDA_HOME"] = tempfile.mkdtemp(prefix="zhida-shots-")
    app = QApplication(sys.argv[:1])
    app.setFont(QFont("Noto Sans CJK SC", 10))
    import datetime as dt

    from app.core.paths import bundled_content_root
    from app.core.settings import Settings
    from app.ui.main_window import TAB_ARTICLE, TAB_BUILDER, TAB_PROBLEMS, TAB_SCRIPTS, TAB_TRAINING, MainWindow
    from app.ui.settings_dialog import SettingsDialog

    for old in HERE.glob("*.png"):
        old.unlink()
    win = MainWindow(bundled_content_root(), Settings())
    win.resize(*SIZES["narrow"])
    win.show()
    win.start_loading()
    wait_for(win.ready)
    wait(200)

    def shot(name: str) -> None:
        for size, (w, h) in SIZES.items():
            win.resize(w, h)
            wait(300)
            win.grab().save(str(HERE / f"{name}-{size}.png"))
            print("saved", f"{name}-{size}")
        win.resize(*SIZES["narrow"])
        wait(150)

    shot("01-empty")
    type_into(win.search_box, "退款多久到账")
    wait_for(win.results_shown)
    shot("02-results")
    win.open_current()
    win.tabs.setCurrentIndex(TAB_ARTICLE)
    shot("03-article")
    win.tabs.setCurrentIndex(TAB_SCRIPTS)
    win.script_browser.focus_first()
    win.script_browser.type_filter.setCurrentText("投诉")
    win.script_browser.focus_first()
    shot("04-scripts")
    builder = win.builder
    builder.message.setPlainText("你们怎么回事!!!我的退款申请了三次都没到账,客服一直推,再不处理我就去投诉曝光!")
    win.tabs.setCurrentIndex(TAB_BUILDER)
    builder.compose_now()
    wait_for(builder.draft_checked)
    shot("05-builder")
    builder.editor.setPlainText(
        builder.editor.toPlainText() + "\n这是物流的问题,我不知道,你自己看说明吧。客户手机13812345678。"
    )
    wait_for(builder.draft_checked)
    shot("06-builder-findings")
    win.tabs.setCurrentIndex(TAB_PROBLEMS)
    shot("07-problems")
    win.help.toggle()
    shot("08-help")
    win.help.toggle()
    training = win.training
    win.tabs.setCurrentIndex(TAB_TRAINING)
    training.select_drill("complaint-damaged-expose")
    training.reply.setPlainText("不好意思,这是物流的问题,您自己联系快递吧。")
    training.submit()
    wait_for(training.scored)
    shot("09-training")

    dialog = SettingsDialog(win.settings, win, hotkey_error=win.desk.hotkey_error)
    dialog.resize(420, dialog.sizeHint().height())
    dialog.show()
    wait(300)
    dialog.grab().save(str(HERE / "10-settings.png"))
    dialog.close()
    print("saved 10-settings")
    now = dt.datetime.now()
    win.set_follow_up("我会在今天18点前给您回复退款进度", "2026112200123", now - dt.timedelta(minutes=12))
    win.set_follow_up("补开发票后回电告知", "13812345678", now + dt.timedelta(hours=3))
    wait(500)
    win.followups.open_list()
    wait(400)
    win.followups.dialog.grab().save(str(HERE / "11-followups.png"))
    print("saved 11-followups")
    win.followups.dialog.close()
    win.resize(*SIZES["narrow"])
    wait(300)
    win.grab().save(str(HERE / "12-followup-due-narrow.png"))
    print("saved 12-followup-due-narrow")
    win.shutdown()


if __name__ == "__main__":
    main()
