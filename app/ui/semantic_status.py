"""Computing the semantic retriever's vectors in the background, with progress in the window's status bar.

Until they are computed search is lexical (and still instant); the status bar says 正在计算语义向量 n/m
and, when done, 语义检索已就绪. Closing the window stops the work after the current batch: what was
computed is kept and the rest is picked up next time.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QStatusBar

from app.ui.tasks import TaskRunner


class _Stopped(Exception):
    """The window closed while vectors were being computed."""


class SemanticStatus(QObject):
    """Runs SearchIndex.embed_pending on its own worker thread and reports on a status bar."""

    progress = Signal(int, int)  # emitted from the worker thread, shown on the UI thread

    def __init__(self, status_bar: QStatusBar, parent: QObject | None = None):
        super().__init__(parent)
        self.status_bar = status_bar
        self.runner = TaskRunner(self, max_threads=1)  # minutes of work must not hold up the other runners
        self.progress.connect(self._show)
        self._stopped = False
        self._running = False

    def start(self, index: Any) -> None:
        """Compute the vectors `index` still lacks (no-op while a run is going or when nothing is missing)."""
        if self._running or index is None or not hasattr(index, "embed_pending"):
            return
        self._running = True

        def progress(done: int, total: int) -> None:
            if self._stopped:
                raise _Stopped
            self.progress.emit(done, total)

        self.runner.submit(lambda: index.embed_pending(progress), self._done, self._failed)

    def stop(self) -> None:
        """Stop after the current batch and drop what is still queued."""
        self._stopped = True
        self.runner.close()

    def _show(self, done: int, total: int) -> None:
        self.status_bar.showMessage(f"正在计算语义向量 {done}/{total}…(完成前按关键词搜索)", 5000)

    def _done(self, count: int) -> None:
        self._running = False
        if count:
            self.status_bar.showMessage(f"语义检索已就绪 ({count} 条新向量)", 8000)

    def _failed(self, message: str) -> None:
        self._running = False
        if "_Stopped" not in message:
            self.status_bar.showMessage(f"语义向量计算失败,只用关键词检索:{message}", 8000)
