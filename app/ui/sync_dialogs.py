"""Sync dialogs: a conflict dialog (both versions side by side, differences marked) and a history view."""

from __future__ import annotations

import difflib
import html
import time
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from app.core.fileio.textio import UndecodableError, decode_bytes
from app.core.sync.report import Conflict
from app.core.sync.resolve import conflict_texts, resolve_conflict, restore
from app.core.sync.store import LocalStore

ACTIONS = {
    "replaced": "被同步覆盖前的版本",
    "deleted": "被同步删除前的版本",
    "conflict-theirs": "冲突：对方（共享）版本",
    "conflict-mine": "冲突：我的版本",
}
_MINE_BG = "#fde2e1"
_THEIRS_BG = "#dff5e1"


def diff_html(mine: str, theirs: str) -> tuple[str, str, int]:
    """HTML for both sides with differing lines highlighted, and the number of differing blocks."""
    a, b = mine.splitlines(), theirs.splitlines()
    left: list[str] = []
    right: list[str] = []
    blocks = 0
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag != "equal":
            blocks += 1
        for line in a[i1:i2]:
            left.append(_line(line, None if tag == "equal" else _MINE_BG))
        for line in b[j1:j2]:
            right.append(_line(line, None if tag == "equal" else _THEIRS_BG))
        # Keep both columns aligned so a change sits opposite its counterpart.
        pad = (j2 - j1) - (i2 - i1)
        if pad > 0:
            left.extend(_line("", "#f0f0f0") for _ in range(pad))
        elif pad < 0:
            right.extend(_line("", "#f0f0f0") for _ in range(-pad))
    wrap = '<div style="font-family: monospace; white-space: pre-wrap;">{}</div>'
    return wrap.format("".join(left)), wrap.format("".join(right)), blocks


def _line(text: str, background: str | None) -> str:
    style = f' style="background-color: {background};"' if background else ""
    return f"<div{style}>{html.escape(text) or '&nbsp;'}</div>"


class ConflictDialog(QDialog):
    """Shows mine and theirs side by side; the user keeps one, the other, or saves an edited merge.

    After `exec()`, `choice` is "mine", "theirs", "merged" (with `merged_text`) or None (decide later).
    """

    def __init__(self, conflict: Conflict, mine: str, theirs: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.conflict = conflict
        self.choice: str | None = None
        self.merged_text = ""
        self.setWindowTitle(f"同步冲突 - {conflict.path}")
        self.resize(1000, 680)
        left_html, right_html, blocks = diff_html(mine, theirs)
        who = "另一位知识管理员" if conflict.team else "共享文件夹"
        intro = QLabel(
            f"<b>{html.escape(conflict.path)}</b> 在本机和{who}中被改成了不同的内容，共 {blocks} 处不同。"
            f"两个版本都已保存，请选择保留哪一个，或在下方编辑合并后的内容。"
        )
        intro.setWordWrap(True)
        self.mine_view = QTextEdit(readOnly=True)
        self.mine_view.setHtml(left_html)
        self.theirs_view = QTextEdit(readOnly=True)
        self.theirs_view.setHtml(right_html)
        for view in (self.mine_view, self.theirs_view):
            view.setLineWrapMode(QTextEdit.LineWrapMode.NoWrap)
        self.mine_view.verticalScrollBar().valueChanged.connect(self.theirs_view.verticalScrollBar().setValue)
        self.theirs_view.verticalScrollBar().valueChanged.connect(self.mine_view.verticalScrollBar().setValue)
        columns = QSplitter(Qt.Orientation.Horizontal)
        for title, view in (("我的版本（本机）", self.mine_view), (f"对方版本（{who}）", self.theirs_view)):
            box = QWidget()
            lay = QVBoxLayout(box)
            lay.setContentsMargins(0, 0, 0, 0)
            lay.addWidget(QLabel(f"<b>{title}</b>"))
            lay.addWidget(view)
            columns.addWidget(box)
        self.merge_edit = QPlainTextEdit()
        self.merge_edit.setPlainText(mine)
        self.merge_edit.setPlaceholderText("在这里编辑合并后的内容")
        self.keep_mine = QPushButton("保留我的版本")
        self.keep_theirs = QPushButton("采用对方版本")
        self.save_merge = QPushButton("保存合并结果")
        self.later = QPushButton("稍后处理")
        self.keep_mine.clicked.connect(lambda: self._decide("mine"))
        self.keep_theirs.clicked.connect(lambda: self._decide("theirs"))
        self.save_merge.clicked.connect(lambda: self._decide("merged"))
        self.later.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.later)
        buttons.addStretch(1)
        for b in (self.keep_mine, self.keep_theirs, self.save_merge):
            buttons.addWidget(b)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(columns)
        merge_box = QWidget()
        mlay = QVBoxLayout(merge_box)
        mlay.setContentsMargins(0, 0, 0, 0)
        mlay.addWidget(QLabel("<b>合并编辑</b>（以我的版本为起点，可从右侧复制内容）"))
        mlay.addWidget(self.merge_edit)
        split.addWidget(merge_box)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(split, 1)
        layout.addLayout(buttons)

    def _decide(self, choice: str) -> None:
        self.choice = choice
        self.merged_text = self.merge_edit.toPlainText() if choice == "merged" else ""
        self.accept()


