"""待跟进: the status-bar button for promised follow-ups, the list, and the due-time watch (服务闭环).

The core store (app/core/followups.py) does the work; reads and writes run on the window's background
runner. Every 30 s the watch checks what came due: the button turns red and `came_due` tells the
window (status bar, tray message).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import QDateTime, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QDateTimeEdit,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.core.followups import DEFAULT_DELAY, FollowUp, FollowUps, promised_due
from app.ui.plain import plain_label, plain_tip
from app.ui.tasks import TaskRunner

CHECK_MS = 30_000
ID_ROLE = Qt.ItemDataRole.UserRole + 7


def when_text(item: FollowUp, now: dt.datetime) -> str:
    """「已到期 12 分钟」「今天 18:00」「明天 10:00」「11-05 18:00」."""
    due = item.due_at
    if due <= now:
        minutes = int((now - due).total_seconds() // 60)
        return "已到期" + (f" {minutes // 60} 小时" if minutes >= 60 else f" {minutes} 分钟" if minutes else "")
    day = (due.date() - now.date()).days
    prefix = {0: "今天", 1: "明天", 2: "后天"}.get(day, due.strftime("%m-%d"))
    return f"{prefix} {due:%H:%M}"


def item_text(item: FollowUp, now: dt.datetime) -> str:
    """Two lines: when and which customer, then what was promised."""
    head = f"{'●' if item.is_due(now) else '○'} {when_text(item, now)}"
    if item.reference:
        head += f" · {item.reference}"
    return f"{head}\n{item.text}"


class FollowUpDesk(QObject):
    """Owns the reminders of one $ZHIDA_HOME for the window: button, list dialog, due watch."""

    changed = Signal()  # the pending list was re-read
    came_due = Signal(list)  # reminders that came due since the last check (list[FollowUp])

    def __init__(self, home: Path | None, runner: TaskRunner, parent: QWidget):
        super().__init__(parent)
        self.store = FollowUps(home)
        self.runner = runner
        self.pending: list[FollowUp] = []
        self._announced: set[str] = set()
        self.button = QToolButton()
        self.button.setAutoRaise(True)
        self.button.setToolTip("待跟进:答应客户回复的事项 (Ctrl+Shift+F)")
        self.button.clicked.connect(self.open_list)
        self.dialog: FollowUpsDialog | None = None
        self.timer = QTimer(self)
        self.timer.setInterval(CHECK_MS)
        self.timer.timeout.connect(self.refresh)
        self.timer.start()
        self._show()
        self.refresh()

    # ---- the store, off the UI thread --------------------------------------------------------------
    def refresh(self) -> None:
        """Re-read the reminders in the background and update the button, the list and the due watch."""
        store = self.store
        self.runner.submit(store.pending, self._read)

    def add(self, text: str, reference: str, due: dt.datetime | None = None) -> None:
        """Store a reminder; without `due`, the time the text promises, else in 24 hours."""
        due = due or promised_due(text) or dt.datetime.now() + DEFAULT_DELAY
        store = self.store
        self.runner.submit(lambda: store.add(text, reference, due), lambda _item: self.refresh())

    def complete(self, item_id: str) -> None:
        """Mark one reminder done."""
        store = self.store
        self.runner.submit(lambda: store.complete(item_id), lambda _r: self.refresh())

    def postpone(self, item_id: str, until: dt.datetime) -> None:
        """Move one reminder to `until`."""
        store = self.store
        self._announced.discard(item_id)
        self.runner.submit(lambda: store.postpone(item_id, until), lambda _r: self.refresh())

    def _read(self, pending: list[FollowUp]) -> None:
        self.pending = pending
        now = dt.datetime.now()
        fresh = [f for f in pending if f.is_due(now) and f.id not in self._announced]
        self._announced.update(f.id for f in fresh)
        self._show()
        self.changed.emit()
        if fresh:
            self.came_due.emit(fresh)

    def _show(self) -> None:
        now = dt.datetime.now()
        due = sum(1 for f in self.pending if f.is_due(now))
        if due:
            self.button.setText(f"● {due} 条跟进到期")
            self.button.setStyleSheet("color: #c62828; font-weight: bold;")
        else:
            self.button.setText(f"待跟进 {len(self.pending)}" if self.pending else "待跟进")
            self.button.setStyleSheet("")

    def open_list(self) -> None:
        """Show the 待跟进 list (one dialog, raised if open)."""
        if self.dialog is None:
            self.dialog = FollowUpsDialog(self, self.parent())
        self.dialog.fill()
        self.dialog.show()
        self.dialog.raise_()
        self.dialog.activateWindow()
        self.dialog.list.setFocus()


class FollowUpsDialog(QDialog):
    """The open reminders, oldest due first; done, postpone, and a form to add one by hand."""

    def __init__(self, desk: FollowUpDesk, parent=None):
        super().__init__(parent)
        self.desk = desk
        self.setWindowTitle("待跟进")
        self.resize(420, 520)
        self.summary = plain_label("")
        self.summary.setWordWrap(True)
        self.list = QListWidget()
        self.list.setWordWrap(True)
        self.list.setAlternatingRowColors(True)
        done = QPushButton("完成(&D)")
        done.setToolTip("已经回复客户:从列表移除")
        done.clicked.connect(self._done)
        hour = QPushButton("推迟 1 小时(&H)")
        hour.clicked.connect(lambda: self._postpone(dt.datetime.now() + dt.timedelta(hours=1)))
        tomorrow = QPushButton("明天 9:00(&T)")
        tomorrow.clicked.connect(
            lambda: self._postpone((dt.datetime.now() + dt.timedelta(days=1)).replace(hour=9, minute=0))
        )
        actions = QHBoxLayout()
        actions.addWidget(done)
        actions.addWidget(hour)
        actions.addWidget(tomorrow)
        actions.addStretch(1)

        self.reference = QLineEdit()
        self.reference.setPlaceholderText("订单号、手机号等(只保存后四位)")
        self.promise = QLineEdit()
        self.promise.setPlaceholderText("答应客户的事,如:今天18点前回复退款进度")
        self.promise.textEdited.connect(self._guess_due)
        self.due = QDateTimeEdit(QDateTime.currentDateTime().addSecs(24 * 3600))
        self.due.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.due.setCalendarPopup(True)
        add = QPushButton("添加提醒(&A)")
        add.clicked.connect(self._add)
        form = QFormLayout()
        form.addRow("客户", self.reference)
        form.addRow("承诺", self.promise)
        form.addRow("时间", self.due)
        form.addRow("", add)

        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.list, 1)
        layout.addLayout(actions)
        layout.addWidget(plain_label("新提醒(只保存在本机)"))
        layout.addLayout(form)
        desk.changed.connect(self.fill)

    def fill(self) -> None:
        """Show the desk's pending reminders."""
        now = dt.datetime.now()
        current = self.list.currentItem().data(ID_ROLE) if self.list.currentItem() else None
        self.list.clear()
        for item in self.desk.pending:
            row = QListWidgetItem(item_text(item, now))
            row.setData(ID_ROLE, item.id)
            row.setToolTip(plain_tip(item.text))
            if item.is_due(now):
                row.setForeground(Qt.GlobalColor.darkRed)
            self.list.addItem(row)
            if item.id == current:
                self.list.setCurrentItem(row)
        if self.list.currentRow() < 0 and self.list.count():
            self.list.setCurrentRow(0)
        due = sum(1 for f in self.desk.pending if f.is_due(now))
        self.summary.setText(
            f"{len(self.desk.pending)} 条待跟进,{due} 条已到期。" if self.desk.pending else "没有待跟进的事项。"
        )

    def _selected(self) -> str | None:
        row = self.list.currentItem()
        return row.data(ID_ROLE) if row else None

    def _done(self) -> None:
        item_id = self._selected()
        if item_id:
            self.desk.complete(item_id)

    def _postpone(self, until: dt.datetime) -> None:
        item_id = self._selected()
        if item_id:
            self.desk.postpone(item_id, until)

    def _guess_due(self, text: str) -> None:
        guess = promised_due(text)
        if guess:
            self.due.setDateTime(QDateTime(guess))

    def _add(self) -> None:
        if not self.promise.text().strip():
            self.promise.setFocus()
            return
        due = self.due.dateTime().toPython()
        assert isinstance(due, dt.datetime)
        self.desk.add(self.promise.text(), self.reference.text(), due)
        self.promise.clear()
        self.reference.clear()
