"""The 问题 tab: what is wrong with the content, in Chinese, one readable entry per problem.

Each entry says how bad it is (错误 / 警告), where (file, line) and what; long lines wrap so a 420 px
side panel shows all of it. Everything here comes from content files and is shown as plain text.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from app.core.content.model import Problem
from app.core.vocab import ERROR_LEVEL, LEVELS, MANAGER
from app.ui.plain import plain_label, plain_tip

ICONS = {ERROR_LEVEL: "✖"}


def problem_text(problem: Problem) -> str:
    """「✖ 错误 · kb/x.md 第 3 行」 over the message."""
    icon = ICONS.get(problem.level, "⚠")
    return f"{icon} {LEVELS.label(problem.level)} · {problem.path} 第 {problem.line} 行\n{problem.message}"


class ProblemsView(QWidget):
    """A summary line over the list of load messages and content problems."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.summary = plain_label("知识库加载后,这里列出内容中的错误和警告。")
        self.summary.setWordWrap(True)
        self.summary.setStyleSheet("color:#555; padding:2px 2px 4px 2px;")
        self.list = QListWidget()
        self.list.setWordWrap(True)
        self.list.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.list.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setSpacing(2)
        self.list.setAlternatingRowColors(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.summary)
        layout.addWidget(self.list, 1)

    def set_problems(self, messages: Sequence[str], problems: Sequence[Problem]) -> int:
        """Show load messages and problems; returns how many there are."""
        self.list.clear()
        for message in messages:
            self._add(f"⚠ 提示\n{message}")
        for p in sorted(problems, key=lambda p: (p.level != ERROR_LEVEL, p.path, p.line)):
            self._add(problem_text(p))
        errors = sum(1 for p in problems if p.level == ERROR_LEVEL)
        warnings = len(problems) - errors
        if not messages and not problems:
            self.summary.setText("没有发现问题:所有文章、话术和规则都已正确读取。")
        else:
            parts = [f"{errors} 个错误" if errors else "", f"{warnings} 个警告" if warnings else ""]
            parts.append(f"{len(messages)} 条提示" if messages else "")
            self.summary.setText(
                " · ".join(p for p in parts if p) + f"。有错误的文件已跳过,其余内容照常可用;请{MANAGER}修改后重新加载。"
            )
        return len(messages) + len(problems)

    def texts(self) -> list[str]:
        """Every entry as shown."""
        return [self.list.item(i).text() for i in range(self.list.count())]

    def focus_first(self) -> None:
        """Ctrl+4: the list, with the first entry selected so the arrows move at once."""
        self.list.setFocus()
        if self.list.currentRow() < 0 and self.list.count():
            self.list.setCurrentRow(0)

    def _add(self, text: str) -> None:
        item = QListWidgetItem(text)
        item.setToolTip(plain_tip(text))
        self.list.addItem(item)
