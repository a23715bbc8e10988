"""Runs sync on an interval off the UI thread (on a TaskRunner) and reports by signal for the status bar.

Wiring (for the lead): create one `SyncController(content_root, share_dir, publish=role == "知识管理员")`,
connect `synced` / `failed` to the status bar (`status_text()` gives the line to show),
`conflicts_changed` to a button that opens `sync_dialogs.resolve_all`, `attention_changed` to the menu
entries for held deletions (`sync_dialogs.HeldDeletesDialog`) and local edits
(`sync_dialogs.LocalEditsDialog`), then call `start()`. Call `stop()` on close.

A manager's run goes through review mode exactly as `zhida sync --publish` does (`reviewed_sync`, docs/workbench.md):
with review on, an edit to a live article waits as a pending revision instead of being published.

Another sync of this client running (a `zhida sync` in a terminal) is not a failure: the timer's run does
not wait for the client lock, says 「另一个同步正在进行」 and tries again shortly.
"""

from __future__ import annotations

import random
import time
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal

from app.core.authoring.review_sync import reviewed_sync
from app.core.paths import zhida_home
from app.core.sync.engine import sync
from app.core.sync.report import SyncReport
from app.ui.tasks import TaskRunner

BUSY_RETRY_S = 10.0


class SyncController(QObject):
    """Syncs every `interval` seconds (± `jitter` fraction, so hundreds of agents do not poll in step)."""

    synced = Signal(object)
    failed = Signal(str)
    conflicts_changed = Signal(list)
    attention_changed = Signal()  # held deletions or local edits changed: see `held_deletes`, `local_edits`
    running_changed = Signal(bool)

    def __init__(
        self,
        content_root: Path | str,
        share_dir: Path | str,
        *,
        publish: bool = False,
        publisher: str | None = None,
        interval: float = 60.0,
        jitter: float = 0.2,
        home: Path | None = None,
        parent: QObject | None = None,
    ):
        super().__init__(parent)
        self.content_root = Path(content_root)
        self.share_dir = Path(share_dir)
        self.publish = publish
        self.publisher = publisher
        self.interval = interval
        self.jitter = jitter
        self.home = home or zhida_home()  # read here, on the UI thread
        self.runner = TaskRunner(self, max_threads=1)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.sync_now)
        self.running = False
        self.busy = False
        self._stopped = False
        self.last_report: SyncReport | None = None
        self.last_time: float | None = None
        self.last_error: str | None = None
        self._conflicts: list = []
        self.held_deletes: list[str] = []
        self.held_reason = ""
        self.local_edits: list[str] = []

    def next_delay(self) -> float:
        """Seconds until the next run: the interval with random jitter."""
        return max(1.0, self.interval * (1 + random.uniform(-self.jitter, self.jitter)))

    def start(self, first_delay: float = 0.0) -> None:
        """Begin syncing (first run after `first_delay` seconds)."""
        self._stopped = False
        self.timer.start(int(first_delay * 1000))

    def stop(self) -> None:
        """Stop the timer and wait for a run in progress; nothing is reported afterwards."""
        self._stopped = True
        self.timer.stop()
        self.runner.close()

    def sync_now(self, *, confirm_deletes: bool = False, reject_deletes: bool = False) -> bool:
        """Start a run now unless one is going; returns False when one was already running.

        `confirm_deletes` applies deletions the pull-side guard held; `reject_deletes` (managers) publishes
        the held files back to the team instead."""
        if self.running or self._stopped:
            return False
        self.timer.stop()
        self.running = True
        self.running_changed.emit(True)
        root, share, publish, publisher, home = (
            self.content_root,
            self.share_dir,
            self.publish,
            self.publisher,
            self.home,
        )
        self.runner.submit(
            lambda: reviewed_sync(  # the CLI's path: review mode applies before the engine publishes
                sync,
                root,
                share,
                publish=publish,
                publisher=publisher,
                home=home,
                confirm_deletes=confirm_deletes,
                reject_deletes=reject_deletes and publish,
                wait=0.0,  # never queue behind another process: report it and retry soon
            ),
            self._done,
            self._error,
        )
        return True

    def _finish(self, delay: float | None = None) -> None:
        self.running = False
        self.running_changed.emit(False)
        if not self._stopped:
            self.timer.start(int((delay if delay is not None else self.next_delay()) * 1000))

    def _done(self, report: SyncReport) -> None:
        if report.busy:
            self.busy = True
            self._finish(BUSY_RETRY_S)
            self.synced.emit(report)
            return
        self.busy = False
        self.last_report = report
        self.last_time = time.time()
        self._finish()
        if report.failed or report.errors:
            self.last_error = report.summary()
            self.failed.emit(self.last_error)
        else:
            self.last_error = None
            self.synced.emit(report)
        if [c.path for c in report.conflicts] != [c.path for c in self._conflicts]:
            self._conflicts = list(report.conflicts)
            self.conflicts_changed.emit(list(report.conflicts))
        if not report.failed and (report.held_deletes, report.local_edits) != (self.held_deletes, self.local_edits):
            self.held_deletes, self.held_reason = list(report.held_deletes), report.held_reason
            self.local_edits = list(report.local_edits)
            self.attention_changed.emit()

    def _error(self, message: str) -> None:
        self.last_error = message
        self._finish()
        self.failed.emit(message)

    @property
    def conflicts(self) -> list:
        """Conflicts pending after the last run."""
        return list(self._conflicts)

    def status_text(self) -> str:
        """The status-bar line: last sync time, pending decisions, or the failure."""
        if self.running:
            return "正在同步…"
        if self.busy:
            return "另一个同步正在进行 (already syncing)，稍后自动重试"
        if self.last_time is None:
            return "尚未同步" if not self.last_error else f"同步失败：{self.last_error}"
        stamp = time.strftime("%H:%M", time.localtime(self.last_time))
        text = f"上次同步 {stamp}"
        if self.last_error:
            text += f" · 同步失败：{self.last_error}"
        if self._conflicts:
            text += f" · {len(self._conflicts)} 个冲突待处理"
        if self.held_deletes:
            text += f" · {len(self.held_deletes)} 个删除待确认"
        if self.local_edits:
            text += f" · {len(self.local_edits)} 个本地修改"
        return text
