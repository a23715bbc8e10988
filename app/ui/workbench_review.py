"""Review and versions in the workbench: the pending revisions with their diff, approve/reject with a comment;
every version of an item, any two compared side by side, restore; the outside-edit compare/merge dialog."""

from __future__ import annotations

import time
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.core.authoring.review import Revision
from app.core.authoring.versions import Version
from app.core.vocab import PENDING, REVISION_STATES
from app.ui.workbench_widgets import DiffView


def _stamp(seconds: float) -> str:
    return time.strftime("%m-%d %H:%M", time.localtime(seconds))


class ReviewPanel(QWidget):
    """Revisions waiting for review (and recent decisions): diff against the published text, approve, reject."""

    approve_requested = Signal(str, str)  # revision id, comment
    reject_requested = Signal(str, str)
    withdraw_requested = Signal(str)
    open_requested = Signal(str)  # path

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.me = ""
        self.self_approval = False
        self.revisions: list[Revision] = []
        self.current_texts: dict[str, str] = {}
        self.header = QLabel("")
        self.header.setWordWrap(True)
        self.list = QListWidget()
        self.list.currentRowChanged.connect(self._selected)
        self.diff = DiffView("已发布(坐席现在看到的)", "待审核修订")
        self.comment = QLineEdit()
        self.comment.setPlaceholderText("审核意见(驳回时必填,作者会看到)")
        self.approve = QPushButton("批准发布")
        self.reject = QPushButton("驳回")
        self.withdraw = QPushButton("撤回")
        self.open = QPushButton("打开条目")
        self.approve.clicked.connect(lambda: self._act(self.approve_requested))
        self.reject.clicked.connect(lambda: self._act(self.reject_requested))
        self.withdraw.clicked.connect(
            lambda: self.withdraw_requested.emit(self._current().id) if self._current() else None
        )
        self.open.clicked.connect(lambda: self.open_requested.emit(self._current().path) if self._current() else None)
        buttons = QHBoxLayout()
        buttons.addWidget(self.open)
        buttons.addWidget(self.withdraw)
        buttons.addStretch(1)
        buttons.addWidget(self.reject)
        buttons.addWidget(self.approve)
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.addWidget(self.diff, 1)
        rl.addWidget(self.comment)
        rl.addLayout(buttons)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.list)
        split.addWidget(right)
        split.setStretchFactor(1, 3)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.header)
        layout.addWidget(split, 1)
        self._selected(-1)

    def show_revisions(
        self, revisions: list[Revision], current_texts: dict[str, str], me: str, review_on: bool, self_approval: bool
    ) -> None:
        """List revisions (pending first); `current_texts` are the files as they are now, for the diff."""
        self.me, self.self_approval = me, self_approval
        self.revisions = sorted(revisions, key=lambda r: (r.state != PENDING, -r.updated))
        self.current_texts = current_texts
        waiting = sum(1 for r in revisions if r.state == PENDING)
        mode = "审核已开启:已发布条目的修改需另一位知识管理员批准" if review_on else "审核未开启(团队设置)"
        if review_on and self_approval:
            mode += ",允许自己批准"
        self.header.setText(f"<b>{waiting} 个修订待审核</b> · {mode}")
        self.list.clear()
        for rev in self.revisions:
            what = "删除" if rev.text is None else "修改"
            mine = "(我)" if rev.author == me else ""
            state = REVISION_STATES.label(rev.state)
            text = f"[{state}] {rev.title or rev.path} · {what} · {rev.author}{mine} · {_stamp(rev.updated)}"
            if rev.decision is not None and rev.decision.comment:
                text += f"\n    {rev.decision.by}:{rev.decision.comment}"
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, rev.id)
            self.list.addItem(item)
        if self.revisions:
            self.list.setCurrentRow(0)
        else:
            self._selected(-1)

    def _current(self) -> Revision | None:
        row = self.list.currentRow()
        return self.revisions[row] if 0 <= row < len(self.revisions) else None

    def _selected(self, _row: int) -> None:
        rev = self._current()
        pending = rev is not None and rev.state == PENDING
        can_decide = pending and rev is not None and (rev.author != self.me or self.self_approval)
        self.approve.setEnabled(can_decide)
        self.reject.setEnabled(can_decide)
        self.withdraw.setEnabled(pending and rev is not None and rev.author == self.me)
        self.open.setEnabled(rev is not None)
        if rev is None:
            self.diff.compare("", "")
            return
        if pending and rev.author == self.me and not self.self_approval:
            self.approve.setToolTip("需要另一位知识管理员批准(团队未允许自己批准)")
        self.diff.compare(self.current_texts.get(rev.path, ""), rev.text or "", right_title=f"修订 {rev.id}")

    def _act(self, signal: Any) -> None:
        rev = self._current()
        if rev is not None:
            signal.emit(rev.id, self.comment.text().strip())

    def select(self, revision_id: str) -> None:
        """Select a revision by id."""
        for row, rev in enumerate(self.revisions):
            if rev.id == revision_id:
                self.list.setCurrentRow(row)


