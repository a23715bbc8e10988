"""Run by test_desk.py in a child process on a real X server (Xvfb): the hotkey, the clipboard watch.

argv: content_root home. Prints one JSON line with what happened.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

CHAT_TOOL = """
import sys, time
from PySide6.QtWidgets import QApplication, QLineEdit
app = QApplication([])
def pump(seconds):
    deadline = time.time() + seconds
    while time.time() < deadline:
        app.processEvents(); time.sleep(0.02)
box = QLineEdit(); box.show(); pump(0.5)
box.activateWindow(); pump(0.5)  # the agent is in the chat tool now
app.clipboard().setText(sys.argv[1])
pump(float(sys.argv[2]))
"""


PRESS_KEYS = """
import sys
from Xlib import X, XK, display
from Xlib.ext import xtest
d = display.Display()
keys = [d.keysym_to_keycode(XK.string_to_keysym(name)) for name in sys.argv[1:]]
for k in keys:
    xtest.fake_input(d, X.KeyPress, k)
for k in reversed(keys):
    xtest.fake_input(d, X.KeyRelease, k)
d.sync()
"""


def wait_until(check, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        loop = QEventLoop()
        QTimer.singleShot(30, loop.quit)
        loop.exec()
    return check()


def main() -> None:
    root, home = Path(sys.argv[1]), Path(sys.argv[2])
    qapp = QApplication(sys.argv[:1])  # noqa: F841 - kept alive for the whole scenario
    from app.core.settings import Settings
    from app.ui.main_window import MainWindow

    settings = Settings(hotkey="Ctrl+Alt+Z", clipboard_watch=True, tray=False)
    win = MainWindow(root, settings, home=home)
    win.show()
    win.start_loading()
    result: dict[str, object] = {"hotkey_error": win.desk.hotkey_error}
    result["ready"] = wait_until(lambda: win.workspace is not None, 60)

    # Zhida's own copy (a script copied with Ctrl+Enter) is never offered back.
    win.activateWindow()
    wait_until(lambda: QApplication.activeWindow() is win, 3)
    plain = next(s for s in win.workspace.content.scripts if "{" not in s.text)
    win.copy_script(plain)
    result["own_copy_on_clipboard"] = QGuiApplication.clipboard().text() == plain.text
    wait_until(lambda: False, 0.5)
    result["offer_after_own_copy"] = win.desk.offer_pending()

    # The chat tool (another process, another window) copies the customer's words.
    chat = subprocess.Popen([sys.executable, "-c", CHAT_TOOL, "退款三天了还没到账", "8"])
    result["zhida_left_active"] = wait_until(lambda: QApplication.activeWindow() is None, 4)
    result["offered"] = wait_until(win.desk.offer_pending, 6)
    result["offer_text"] = win.desk.offer_text

    # The agent presses Ctrl+Alt+Z in the chat tool: keys from another X client, as a keyboard sends them.
    subprocess.run([sys.executable, "-c", PRESS_KEYS, "Control_L", "Alt_L", "z"], check=True, timeout=20)
    result["searched"] = wait_until(lambda: win.search_box.text() == "退款三天了还没到账", 5)
    result["search_text"] = win.search_box.text()
    result["search_selected_or_focused"] = win.search_box.hasFocus() or QApplication.focusWidget() is None
    chat.kill()
    QGuiApplication.clipboard().clear()
    win.shutdown()
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
