"""Sync dialogs: a conflict dialog (both versions side by side, differences marked), a history view, the
deletions the pull held back, and an agent's local edits of team files.

Every decision (resolve, restore, discard) waits for the client lock while a sync runs, so it runs on a
TaskRunner, never on the UI thread; its failure is shown to the user (a message box or the status line).
The four dialogs share the diff rendering and the runner plumbing, hence one ~500-line module.
"""

from __future__ import annotations

import difflib
import html
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
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
from app.core.sync.names import safe_name
from app.core.sync.report import Conflict
from app.core.sync.resolve import (
    LocalEdit,
    conflict_texts,
    discard_local_edit,
    local_edits,
    resolve_conflict,
    restore,
    restore_batch,
)
from app.core.sync.store import HistoryEntry, LocalStore
from app.ui.sync_controller import SyncController
from app.ui.tasks import TaskRunner

DISCARD = "放弃我的修改，用团队版本"

ACTIONS = {
    "replaced": "被同步覆盖前的版本",
    "deleted": "被同步删除前的版本",
    "conflict-theirs": "冲突：对方（共享）版本",
    "conflict-mine": "冲突：我的版本",
}
Failed = Callable[[str], None]


def _plain(label: QLabel) -> QLabel:
    label.setTextFormat(Qt.TextFormat.PlainText)  # paths come from the share: never rich text
    return label


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
            f"<b>{html.escape(safe_name(conflict.path))}</b> 在本机和{who}中被改成了不同的内容，共 {blocks} 处不同。"
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


def reason(message: str) -> str:
    """A task's one-line failure without the exception's module path ("app.core…ShareError: ")."""
    head, sep, rest = message.partition(": ")
    return rest if sep and " " not in head and "." in head else message


def _warn(parent: QWidget | None, what: str) -> Failed:
    def show(message: str) -> None:
        QMessageBox.warning(parent, "同步", f"{what}失败：{reason(message)}")

    return show


def resolve_with_dialog(
    parent: QWidget | None,
    content_root: Path,
    share_dir: Path,
    conflict: Conflict,
    home: Path | None = None,
    *,
    runner: TaskRunner,
    on_done: Callable[[str | None], None] | None = None,
    on_failed: Failed | None = None,
) -> None:
    """Read both versions on `runner`, open the conflict dialog, apply the decision on `runner`; then
    `on_done(choice)` ("mine", "theirs", "merged", or None when postponed). Failures go to `on_failed`,
    else to a message box."""
    failed = on_failed or _warn(parent, "处理冲突")
    done = on_done or (lambda _choice: None)

    def decide(texts: tuple[str, str]) -> None:
        dialog = ConflictDialog(conflict, *texts, parent)
        accepted = dialog.exec() == QDialog.DialogCode.Accepted
        choice, merged = dialog.choice, dialog.merged_text
        dialog.deleteLater()
        if not accepted or choice is None:
            done(None)
            return
        text = merged if choice == "merged" else None
        runner.submit(
            lambda: resolve_conflict(content_root, share_dir, conflict.path, choice, text, home),
            lambda _result: done(choice),
            failed,
        )

    runner.submit(lambda: conflict_texts(content_root, conflict, home), decide, failed)


def resolve_all(
    parent: QWidget | None,
    runner: TaskRunner,
    content_root: Path,
    share_dir: Path,
    conflicts: list[Conflict],
    home: Path | None,
    on_finished: Callable[[int], None],
) -> None:
    """Show the conflicts one after another until the user postpones one; `on_finished(decided)`."""
    queue = list(conflicts)
    decided = 0

    def step(choice: str | None = "start") -> None:
        nonlocal decided
        if choice not in (None, "start"):
            decided += 1
        if choice is None or not queue:
            on_finished(decided)
            return
        resolve_with_dialog(
            parent,
            content_root,
            share_dir,
            queue.pop(0),
            home,
            runner=runner,
            on_done=step,
            on_failed=stop,
        )

    def stop(message: str) -> None:
        _warn(parent, "处理冲突")(message)
        on_finished(decided)

    step()