def resolve_with_dialog(
    parent: QWidget | None, content_root: Path, share_dir: Path, conflict: Conflict, home: Path | None = None
) -> str | None:
    """Open the conflict dialog and apply the decision; returns the choice or None if postponed."""
    mine, theirs = conflict_texts(content_root, conflict, home)
    dialog = ConflictDialog(conflict, mine, theirs, parent)
    accepted = dialog.exec() == QDialog.DialogCode.Accepted
    choice, merged = dialog.choice, dialog.merged_text
    dialog.deleteLater()
    if not accepted or choice is None:
        return None
    resolve_conflict(content_root, share_dir, conflict.path, choice, merged if choice == "merged" else None, home)
    return choice


class HistoryView(QWidget):
    """Every version sync replaced, deleted or kept aside, newest first, with a restore button."""

    restored = Signal(str)

    def __init__(
        self, content_root: Path, home: Path | None = None, parent: QWidget | None = None, confirm: bool = True
    ):
        super().__init__(parent)
        self.store = LocalStore(Path(content_root), home)
        self.content_root = Path(content_root)
        self.home = home
        self.confirm = confirm
        self.setWindowTitle("同步历史")
        self.filter = QLineEdit(placeholderText="按文件路径筛选，例如 kb/退款")
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(["时间", "文件", "类型", "说明"])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.preview = QPlainTextEdit(readOnly=True)
        self.restore_button = QPushButton("恢复此版本")
        self.restore_button.setEnabled(False)
        self.status = QLabel("")
        self.filter.textChanged.connect(self.reload)
        self.table.itemSelectionChanged.connect(self._selected)
        self.restore_button.clicked.connect(self.restore_selected)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(self.preview)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status, 1)
        bottom.addWidget(self.restore_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.filter)
        layout.addWidget(split, 1)
        layout.addLayout(bottom)
        self.entries: list = []
        self.reload()

    def reload(self) -> None:
        """Re-read the history (newest first), applying the path filter."""
        needle = self.filter.text().strip().lower()
        self.entries = [e for e in reversed(self.store.history()) if needle in e.path.lower()]
        self.table.setRowCount(len(self.entries))
        for row, e in enumerate(self.entries):
            stamp = time.strftime("%Y-%m-%d %H:%M", time.localtime(e.time))
            for col, text in enumerate((stamp, e.path, ACTIONS.get(e.action, e.action), e.note)):
                self.table.setItem(row, col, QTableWidgetItem(text))
        self.preview.clear()
        self.restore_button.setEnabled(False)

    def _selected(self) -> None:
        entry = self.current()
        self.restore_button.setEnabled(entry is not None)
        if entry is None:
            return
        data = self.store.get(entry.hash)
        if data is None:
            self.preview.setPlainText("（保存的副本缺失或已损坏）")
            return
        try:
            self.preview.setPlainText(decode_bytes(data).text)
        except UndecodableError as exc:
            self.preview.setPlainText(f"（无法显示：{exc}）")

    def current(self):
        """The selected history entry, or None."""
        rows = self.table.selectionModel().selectedRows()
        return self.entries[rows[0].row()] if rows else None

    def restore_selected(self) -> None:
        """Put the selected version back into the content root (the current one goes to history first)."""
        entry = self.current()
        if entry is None:
            return
        if (
            self.confirm
            and QMessageBox.question(self, "恢复版本", f"用这个版本替换 {entry.path} 吗？当前内容会先保存到历史中。")
            != QMessageBox.StandardButton.Yes
        ):
            return
        try:
            rel = restore(self.content_root, entry.id, self.home)
        except (KeyError, OSError) as exc:
            self.status.setText(f"恢复失败：{exc}")
            return
        self.status.setText(f"已恢复 {rel}")
        self.reload()
        self.restored.emit(rel)
