"""Text from content is shown as text: plain-text labels and tooltips, and rich text that loads nothing.

Content and the share are untrusted: a title like `<img src="file:///…">` must be shown as those
characters, never rendered (a label in Qt's default AutoText format would open the file, and a FIFO
there would hang the UI thread). Rich text that Zhida itself builds (article bodies, result rows) goes
through the sanitizer in app/core/content/render.py and a document whose resource loader refuses
everything.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import Qt as QtGui
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QLabel, QMessageBox, QWidget


def plain_label(text: str = "", parent: QWidget | None = None) -> QLabel:
    """A QLabel that shows `text` literally, whatever it looks like."""
    label = QLabel(parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setText(text)
    return label


def plain_tip(text: str) -> str:
    """A tooltip string that shows `text` literally (Qt guesses a tooltip's format; this makes it text)."""
    return QtGui.convertFromPlainText(text) if text else ""


class SafeDocument(QTextDocument):
    """A text document that loads no resource: no images, style sheets, local or remote files."""

    def loadResource(self, kind: int, url: QUrl) -> Any:  # noqa: N802 - Qt override
        return None


def warn(parent: QWidget | None, title: str, text: str) -> None:
    """A modal warning whose text (a file name, a title from content) is shown literally."""
    box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.button(QMessageBox.StandardButton.Ok).setText("确定")
    box.exec()
