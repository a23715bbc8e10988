"""Summon and stay: the hotkey and the clipboard watch on a real X server; settings, docking, the offer bar."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QKeySequence

from app.core.settings import Settings
from app.ui.hotkey import to_pynput
from app.ui.settings_dialog import SettingsDialog
from tests.conftest import REPO_ROOT


@pytest.fixture
def xserver(tmp_path):
    """A private Xvfb display for the test, stopped afterwards."""
    if not shutil.which("Xvfb"):
        pytest.skip("Xvfb is not installed")
    if importlib.util.find_spec("pynput") is None:
        pytest.skip("the global hotkey needs pynput (the hotkey extra on Linux)")
    for number in range(71, 99):
        if not Path(f"/tmp/.X11-unix/X{number}").exists() and not Path(f"/tmp/.X{number}-lock").exists():
            break
    proc = subprocess.Popen(
        ["Xvfb", f":{number}", "-screen", "0", "1280x1024x24", "-nolisten", "tcp"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while not Path(f"/tmp/.X11-unix/X{number}").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f":{number}"
    proc.terminate()
    proc.wait(timeout=10)


def test_the_hotkey_searches_what_the_chat_tool_copied_and_never_zhidas_own_copy(xserver, content_root, zhida_home):
    env = dict(os.environ, DISPLAY=xserver, QT_QPA_PLATFORM="xcb", ZHIDA_INDEX_CHILD="0", PYTHONPATH=str(REPO_ROOT))
    env.pop("WAYLAND_DISPLAY", None)
    proc = subprocess.run(
        [sys.executable, str(Path(__file__).with_name("desk_scenario.py")), str(content_root), str(zhida_home)],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result["hotkey_error"] is None and result["ready"]
    assert result["offer_after_own_copy"] is False, "Zhida offered its own copy back as a search"
    assert result["offered"] and result["offer_text"] == "退款三天了还没到账"
    assert result["searched"], f"Ctrl+Alt+Z did not search the offer: {result}"


def test_without_a_desktop_the_settings_say_why_the_hotkey_does_not_work(qtbot, window, monkeypatch):
    monkeypatch.delenv("DISPLAY", raising=False)
    window.desk.apply(Settings(hotkey="Ctrl+Alt+Q"))
    assert window.desk.hotkey_error and "全局快捷键" in window.desk.hotkey_error
    dialog = SettingsDialog(window.settings, window, hotkey_error=window.desk.hotkey_error)
    qtbot.addWidget(dialog)
    assert "不可用" in dialog.hotkey_note.text()
    assert dialog.result_settings().hotkey == "Ctrl+Alt+Z"


def test_settings_keep_the_desk_choices(qtbot, window):
    dialog = SettingsDialog(Settings(hotkey="Ctrl+Shift+Space", clipboard_watch=True, dock_right=True), window)
    qtbot.addWidget(dialog)
    dialog.tray.setChecked(False)
    chosen = dialog.result_settings()
    assert (chosen.hotkey, chosen.clipboard_watch, chosen.tray, chosen.dock_right) == (
        "Ctrl+Shift+Space",
        True,
        False,
        True,
    )


def test_the_clipboard_watch_is_off_by_default(qtbot, window):
    assert Settings().clipboard_watch is False and window.desk.watch_clipboard is False
    QGuiApplication.clipboard().setText("别的程序复制的文字")
    assert not window.desk.offer_pending()


def test_an_offer_is_searched_with_one_keystroke(qtbot, window):
    window.desk._offer("发票怎么开")
    assert window.desk.bar.isVisible() and "发票怎么开" in window.desk.bar.label.text()
    with qtbot.waitSignal(window.results_shown, timeout=10000):
        qtbot.keyClick(
            window.search_box, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
        )
    assert window.search_box.text() == "发票怎么开" and not window.desk.bar.isVisible()
    assert window.results.current_hit().id == "invoice-open"


def test_docking_puts_the_window_on_the_right_edge_at_full_height(qtbot, window):
    window.resize(900, 500)
    qtbot.keyClick(
        window.search_box, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    area = window.screen().availableGeometry()
    qtbot.waitUntil(lambda: window.width() == max(420, window.minimumSizeHint().width()), timeout=3000)
    frame = window.frameGeometry()
    assert frame.right() == area.right() and frame.top() == area.top()
    assert frame.height() == area.height()


def test_summon_focuses_the_search_box_with_its_text_selected(qtbot, window):
    window.search_box.setText("退款")
    window.tabs.setFocus()
    window.showMinimized()
    window.desk.summon()
    assert window.search_box.hasFocus() and window.search_box.selectedText() == "退款"


@pytest.mark.parametrize(
    "keys,expected",
    [("Ctrl+Alt+Z", "<ctrl>+<alt>+z"), ("Ctrl+Shift+Space", "<ctrl>+<shift>+<space>"), ("Alt+F2", "<alt>+<f2>")],
)
def test_qt_key_text_becomes_pynput_syntax(keys, expected):
    assert to_pynput(QKeySequence(keys).toString()) == expected


def test_a_hotkey_without_a_modifier_is_refused():
    with pytest.raises(ValueError, match="修饰键"):
        to_pynput("Z")


def test_set_follow_up_shows_in_the_status_bar_and_the_list(qtbot, window, zhida_home):
    import datetime as dt

    due = dt.datetime.now() - dt.timedelta(minutes=5)
    with qtbot.waitSignal(window.followups.came_due, timeout=5000):
        window.set_follow_up("我会在今天18点前给您回复退款进度", "2026112200123", due)
    assert "跟进到期" in window.followups.button.text()
    assert "2026112200123" not in (zhida_home / "followups.json").read_text(encoding="utf-8")
    qtbot.keyClick(
        window.search_box, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    dialog = window.followups.dialog
    assert dialog.isVisible() and dialog.list.count() == 1
    assert "*********0123" in dialog.list.item(0).text() and "已到期" in dialog.list.item(0).text()
    with qtbot.waitSignal(window.followups.changed, timeout=5000):
        dialog._done()
    assert dialog.list.count() == 0 and window.followups.button.text() == "待跟进"