class VersionsDialog(QDialog):
    """Every kept version of one item: pick two to compare side by side; restore one as a new version."""

    restore_requested = Signal(int)

    def __init__(self, title: str, versions: list[Version], text_of: Any, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(f"版本历史 - {title}")
        self.resize(1000, 640)
        self.versions = list(reversed(versions))  # newest first
        self.text_of = text_of
        self.list = QListWidget()
        self.list.setSelectionMode(QListWidget.SelectionMode.ExtendedSelection)
        for v in self.versions:
            item = QListWidgetItem(
                f"v{v.id} · {_stamp(v.time)} · {v.label} · {v.author}" + (f" · {v.note}" if v.note else "")
            )
            self.list.addItem(item)
        self.list.itemSelectionChanged.connect(self._compare)
        self.diff = DiffView()
        self.restore = QPushButton("恢复所选版本(生成新版本)")
        self.restore.clicked.connect(self._restore)
        hint = QLabel("选一个版本与最新版本比较,或按住 Ctrl 选两个版本互相比较")
        hint.setStyleSheet("color:#888")
        left = QWidget()
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 0, 0)
        ll.addWidget(hint)
        ll.addWidget(self.list, 1)
        ll.addWidget(self.restore)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(left)
        split.addWidget(self.diff)
        split.setStretchFactor(1, 3)
        layout = QVBoxLayout(self)
        layout.addWidget(split)
        if self.versions:
            self.list.setCurrentRow(min(1, len(self.versions) - 1))

    def _text(self, version: Version) -> str:
        return (self.text_of(version.hash) or "") if version.hash else ""

    def _compare(self) -> None:
        rows = sorted(self.list.row(i) for i in self.list.selectedItems())
        if not rows:
            return
        newer, older = (rows[0], rows[-1]) if len(rows) > 1 else (0, rows[0])
        a, b = self.versions[older], self.versions[newer]
        self.diff.compare(self._text(a), self._text(b), f"v{a.id} {a.label}", f"v{b.id} {b.label}")
        self.restore.setEnabled(len(rows) == 1)

    def _restore(self) -> None:
        rows = [self.list.row(i) for i in self.list.selectedItems()]
        if len(rows) == 1:
            self.restore_requested.emit(self.versions[rows[0]].id)
            self.accept()


class OutsideEditDialog(QDialog):
    """The open file changed on disk: compare it with the editor's text, keep one, or merge by hand."""

    def __init__(self, rel: str, disk: str, mine: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.choice: str | None = None
        self.merged = ""
        self.setWindowTitle(f"文件已在外部被修改 - {rel}")
        self.resize(1000, 680)
        intro = QLabel(
            f"<b>{rel}</b> 在你编辑期间被其他程序修改了(或由同步更新)。两边的内容都不会丢失:"
            "请选择保留哪一个,或在下方合并后保存。"
        )
        intro.setWordWrap(True)
        self.diff = DiffView("磁盘上的版本(外部修改)", "我正在编辑的版本")
        self.diff.compare(disk, mine)
        self.merge = QPlainTextEdit()
        self.merge.setPlainText(mine)
        buttons = QHBoxLayout()
        for label, choice in (("保留我的版本", "mine"), ("采用磁盘上的版本", "disk"), ("保存合并结果", "merged")):
            button = QPushButton(label)
            button.clicked.connect(lambda _=False, c=choice: self._decide(c))
            buttons.addWidget(button)
        later = QPushButton("稍后处理")
        later.clicked.connect(self.reject)
        buttons.insertWidget(0, later)
        buttons.insertStretch(1, 1)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.diff)
        split.addWidget(self.merge)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(split, 1)
        layout.addLayout(buttons)

    def _decide(self, choice: str) -> None:
        self.choice = choice
        self.merged = self.merge.toPlainText()
        self.accept()
