"""A global hotkey (default Ctrl+Alt+Z) that summons the window from any application.

pynput does the platform work: X11 through python-xlib, Windows through RegisterHotKey-style hooks,
macOS through Quartz event taps (which need the Accessibility permission). Where the platform refuses
(Wayland without X11, no desktop, no permission) `register` returns the reason in Chinese, and the
settings dialog shows it; the window works as before without the hotkey.
"""

from __future__ import annotations

import os
import sys
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QKeySequence

from app.core.logs import get_logger

DEFAULT_HOTKEY = "Ctrl+Alt+Z"
_MODIFIERS = {"ctrl": "<ctrl>", "alt": "<alt>", "shift": "<shift>", "meta": "<cmd>"}
_NAMED = {
    "space": "<space>",
    "tab": "<tab>",
    "return": "<enter>",
    "enter": "<enter>",
    "esc": "<esc>",
    "ins": "<insert>",
    "del": "<delete>",
    "home": "<home>",
    "end": "<end>",
    "pgup": "<page_up>",
    "pgdown": "<page_down>",
    **{f"f{n}": f"<f{n}>" for n in range(1, 25)},
}
_log = get_logger("hotkey")


def to_pynput(keys: str) -> str:
    """Qt's portable key text ('Ctrl+Alt+Z') in pynput's hotkey syntax ('<ctrl>+<alt>+z'); ValueError if unusable."""
    sequence = QKeySequence(keys)
    text = sequence.toString(QKeySequence.SequenceFormat.PortableText)
    if not text or sequence.count() != 1:
        raise ValueError(f"“{keys}”不是一个快捷键")
    parts = text.split("+")
    # "Ctrl++" means Ctrl and the plus key.
    if text.endswith("++"):
        parts = [*text[:-2].split("+"), "+"]
    *mods, key = parts
    if not mods:
        raise ValueError("全局快捷键需要至少一个修饰键 (Ctrl / Alt / Shift)")
    out = []
    for mod in mods:
        name = _MODIFIERS.get(mod.lower())
        if name is None:
            raise ValueError(f"不认识的修饰键 {mod}")
        out.append(name)
    low = key.lower()
    out.append(_NAMED.get(low, low if len(low) == 1 else f"<{low}>"))
    return "+".join(out)


def platform_refusal() -> str | None:
    """Why this session cannot have a global hotkey at all, or None when it can try."""
    if sys.platform.startswith("linux"):
        if os.environ.get("QT_QPA_PLATFORM", "").startswith(("offscreen", "minimal")) and not os.environ.get("DISPLAY"):
            return "当前没有图形桌面,全局快捷键不可用"
        if not os.environ.get("DISPLAY"):
            if os.environ.get("WAYLAND_DISPLAY"):
                return (
                    "Wayland 桌面不允许应用注册全局快捷键:请在系统设置 › 键盘 › 自定义快捷键中"
                    "把一个快捷键设为运行 zhida(已打开时会把窗口调到最前)"
                )
            return "没有找到 X11 显示 (DISPLAY),全局快捷键不可用"
    return None


class GlobalHotkey(QObject):
    """One system-wide hotkey; `activated` is delivered on the UI thread."""

    activated = Signal()

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._listener: Any = None
        self.keys = ""
        self.error: str | None = None

    def register(self, keys: str) -> str | None:
        """Listen for `keys` (Qt text, e.g. 'Ctrl+Alt+Z'); None when it works, else why not (Chinese)."""
        self.unregister()
        self.keys = keys
        self.error = self._start(keys)
        if self.error:
            _log.info("global hotkey %s not available: %s", keys, self.error)
        return self.error

    def _start(self, keys: str) -> str | None:
        if not keys.strip():
            return None
        try:
            combo = to_pynput(keys)
        except ValueError as exc:
            return str(exc)
        refusal = platform_refusal()
        if refusal:
            return refusal
        try:
            from pynput import keyboard
        except ImportError:  # Linux installs it only with the `hotkey` extra (its evdev dependency compiles)
            return '全局快捷键需要 pynput:请运行 pip install "zhida[hotkey]"(Linux 上会编译 evdev,需要 gcc)'
        try:
            listener = keyboard.GlobalHotKeys({combo: self.activated.emit})
            listener.start()
            listener.wait()
        except Exception as exc:  # the platform refused: no X server, no permission, a broken backend
            return f"系统拒绝注册全局快捷键 {keys}({type(exc).__name__}: {exc})"
        if sys.platform == "darwin" and not getattr(listener, "IS_TRUSTED", True):
            listener.stop()
            return "macOS 需要授权:系统设置 › 隐私与安全性 › 辅助功能 中允许知答,然后重启知答"
        self._listener = listener
        return None

    @property
    def active(self) -> bool:
        """True while a hotkey is registered and listening."""
        return self._listener is not None and self._listener.is_alive()

    def unregister(self) -> None:
        """Stop listening."""
        if self._listener is not None:
            try:
                self._listener.stop()
            except Exception:
                pass
            self._listener = None