class HistoryView(QWidget):
    """Every version sync replaced, deleted or kept aside, newest first, with a restore button."""

    restored = Signal(str)

    def __init__(
        self,
        content_root: Path,
        home: Path | None = None,
        parent: QWidget | None = None,
        confirm: bool = True,
        runner: TaskRunner | None = None,
    ):
        super().__init__(parent)
        self.store = LocalStore(Path(content_root), home)
        self.content_root = Path(content_root)
        self.home = home
        self.confirm = confirm
        self.runner = runner or TaskRunner(self, max_threads=1)
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
        self.batch_button = QPushButton("恢复这一批删除")
        self.batch_button.setToolTip("恢复同一次同步删除的全部文件")
        self.batch_button.setEnabled(False)
        self.status = _plain(QLabel(""))
        self.filter.textChanged.connect(self.reload)
        self.table.itemSelectionChanged.connect(self._selected)
        self.restore_button.clicked.connect(self.restore_selected)
        self.batch_button.clicked.connect(self.restore_batch_selected)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(self.preview)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status, 1)
        bottom.addWidget(self.batch_button)
        bottom.addWidget(self.restore_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.filter)
        layout.addWidget(split, 1)
        layout.addLayout(bottom)
        self.entries: list[HistoryEntry] = []
        self.reload()

    def reload(self) -> None:
        """Re-read the history (newest first), applying the path filter."""
        needle = self.filter.text().strip().lower()
        self.entries = [e for e in reversed(self.store.history()) if needle in e.path.lower()]
        self.table.setRowCount(len(self.entries))
        for row, e in enumerate(self.entries):
            stamp = time.strftime("%Y-%m-%d %H:%M", time.localtime(e.time))
            for col, text in enumerate((stamp, safe_name(e.path), ACTIONS.get(e.action, e.action), e.note)):
                self.table.setItem(row, col, QTableWidgetItem(text))
        self.preview.clear()
        self.restore_button.setEnabled(False)
        self.batch_button.setEnabled(False)

    def _selected(self) -> None:
        entry = self.current()
        self.restore_button.setEnabled(entry is not None)
        self.batch_button.setEnabled(entry is not None and entry.action == "deleted" and bool(entry.batch))
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

    def current(self) -> HistoryEntry | None:
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
        root, home, entry_id = self.content_root, self.home, entry.id
        self._busy(f"正在恢复 {safe_name(entry.path)}…")
        self.runner.submit(lambda: restore(root, entry_id, home), self._restored, self._failed)

    def restore_batch_selected(self) -> None:
        """Put back every file the sync run of the selected deletion deleted."""
        entry = self.current()
        if entry is None or not entry.batch:
            return
        batch = [e for e in self.store.history() if e.batch == entry.batch and e.action == "deleted"]
        if (
            self.confirm
            and QMessageBox.question(self, "恢复这一批", f"恢复这次同步删除的 {len(batch)} 个文件吗？")
            != QMessageBox.StandardButton.Yes
        ):
            return
        root, home, name = self.content_root, self.home, entry.batch
        self._busy(f"正在恢复 {len(batch)} 个文件…")
        self.runner.submit(lambda: restore_batch(root, name, home), self._restored_batch, self._failed)

    def _busy(self, text: str) -> None:
        self.status.setText(text)
        self.restore_button.setEnabled(False)
        self.batch_button.setEnabled(False)

    def _failed(self, message: str) -> None:
        self.status.setText(f"恢复失败：{reason(message)}")
        self._selected()

    def _restored(self, rel: str) -> None:
        self.status.setText(f"已恢复 {safe_name(rel)}")
        self.reload()
        self.restored.emit(rel)

    def _restored_batch(self, paths: list[str]) -> None:
        self.status.setText(f"已恢复 {len(paths)} 个文件")
        self.reload()
        for rel in paths:
            self.restored.emit(rel)


