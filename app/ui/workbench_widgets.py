"""Small widgets the workbench's editors share: the 相似问法 list editor, the lint list, the gate bar,
the text editor with checker underlines (the builder's DraftEditor), placeholder highlighting, a diff view."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QSyntaxHighlighter, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from app.core.content.placeholders import PLACEHOLDER_RE
from app.ui.builder import LEVEL_COLORS, DraftEditor, finding_tip
from app.ui.sync_dialogs import diff_html


class CheckedEditor(DraftEditor):
    """A plain-text editor with the builder's underlines, tooltips and right-click fixes (IME-safe: the
    text is never replaced while typing; findings are extra selections)."""

    def __init__(self, placeholder: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        self.setPlaceholderText(placeholder)
        self.fix_requested.connect(self.apply_fix)

    def apply_fix(self, finding: Any, choice: int = 0) -> None:
        """Apply one suggested fix as one undo step (nothing happens if the text moved since the check)."""
        from app.core.checker.fixes import apply_fix

        text = self.toPlainText()
        if text[finding.start : finding.end] != finding.text:
            return
        cursor = self.textCursor()
        cursor.beginEditBlock()
        cursor.select(QTextCursor.SelectionType.Document)
        cursor.insertText(apply_fix(text, finding, choice))
        cursor.endEditBlock()


class PlaceholderHighlighter(QSyntaxHighlighter):
    """Shows `{名称}` placeholders in a script's text in blue, bold."""

    def highlightBlock(self, text: str) -> None:  # noqa: N802 - Qt override
        fmt = QTextCharFormat()
        fmt.setForeground(QColor("#1a73e8"))
        fmt.setFontWeight(700)
        for match in PLACEHOLDER_RE.finditer(text):
            self.setFormat(match.start(), match.end() - match.start(), fmt)


class ListEditor(QWidget):
    """Edits a list of short texts (相似问法): type and Enter to add, Delete or 删除 to remove, double-click to edit."""

    changed = Signal()

    def __init__(self, placeholder: str, limit: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.limit = limit
        self.entry = QLineEdit()
        self.entry.setPlaceholderText(placeholder)
        self.entry.returnPressed.connect(self._add)
        self.add_button = QPushButton("添加")
        self.add_button.clicked.connect(self._add)
        self.remove_button = QPushButton("删除")
        self.remove_button.clicked.connect(self.remove_selected)
        self.count = QLabel("")
        self.count.setStyleSheet("color:#888")
        self.list = QListWidget()
        self.list.setMaximumHeight(110)
        self.list.itemChanged.connect(lambda _i: self.changed.emit())
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.entry, 1)
        row.addWidget(self.add_button)
        row.addWidget(self.remove_button)
        row.addWidget(self.count)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.list)
        self._update_count()

    def values(self) -> list[str]:
        """The non-empty items, in order, each once."""
        seen: dict[str, None] = {}
        for i in range(self.list.count()):
            text = self.list.item(i).text().strip()
            if text:
                seen.setdefault(text, None)
        return list(seen)

    def set_values(self, values: list[str]) -> None:
        """Replace the list (no `changed` signal)."""
        self.list.blockSignals(True)
        self.list.clear()
        for value in values:
            self._append(value)
        self.list.blockSignals(False)
        self._update_count()

    def add(self, text: str) -> bool:
        """Add one item unless it is blank, already there or the list is full."""
        text = text.strip()
        if not text or text in self.values() or self.list.count() >= self.limit:
            return False
        self._append(text)
        self._update_count()
        self.changed.emit()
        return True

    def _append(self, text: str) -> None:
        item = QListWidgetItem(text)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable)
        self.list.addItem(item)

    def _add(self) -> None:
        if self.add(self.entry.text()):
            self.entry.clear()

    def remove_selected(self) -> None:
        """Remove the selected items."""
        for item in self.list.selectedItems():
            self.list.takeItem(self.list.row(item))
        self._update_count()
        self.changed.emit()

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt override
        if event.key() == Qt.Key.Key_Delete and self.list.hasFocus():
            self.remove_selected()
            return
        super().keyPressEvent(event)

    def _update_count(self) -> None:
        self.count.setText(f"{self.list.count()}/{self.limit}")


