"""Run core work off the UI thread and get the result back on it by signal.

Every failure is logged with its traceback (app.core.logs) and reaches the user: through the task's own
`on_failed`, or else through the runner's `error` signal, which the window shows in the status bar.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

from app.core.logs import get_logger

_log = get_logger("tasks")


class _Signals(QObject):
    done = Signal(object)
    failed = Signal(str)


class _Task(QRunnable):
    def __init__(self, fn: Callable[[], Any], signals: _Signals):
        super().__init__()
        self.fn = fn
        self.signals = signals
        self.setAutoDelete(True)

    def run(self) -> None:  # runs on a pool thread
        try:
            result = self.fn()
        except Exception as exc:  # reported to the UI, which keeps running
            _log.exception("background task failed")
            detail = traceback.format_exception_only(type(exc), exc)[-1].strip()
            self.signals.failed.emit(detail)
        else:
            self.signals.done.emit(result)


class TaskRunner(QObject):
    """A worker pool: `submit(fn, on_done, on_failed)` calls the callbacks on the UI thread."""

    error = Signal(str)  # a task without its own on_failed failed: the one-line reason

    def __init__(self, parent: QObject | None = None, max_threads: int = 2):
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(max_threads)
        self._live: set[_Signals] = set()
        self._closed = False

    def submit(
        self, fn: Callable[[], Any], on_done: Callable[[Any], None], on_failed: Callable[[str], None] | None = None
    ) -> None:
        """Run `fn` on a pool thread; deliver its result (or one-line error) to the UI thread."""
        signals = _Signals()
        self._live.add(signals)

        @Slot(object)
        def done(result: Any) -> None:
            self._live.discard(signals)
            if not self._closed:  # a result already queued when the window closed goes nowhere
                on_done(result)

        @Slot(str)
        def failed(message: str) -> None:
            self._live.discard(signals)
            if self._closed:
                return
            if on_failed is not None:
                on_failed(message)
            else:
                self.error.emit(message)

        signals.done.connect(done)
        signals.failed.connect(failed)
        self.pool.start(_Task(fn, signals))

    def close(self, msecs: int = 30000) -> None:
        """Cancel queued tasks, wait for running ones and deliver nothing more."""
        self._closed = True
        self.pool.clear()
        self.pool.waitForDone(msecs)
        for signals in list(self._live):
            try:
                signals.done.disconnect()
                signals.failed.disconnect()
            except (RuntimeError, TypeError):
                pass
        self._live.clear()

    def wait(self, msecs: int = 30000) -> bool:
        """Block until all tasks finish (tests and shutdown only)."""
        return self.pool.waitForDone(msecs)