class LocalEditsDialog(QDialog):
    """Team files this agent changed here (not published): each can go back to the team version in one action,
    the local version kept in history."""

    discarded = Signal(list)

    def __init__(
        self,
        content_root: Path,
        share_dir: Path,
        home: Path | None = None,
        parent: QWidget | None = None,
        runner: TaskRunner | None = None,
    ):
        super().__init__(parent)
        self.content_root, self.share_dir, self.home = Path(content_root), Path(share_dir), home
        self.runner = runner or TaskRunner(self, max_threads=1)
        self.setWindowTitle("本地修改的团队文件")
        self.resize(560, 360)
        intro = _plain(
            QLabel("这些团队文件在本机被改过（或删除），不会发给团队，也收不到团队的更新。你的版本会先存入同步历史。")
        )
        intro.setWordWrap(True)
        self.list = QListWidget()
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.discard_button = QPushButton(DISCARD)
        self.discard_button.setEnabled(False)
        self.close_button = QPushButton("关闭")
        self.status = _plain(QLabel("正在查找…"))
        self.list.itemSelectionChanged.connect(lambda: self.discard_button.setEnabled(bool(self.list.selectedItems())))
        self.discard_button.clicked.connect(self.discard_selected)
        self.close_button.clicked.connect(self.accept)
        self.status.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.discard_button)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.status)
        layout.addLayout(buttons)
        self.edits: list[LocalEdit] = []
        self.reload()

    def reload(self) -> None:
        """Find the local edits again (on the runner)."""
        root, share, home = self.content_root, self.share_dir, self.home
        self.runner.submit(lambda: local_edits(root, share, home), self._listed, self._failed)

    def _listed(self, edits: list[LocalEdit]) -> None:
        self.edits = edits
        self.list.clear()
        for e in edits:
            self.list.addItem(f"{safe_name(e.path)}  （{'本机已删除' if e.deleted else '本机已修改'}）")
        self.status.setText(f"{len(edits)} 个文件" if edits else "没有本地修改，所有团队文件都是团队版本")

    def _failed(self, message: str) -> None:
        self.status.setText(f"失败：{reason(message)}")

    def discard_selected(self) -> None:
        """「放弃我的修改，用团队版本」 for the selected files."""
        rows = sorted(self.list.row(item) for item in self.list.selectedItems())
        paths = [self.edits[r].path for r in rows]
        if not paths:
            return
        root, share, home = self.content_root, self.share_dir, self.home
        self.discard_button.setEnabled(False)
        self.status.setText("正在改用团队版本…")
        self.runner.submit(
            lambda: [discard_local_edit(root, share, rel, home) for rel in paths], self._discarded, self._failed
        )

    def _discarded(self, paths: list[str]) -> None:
        self.discarded.emit(paths)
        self.reload()
        self.status.setText(f"已改用团队版本：{len(paths)} 个文件（你的版本在同步历史中）")


class HeldDeletesDialog(QDialog):
    """Deletions the pull held back (too many at once, or from a head that publishes nothing): confirm them,
    or (knowledge managers) reject them, which publishes the files back to the team.

    After `exec()`, `choice` is "confirm", "reject" or None (decide later)."""

    def __init__(self, paths: list[str], reason: str, manager: bool, parent: QWidget | None = None):
        super().__init__(parent)
        self.choice: str | None = None
        self.setWindowTitle("同步拦下了一批删除")
        self.resize(560, 420)
        text = f"团队共享文件夹要求删除 {len(paths)} 个文件，同步没有执行，文件都还在本机。\n原因：{reason}\n" + (
            "如果这是团队的决定，请确认；如果不是，拒绝会把这些文件重新发布给团队。"
            if manager
            else "如果不确定，请联系知识管理员；确认后文件会被删除（可在同步历史中恢复）。"
        )
        intro = _plain(QLabel(text))
        intro.setWordWrap(True)
        self.list = QListWidget()
        self.list.addItems([safe_name(p) for p in paths])
        self.confirm_button = QPushButton("确认删除")
        self.reject_button = QPushButton("拒绝删除并恢复给团队")
        self.reject_button.setVisible(manager)
        self.later = QPushButton("稍后处理")
        self.confirm_button.clicked.connect(lambda: self._decide("confirm"))
        self.reject_button.clicked.connect(lambda: self._decide("reject"))
        self.later.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.later)
        buttons.addStretch(1)
        buttons.addWidget(self.confirm_button)
        buttons.addWidget(self.reject_button)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.list, 1)
        layout.addLayout(buttons)

    def _decide(self, choice: str) -> None:
        self.choice = choice
        self.accept()


def review_held_deletes(parent: QWidget | None, controller: SyncController, manager: bool) -> str | None:
    """Show the held deletions of `controller`'s last run; a decision starts a sync that applies it."""
    if not controller.held_deletes:
        return None
    dialog = HeldDeletesDialog(controller.held_deletes, controller.held_reason, manager, parent)
    dialog.exec()
    choice = dialog.choice
    dialog.deleteLater()
    if choice is not None:
        controller.sync_now(confirm_deletes=choice == "confirm", reject_deletes=choice == "reject")
    return choice