class LintList(QListWidget):
    """File-level problems and checker findings, one line each, coloured by level."""

    def show_report(self, report: Any) -> None:
        """List a LintReport (problems first)."""
        self.clear()
        for problem in report.problems:
            icon = "✖" if problem.level == "error" else "⚠"
            item = QListWidgetItem(f"{icon} 第 {problem.line} 行:{problem.message}")
            item.setForeground(QColor(LEVEL_COLORS.get(problem.level, "#333")))
            self.addItem(item)
        for found in report.findings:
            f = found.finding
            icon = {"error": "✖", "warning": "⚠"}.get(f.level, "ℹ")
            better = f" → {f.suggestions[0]}" if f.suggestions and f.suggestions[0] else ""
            where = {"body": "正文", "text": "话术"}.get(found.field, found.field.replace("variant:", "译文 "))
            item = QListWidgetItem(f"{icon} {where}“{f.text}” {f.reason}{better}")
            item.setToolTip(finding_tip(f))
            item.setForeground(QColor(LEVEL_COLORS.get(f.level, "#333")))
            self.addItem(item)
        self.setVisible(self.count() > 0)


class GateBar(QFrame):
    """A yellow bar that stops a save with a reason and offers choices (each a button)."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setStyleSheet("QFrame { background:#fff4e5; border:1px solid #e8a200; border-radius:4px; }")
        self.label = QLabel("")
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.note = QLineEdit()
        self.note.setPlaceholderText("原因(会记录在版本里)")
        self.buttons = QHBoxLayout()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.addWidget(self.label)
        layout.addWidget(self.note)
        layout.addLayout(self.buttons)
        self.hide()

    def ask(self, text: str, choices: list[tuple[str, Any]], note: bool = False) -> None:
        """Show `text` with one button per (label, callback); `note` asks for a reason too."""
        while self.buttons.count():
            item = self.buttons.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        self.label.setText(text)
        self.note.setVisible(note)
        self.note.clear()
        self.buttons.addStretch(1)
        for label, callback in choices:
            button = QPushButton(label)
            button.clicked.connect(lambda _=False, cb=callback: self._choose(cb))
            self.buttons.addWidget(button)
        cancel = QPushButton("关闭" if not choices else "取消")
        cancel.clicked.connect(self.hide)
        self.buttons.addWidget(cancel)
        self.show()

    def _choose(self, callback: Any) -> None:
        self.hide()
        callback()


class DiffView(QWidget):
    """Two texts side by side, changed lines marked, scrolling together."""

    def __init__(self, left_title: str = "旧版本", right_title: str = "新版本", parent: QWidget | None = None):
        super().__init__(parent)
        self.left = QTextEdit(readOnly=True)
        self.right = QTextEdit(readOnly=True)
        self.left_title = QLabel(f"<b>{left_title}</b>")
        self.right_title = QLabel(f"<b>{right_title}</b>")
        self.summary = QLabel("")
        self.summary.setStyleSheet("color:#555")
        for view in (self.left, self.right):
            view.setLineWrapMode(QTextEdit.LineWrapMode.WidgetWidth)
        self.left.verticalScrollBar().valueChanged.connect(self.right.verticalScrollBar().setValue)
        self.right.verticalScrollBar().valueChanged.connect(self.left.verticalScrollBar().setValue)
        split = QSplitter(Qt.Orientation.Horizontal)
        for title, view in ((self.left_title, self.left), (self.right_title, self.right)):
            box = QWidget()
            lay = QVBoxLayout(box)
            lay.setContentsMargins(0, 0, 0, 0)
            lay.addWidget(title)
            lay.addWidget(view)
            split.addWidget(box)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.summary)
        layout.addWidget(split, 1)

    def compare(self, old: str, new: str, left_title: str | None = None, right_title: str | None = None) -> int:
        """Show both texts; returns the number of changed blocks."""
        left, right, blocks = diff_html(old, new)
        self.left.setHtml(left)
        self.right.setHtml(right)
        if left_title:
            self.left_title.setText(f"<b>{left_title}</b>")
        if right_title:
            self.right_title.setText(f"<b>{right_title}</b>")
        self.summary.setText(f"{blocks} 处不同" if blocks else "两个版本相同")
        return blocks
