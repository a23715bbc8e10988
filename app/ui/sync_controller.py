"""Runs sync on an interval off the UI thread and reports by signal (for the main window's status bar).

Wiring (for the lead): create one `SyncController(content_root, share_dir, publish=role == "知识管理员")`,
connect `synced` / `failed` to the status bar (`status_text()` gives the line to show) and
`conflicts_changed` to a button that opens `sync_dialogs.resolve_with_dialog` for each conflict,
then call `start()`. Call `stop()` on close.
"""

from __future__ import annotations

import random
import time
from pathlib import Path

from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal

from app.core.paths import zhida_home
from app.core.sync.engine import sync
from app.core.sync.report import SyncReport


class _Carrier(QObject):
    done = Signal(object)
    error = Signal(str)


class _SyncTask(QRunnable):
    def __init__(self, job, carrier: _Carrier):
        super().__init__()
        self.job = job
        self.carrier = carrier
        self.setAutoDelete(True)

    def run(self) -> None:  # on a pool thread
        try:
            report = self.job()
        except Exception as exc:
            self.carrier.error.emit(f"{type(exc).__name__}: {exc}")
        else:
            self.carrier.done.emit(report)


class SyncController(QObject):
    """Syncs every `interval` seconds (± `jitter` fraction, so hundreds of agents do not poll in step)."""

    synced = Signal(object)
    failed = Signal(str)
    conflicts_changed = Signal(list)
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
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.sync_now)
        self.running = False
        self.last_report: SyncReport | None = None
        self.last_time: float | None = None
        self.last_error: str | None = None
        self._conflicts: list = []
        self._carrier = _Carrier(self)
        self._carrier.done.connect(self._done)
        self._carrier.error.connect(self._error)

    def next_delay(self) -> float:
        """Seconds until the next run: the interval with random jitter."""
        return max(1.0, self.interval * (1 + random.uniform(-self.jitter, self.jitter)))

    def start(self, first_delay: float = 0.0) -> None:
        """Begin syncing (first run after `first_delay` seconds)."""
        self.timer.start(int(first_delay * 1000))

    def stop(self) -> None:
        """Stop the timer and wait for a run in progress."""
        self.timer.stop()
        self.pool.waitForDone(30000)

    def sync_now(self) -> bool:
        """Start a run now unless one is going; returns False when one was already running."""
        if self.running:
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
        self.pool.start(
            _SyncTask(lambda: sync(root, share, publish=publish, publisher=publisher, home=home), self._carrier)
        )
        return True

    def _finish(self) -> None:
        self.running = False
        self.running_changed.emit(False)
        self.timer.start(int(self.next_delay() * 1000))

    def _done(self, report: SyncReport) -> None:
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

    def _error(self, message: str) -> None:
        self.last_error = message
        self._finish()
        self.failed.emit(message)

    @property
    def conflicts(self) -> list:
        """Conflicts pending after the last run."""
        return list(self._conflicts)

    def status_text(self) -> str:
        """The status-bar line: last sync time, pending conflicts, or the failure."""
        if self.running:
            return "正在同步…"
        if self.last_time is None:
            return "尚未同步" if not self.last_error else f"同步失败：{self.last_error}"
        stamp = time.strftime("%H:%M", time.localtime(self.last_time))
        text = f"上次同步 {stamp}"
        if self.last_error:
            text += f" · 同步失败：{self.last_error}"
        if self._conflicts:
            text += f" · {len(self._conflicts)} 个冲突待处理"
        return text
