"""The draft editor: findings underlined by level, the reason and a better phrasing on hover, fixes on
right-click or Ctrl+.

Shared by the reply builder and the knowledge manager's editor, so both show the checker the same way.
A finding's `suggestions` are fixes the checker proved safe (a rule's `fixed:` spec, 你→您, a masked
number): only they become 「改为：…」 actions. Its `better` phrasings would not fit in place of the span,
so they are shown to copy by hand, never substituted.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Signal
from PySide6.QtGui import QColor, QContextMenuEvent, QHelpEvent, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QMenu, QPlainTextEdit, QTextEdit, QToolTip, QWidget

from app.core.checker.match import Finding
from app.core.vocab import ERROR_LEVEL, LEVELS, SUGGESTION_LEVEL, WARNING_LEVEL
from app.ui.safe_text import tip

LEVEL_COLORS = {ERROR_LEVEL: "#d93025", WARNING_LEVEL: "#e8a200", SUGGESTION_LEVEL: "#1a73e8"}


def to_qt(text: str, index: int) -> int:
    """A Python character offset as a Qt text position: characters beyond the BMP (emoji) count twice in Qt."""
    return index + sum(1 for ch in text[:index] if ord(ch) > 0xFFFF)


def from_qt(text: str, position: int) -> int:
    """A Qt text position as a Python character offset."""
    units = 0
    for index, ch in enumerate(text):
        if units >= position:
            return index
        units += 2 if ord(ch) > 0xFFFF else 1
    return len(text)


FIX_PREFIX = "改为："
BETTER_PREFIX = "可以这样说："


def fix_label(finding: Finding, suggestion: str) -> str:
    """The menu text of a one-click fix: 「改为：我帮您查询一下」 (or 删除 when the fix removes the span)."""
    return f"{FIX_PREFIX}{suggestion}" if suggestion else f"删除“{finding.text}”"


def better_line(finding: Finding) -> str:
    """The phrasings to copy, on one line (empty when the rule gives none)."""
    return BETTER_PREFIX + " / ".join(f"“{b}”" for b in finding.better if b) if any(finding.better) else ""


def finding_tip(finding: Finding) -> str:
    """What hovering a finding shows: level, reason, message, the proven fixes and the phrasing to copy."""
    tip = f"{LEVELS.label(finding.level)} · {finding.reason}:{finding.message}"
    if finding.suggestions:
        tip += "\n" + FIX_PREFIX + " / ".join(s or "(删除)" for s in finding.suggestions) + "(右键或 Ctrl+. 一键替换)"
    if any(finding.better):
        tip += "\n" + better_line(finding) + "(参考说法，请按上下文改写后使用)"
    return tip


class DraftEditor(QPlainTextEdit):
    """The draft: findings underlined by level, tooltips on hover, fixes on right-click."""

    fix_requested = Signal(object, int)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.findings: list[Finding] = []
        self.setMouseTracking(True)
        self.setPlaceholderText("回复草稿:生成、从文章发送段落,或直接输入")

    def set_findings(self, findings: list[Finding]) -> None:
        """Underline each finding in the colour of its level."""
        self.findings = list(findings)
        selections = []
        text = self.toPlainText()
        for finding in self.findings:
            if finding.end > len(text):
                continue
            selection = QTextEdit.ExtraSelection()
            fmt = QTextCharFormat()
            fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.WaveUnderline)
            fmt.setUnderlineColor(QColor(LEVEL_COLORS.get(finding.level, "#888")))
            if finding.level == "error":
                fmt.setBackground(QColor("#fde8e7"))
            selection.format = fmt
            cursor = QTextCursor(self.document())
            cursor.setPosition(to_qt(text, finding.start))
            cursor.setPosition(to_qt(text, finding.end), QTextCursor.MoveMode.KeepAnchor)
            selection.cursor = cursor
            selections.append(selection)
        self.setExtraSelections(selections)

    def finding_at(self, qt_position: int) -> Finding | None:
        """The finding covering a cursor position (Qt counts UTF-16 units; findings count characters)."""
        position = from_qt(self.toPlainText(), qt_position)
        return next(
            (f for f in self.findings if f.start <= position < f.end or (position == f.end and f.start < f.end)), None
        )

    def event(self, event: QEvent) -> bool:
        if isinstance(event, QHelpEvent) and event.type() == QEvent.Type.ToolTip:
            finding = self.finding_at(self.cursorForPosition(event.pos()).position())
            if finding:
                QToolTip.showText(event.globalPos(), tip(finding_tip(finding)), self)
            else:
                QToolTip.hideText()
            return True
        return super().event(event)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:  # noqa: N802 - Qt override
        self.finding_menu(self.cursorForPosition(event.pos()).position()).exec(event.globalPos())

    def finding_menu(self, qt_position: int) -> QMenu:
        """The right-click menu at a position: above the standard actions, the finding's reason, one
        「改为：…」 action per proven fix (it asks the owner to apply it) and the phrasing to copy."""
        menu = self.createStandardContextMenu()
        finding = self.finding_at(qt_position)
        if finding:
            first = menu.actions()[0]
            menu.insertSeparator(first)
            info = [finding_tip(finding).split("\n")[0]]
            if any(finding.better):
                info.append(better_line(finding))
            for line in info:
                label = menu.addAction(line)
                label.setEnabled(False)  # to read, not to click: a phrasing never replaces the span
                menu.insertAction(first, label)
            for choice, suggestion in enumerate(finding.suggestions):
                action = menu.addAction(fix_label(finding, suggestion))
                action.triggered.connect(lambda _=False, f=finding, c=choice: self.fix_requested.emit(f, c))
                menu.insertAction(first, action)
        return menu
