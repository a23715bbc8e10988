"""The search box: Enter and arrows act on results, except while an input method is composing."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QInputMethodEvent, QKeyEvent
from PySide6.QtWidgets import QLineEdit

_STEPS: dict[object, int] = {Qt.Key.Key_Down: 1, Qt.Key.Key_Up: -1, Qt.Key.Key_PageDown: 5, Qt.Key.Key_PageUp: -5}


class SearchBox(QLineEdit):
    """A QLineEdit that never treats the Enter which confirms a Chinese IME candidate as 'open'."""

    submitted = Signal()
    copy_requested = Signal()
    navigate = Signal(int)

    def __init__(self, parent=None):
        super().__init__(parent)
        self._composing = False
        self.setClearButtonEnabled(True)
        self.setPlaceholderText("搜索文章和话术:关键词、拼音首字母,或粘贴客户原话")

    @property
    def composing(self) -> bool:
        """True while the input method shows uncommitted pre-edit text."""
        return self._composing

    def inputMethodEvent(self, event: QInputMethodEvent) -> None:  # noqa: N802 - Qt override
        self._composing = bool(event.preeditString())
        super().inputMethodEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        key = event.key()
        if self._composing and key in (
            Qt.Key.Key_Return,
            Qt.Key.Key_Enter,
            Qt.Key.Key_Up,
            Qt.Key.Key_Down,
            Qt.Key.Key_Escape,
        ):
            # The input method owns these keys while composing (espanso#2687 is this bug).
            event.ignore()
            return
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
                self.copy_requested.emit()
            else:
                self.submitted.emit()
            return
        if key in (Qt.Key.Key_Down, Qt.Key.Key_Up, Qt.Key.Key_PageDown, Qt.Key.Key_PageUp):
            step = _STEPS[key]
            self.navigate.emit(step)
            return
        if key == Qt.Key.Key_Escape and self.text():
            self.clear()
            return
        super().keyPressEvent(event)
