"""The 案例库: save a handled case in one action, and the library (search; managers curate)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.core.usage.cases import search_cases
from app.core.usage.records import Case
from app.core.vocab import (
    CASE_APPROVED,
    CASE_OUTCOMES,
    CASE_POLARITIES,
    CASE_REJECTED,
    CASE_STATUSES,
    NEGATIVE_CASE,
    POSITIVE_CASE,
    SCRIPT_TYPES,
    SOLVED,
)


class SaveCaseDialog(QDialog):
    """「存为案例」: the message and reply are prefilled; type and outcome one keystroke away; saved masked."""

    def __init__(self, message: str, reply: str, problem_type: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("存为案例(团队案例库)")
        self.message = QPlainTextEdit(message)
        self.reply = QPlainTextEdit(reply)
        for edit in (self.message, self.reply):
            edit.setMaximumHeight(120)
        self.type = QComboBox()
        self.type.addItems(list(SCRIPT_TYPES))
        if problem_type in SCRIPT_TYPES:
            self.type.setCurrentText(problem_type)
        self.outcome = QComboBox()
        for key in CASE_OUTCOMES:
            self.outcome.addItem(CASE_OUTCOMES.label(key), key)
        self.outcome.setCurrentIndex(list(CASE_OUTCOMES).index(SOLVED))
        note = QLabel("手机号、身份证号等个人信息会自动隐藏后再保存和共享。")
        note.setStyleSheet("color:#666")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("保存案例")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("客户消息", self.message)
        form.addRow("最终回复", self.reply)
        form.addRow("问题类型", self.type)
        form.addRow("处理结果", self.outcome)
        form.addRow(note)
        form.addRow(buttons)

    def values(self) -> tuple[str, str, str, str]:
        """(message, reply, type, outcome) as entered."""
        return (
            self.message.toPlainText(),
            self.reply.toPlainText(),
            self.type.currentText(),
            str(self.outcome.currentData()),
        )


class CaseLibraryView(QWidget):
    """Search the team's cases; a knowledge manager also approves, rejects and marks 正面/反面 and tags."""

    curate = Signal(str, dict)  # case id, {status, polarity, tags}
    export_drills = Signal()  # 导出为练习: the approved cases become training drills

    def __init__(self, manager: bool = True, parent: QWidget | None = None):
        super().__init__(parent)
        self.manager = manager
        self.cases: list[Case] = []
        self.shown: list[Case] = []
        self.search = QLineEdit()
        self.search.setPlaceholderText("搜索案例(客户消息、回复、标签)")
        self.search.textChanged.connect(lambda _t: self._fill())
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(["客户消息", "类型", "结果", "状态"])
        self.table.horizontalHeader().setStretchLastSection(False)
        self.table.horizontalHeader().setSectionResizeMode(0, self.table.horizontalHeader().ResizeMode.Stretch)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.itemSelectionChanged.connect(self._show_current)
        self.detail = QPlainTextEdit()
        self.detail.setReadOnly(True)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(self.detail)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.search)
        layout.addWidget(split, 1)
        if manager:
            rows = (
                [
                    ("收录", lambda: self._set(status=CASE_APPROVED)),
                    ("不收录", lambda: self._set(status=CASE_REJECTED)),
                    ("标签…", self._tag),
                ],
                [
                    ("正面案例", lambda: self._set(status=CASE_APPROVED, polarity=POSITIVE_CASE)),
                    ("反面案例", lambda: self._set(status=CASE_APPROVED, polarity=NEGATIVE_CASE)),
                    ("导出为练习", self.export_drills.emit),
                ],
            )
            for actions in rows:  # two short rows: the library fits a 420 px side panel
                row = QHBoxLayout()
                for label, fn in actions:
                    button = QPushButton(label)
                    button.clicked.connect(fn)
                    row.addWidget(button)
                row.addStretch(1)
                layout.addLayout(row)

    def set_cases(self, cases: list[Case]) -> None:
        """Show these cases (agents see only approved ones)."""
        self.cases = cases if self.manager else [c for c in cases if c.status == CASE_APPROVED]
        self._fill()

    def _fill(self) -> None:
        self.shown = search_cases(self.cases, self.search.text())
        self.table.setRowCount(len(self.shown))
        for row, case in enumerate(self.shown):
            status = CASE_STATUSES.label(case.status)
            if case.polarity:
                status += " · " + CASE_POLARITIES.label(case.polarity)
            for col, text in enumerate(
                (case.message.replace("\n", " ")[:60], case.type, CASE_OUTCOMES.label(case.outcome), status)
            ):
                self.table.setItem(row, col, QTableWidgetItem(text))
        self.detail.setPlainText("" if self.shown else "还没有案例:坐席在“回复”页处理完一个问题后可“存为案例”。")

    def current(self) -> Case | None:
        """The selected case."""
        row = self.table.currentRow()
        return self.shown[row] if 0 <= row < len(self.shown) else None

    def _show_current(self) -> None:
        case = self.current()
        if case is None:
            return
        tags = "、".join(case.tags)
        self.detail.setPlainText(
            f"客户消息:\n{case.message}\n\n最终回复:\n{case.reply}\n\n文章:{case.article or '—'}"
            + (f"\n标签:{tags}" if tags else "")
        )

    def _set(self, status: str, polarity: str | None = None) -> None:
        case = self.current()
        if case is None:
            return
        self.curate.emit(
            case.id, {"status": status, "polarity": case.polarity if polarity is None else polarity, "tags": case.tags}
        )

    def _tag(self) -> None:
        case = self.current()
        if case is None:
            return
        text, ok = QInputDialog.getText(self, "案例标签", "标签(用逗号或空格分隔):", text=" ".join(case.tags))
        if ok:
            tags = [t for t in text.replace(",", " ").replace(",", " ").split() if t]
            status = case.status if case.status != "pending" else CASE_APPROVED
            self.curate.emit(case.id, {"status": status, "polarity": case.polarity, "tags": tags})
