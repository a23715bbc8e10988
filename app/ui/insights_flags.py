"""One-keystroke feedback: 「有误/过时」 on an article, 「草稿不好」 on a draft, with an optional comment."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPlainTextEdit, QVBoxLayout, QWidget

from app.core.vocab import FLAG_ARTICLE, FLAG_KINDS


class FlagDialog(QDialog):
    """Asks for an optional comment; Enter (or Ctrl+Enter in the comment) sends, Esc cancels."""

    def __init__(self, kind: str, title: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.kind = kind
        self.setWindowTitle(FLAG_KINDS.label(kind))
        what = "这篇文章" if kind == FLAG_ARTICLE else "这份草稿(依据文章)"
        intro = QLabel(f"告诉文章负责人{what}「{title}」哪里不对(可不填,直接按 Ctrl+Enter 发送):")
        intro.setWordWrap(True)
        self.comment = QPlainTextEdit()
        self.comment.setPlaceholderText("例如:退款时效已改为1-5个工作日;第2步的入口改名了……(个人信息会自动隐藏)")
        self.comment.setMaximumHeight(110)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("发送反馈")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
            shortcut.activated.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.comment)
        layout.addWidget(buttons)
        self.comment.setFocus()

    def text(self) -> str:
        """The comment as typed (masked when it is stored)."""
        return self.comment.toPlainText().strip()
