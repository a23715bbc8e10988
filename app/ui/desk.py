"""Summon and stay: the global hotkey, the tray icon, the clipboard watch and docking to the screen edge.

- The hotkey (设置 › 全局快捷键, default Ctrl+Alt+Z) brings the window to the front with the search box
  focused and its text selected; with a clipboard offer pending it searches the offered text instead —
  one keystroke from the chat tool to the answer.
- The clipboard watch (off by default) offers text copied in another application as a search. It never
  offers what Zhida itself copied: a change Zhida owns, or one made while its window is active, is ignored.
- The tray icon has quick search, search-the-clipboard, 待跟进 and quit; with it, closing the window
  keeps Zhida running so the hotkey still works.
- Docking puts the window on the right edge of its screen at full height (a side panel beside the chat tool).
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QRect, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QGuiApplication, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import QApplication, QHBoxLayout, QMenu, QPushButton, QSystemTrayIcon, QWidget

from app.core.settings import Settings
from app.ui.hotkey import GlobalHotkey
from app.ui.plain import plain_label

if TYPE_CHECKING:
    from app.ui.main_window import MainWindow

OFFER_SECONDS = 120  # an offer older than this is dropped: a later summon must not replace the search
OFFER_MIN, OFFER_MAX = 2, 500  # characters: a single letter or a whole e-mail thread is not a search
DOCK_MIN_WIDTH, DOCK_MAX_SHARE = 420, 0.4


def app_icon() -> QIcon:
    """The window and tray icon, drawn here (no image file to lose): 「知」 on blue."""
    icon = QIcon()
    for size in (16, 24, 32, 48, 64, 128):
        pixmap = QPixmap(size, size)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setBrush(QColor("#2f6fde"))
        painter.setPen(Qt.PenStyle.NoPen)
        painter.drawRoundedRect(0, 0, size, size, size * 0.22, size * 0.22)
        font = QFont()
        font.setPixelSize(int(size * 0.7))
        font.setBold(True)
        painter.setFont(font)
        painter.setPen(QColor("white"))
        painter.drawText(QRect(0, 0, size, size), Qt.AlignmentFlag.AlignCenter, "知")
        painter.end()
        icon.addPixmap(pixmap)
    return icon


class OfferBar(QWidget):
    """「剪贴板:… 搜索 (Ctrl+Shift+V) · 忽略」 above the results while an offer is pending."""

    accepted = Signal()
    dismissed = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet("OfferBar { background: #eef4ff; border: 1px solid #b9cff7; border-radius: 4px; }")
        self.label = plain_label("")
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        search = QPushButton("搜索")
        search.setToolTip("搜索剪贴板里的文字 (Ctrl+Shift+V,或在别的程序里按全局快捷键)")
        search.clicked.connect(self.accepted)
        dismiss = QPushButton("忽略")
        dismiss.clicked.connect(self.dismissed)
        for button in (search, dismiss):
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 2, 4, 2)
        layout.addWidget(self.label, 1)
        layout.addWidget(search)
        layout.addWidget(dismiss)
        self.hide()

    def offer(self, text: str) -> None:
        """Show the offered text (one line, shortened)."""
        line = " ".join(text.split())
        self.label.setText(f"剪贴板:「{line[:40]}{'…' if len(line) > 40 else ''}」")
        self.show()


class Desk(QObject):
    """The window's presence on the desktop; `apply(settings)` switches each part on or off."""

    hotkey_status = Signal(str)  # "" when the hotkey works, else why not (Chinese)

    def __init__(self, window: MainWindow):
        super().__init__(window)
        self.window = window
        self.hotkey = GlobalHotkey(self)
        self.hotkey.activated.connect(self.summon)
        self.tray: QSystemTrayIcon | None = None
        self.watch_clipboard = False
        self.offer_text = ""
        self._offer_time = 0.0
        self._docked = False
        self.bar = OfferBar()
        self.bar.accepted.connect(self.accept_offer)
        self.bar.dismissed.connect(self.dismiss_offer)
        QGuiApplication.clipboard().dataChanged.connect(self._clipboard_changed)
        window.setWindowIcon(app_icon())

    # ---- settings ---------------------------------------------------------------------------------
    def apply(self, settings: Settings) -> None:
        """Register the hotkey, show or hide the tray icon, switch the clipboard watch, dock."""
        if settings.hotkey != self.hotkey.keys or (settings.hotkey and not self.hotkey.active):
            error = self.hotkey.register(settings.hotkey)
            self.hotkey_status.emit(error or "")
        self.watch_clipboard = settings.clipboard_watch
        if not self.watch_clipboard:
            self.dismiss_offer()
        self._set_tray(settings.tray)
        if settings.dock_right:
            QTimer.singleShot(0, self.dock_right)
        self._docked = settings.dock_right

    @property
    def hotkey_error(self) -> str | None:
        """Why the hotkey is not working, or None."""
        return self.hotkey.error

    @property
    def keeps_running(self) -> bool:
        """True when closing the window should hide it to the tray instead of quitting."""
        return self.tray is not None and self.tray.isVisible()

    def shutdown(self) -> None:
        """Stop the hotkey listener and remove the tray icon."""
        self.hotkey.unregister()
        if self.tray is not None:
            self.tray.hide()

    # ---- summon -----------------------------------------------------------------------------------
    def summon(self) -> None:
        """Bring the window to the front, search box focused and selected; a pending offer is searched."""
        window = self.window
        if window.isMinimized():
            window.showNormal()
        window.show()
        if self._docked:
            self.dock_right()
        window.raise_()
        window.activateWindow()
        if self.offer_pending():
            self.accept_offer()
        else:
            window.focus_search()

    def quick_search(self) -> None:
        """Tray 「快速搜索」: summon with an empty, focused search box."""
        self.dismiss_offer()
        self.summon()
        self.window.search_box.clear()

    def search_clipboard(self) -> None:
        """Tray 「搜索剪贴板」: search what the clipboard holds now, whoever copied it."""
        text = QGuiApplication.clipboard().text().strip()
        if text:
            self._offer(text)
            self.summon()

    # ---- the clipboard watch ----------------------------------------------------------------------
    def _clipboard_changed(self) -> None:
        if not self.watch_clipboard:
            return
        clipboard = QGuiApplication.clipboard()
        if clipboard.ownsClipboard() or QApplication.activeWindow() is not None:
            return  # Zhida copied it (a script, a draft) or the agent copied inside Zhida: no offer
        text = clipboard.text().strip()
        if OFFER_MIN <= len(text) <= OFFER_MAX and text != self.window.search_box.text().strip():
            self._offer(text)
            if self.tray is not None and self.tray.isVisible():
                keys = self.hotkey.keys if self.hotkey.active else "托盘图标"
                self.tray.showMessage("知答", f"按 {keys} 搜索:{text[:30]}", QSystemTrayIcon.MessageIcon.NoIcon, 4000)

    def _offer(self, text: str) -> None:
        self.offer_text = text
        self._offer_time = time.monotonic()
        self.bar.offer(text)

    def offer_pending(self) -> bool:
        """True while a clipboard offer is fresh."""
        return bool(self.offer_text) and time.monotonic() - self._offer_time < OFFER_SECONDS

    def accept_offer(self) -> None:
        """Put the offered text in the search box and search it (Ctrl+Shift+V, the bar, the hotkey)."""
        if not self.offer_pending():
            self.dismiss_offer()
            return
        text, self.offer_text = self.offer_text, ""
        self.bar.hide()
        box = self.window.search_box
        box.setText(text)
        self.window.focus_search()

    def dismiss_offer(self) -> None:
        """Forget the offer."""
        self.offer_text = ""
        self.bar.hide()

    # ---- tray and docking -------------------------------------------------------------------------
    def _set_tray(self, wanted: bool) -> None:
        if wanted and self.tray is None and QSystemTrayIcon.isSystemTrayAvailable():
            tray = QSystemTrayIcon(app_icon(), self)
            tray.setToolTip("知答 Zhida")
            menu = QMenu()
            menu.addAction("快速搜索", self.quick_search)
            menu.addAction("搜索剪贴板里的文字", self.search_clipboard)
            menu.addAction("待跟进…", self.window.followups.open_list)
            menu.addSeparator()
            menu.addAction("停靠到屏幕右侧", self.dock_right)
            menu.addAction("退出知答", self.window.quit_app)
            tray.setContextMenu(menu)
            tray.activated.connect(self._tray_activated)
            self._tray_menu = menu
            self.tray = tray
        if self.tray is not None:
            self.tray.setVisible(wanted)

    def _tray_activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason in (QSystemTrayIcon.ActivationReason.Trigger, QSystemTrayIcon.ActivationReason.DoubleClick):
            self.summon()

    def dock_right(self) -> None:
        """Put the window on the right edge of its screen, full height, as wide as a side panel."""
        self._docked = True
        self._dock_step(again=True)

    def _dock_step(self, again: bool) -> None:
        window = self.window
        screen = window.screen() or QGuiApplication.primaryScreen()
        if screen is None:
            return
        area = screen.availableGeometry()
        frame = window.frameGeometry()
        extra_w, extra_h = frame.width() - window.width(), frame.height() - window.height()
        width = max(DOCK_MIN_WIDTH, min(window.width(), int(area.width() * DOCK_MAX_SHARE)))
        width = min(width, area.width() - extra_w)
        window.resize(width, area.height() - extra_h)
        window.move(area.right() + 1 - window.width() - extra_w, area.top())
        if again and window.width() > width:
            # The wide layout's minimum kept it wider; once it has switched to the narrow one, fit again.
            QTimer.singleShot(0, lambda: self._dock_step(again=False))
