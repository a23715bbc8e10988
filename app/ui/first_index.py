"""The first index of a content root is built in a child process (`zhida index`), not in the window's.

Building an index holds the interpreter lock in long native calls (segmenting, loading the pinyin
tables, Whoosh sorting every posting at commit): from a thread of the window's own process that froze
the UI for 70–500 ms at a time on a fresh $ZHIDA_HOME. A child process has its own lock; the window
only reads its progress line and opens the finished index. If the child cannot run or fails, the
window builds in-process as before (slower to respond, never without search).
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

from PySide6.QtCore import QObject, QProcess, QProcessEnvironment, Signal

from app.core.search.index import SCHEMA_VERSION
from app.core.search.store import index_dir, live_meta

_PROGRESS = re.compile(rb"(\d+)/(\d+)")


CHILD_NICENESS = 10
CHILD_SWITCH = "ZHIDA_INDEX_CHILD"  # "0": build in the window's process (the UI tests' small roots)


def needs_first_build(root: Path, home: Path | None) -> bool:
    """True when `root` has no index of this version under `home` yet (a fresh home, or after an upgrade)
    and the child process is not switched off."""
    if os.environ.get(CHILD_SWITCH) == "0":
        return False
    _live, meta = live_meta(index_dir(root, home))
    return meta is None or meta.get("schema_version") != SCHEMA_VERSION


def index_command(root: Path) -> list[str]:
    """The command line that builds the index of `root`: this same program's `index` subcommand."""
    if getattr(sys, "frozen", False):  # a PyInstaller bundle: the executable is zhida itself
        return [sys.executable, "index", "--content", str(root)]
    return [sys.executable, "-m", "app", "index", "--content", str(root)]


class FirstIndexBuild(QObject):
    """Runs `zhida index` for one root; `progress(done, total)` while it runs, then `finished(ok, detail)`."""

    progress = Signal(int, int)
    finished = Signal(bool, str)

    def __init__(self, root: Path, home: Path | None, parent: QObject | None = None):
        super().__init__(parent)
        self.process = QProcess(self)
        env = QProcessEnvironment.systemEnvironment()
        if home is not None:
            env.insert("ZHIDA_HOME", str(home))
        self.process.setProcessEnvironment(env)
        program, *args = index_command(root)
        self.process.setProgram(program)
        self.process.setArguments(args)
        self.process.setWorkingDirectory(os.getcwd())
        self.process.readyReadStandardError.connect(self._read_progress)
        self.process.finished.connect(self._done)
        self.process.errorOccurred.connect(self._failed_to_start)
        self._tail = b""
        self._reported = False

    def start(self) -> None:
        """Start the child process (returns at once) at a lower CPU priority, so on a busy PC the window
        still gets the processor first."""
        self.process.start()
        pid = self.process.processId()
        if pid and hasattr(os, "setpriority"):
            try:
                os.setpriority(os.PRIO_PROCESS, pid, CHILD_NICENESS)
            except OSError:
                pass  # not allowed here: it only runs at the same priority as the window

    def stop(self) -> None:
        """End the child (the window is closing); the index it was writing is rebuilt next time."""
        if self.process.state() != QProcess.ProcessState.NotRunning:
            self.process.kill()
            self.process.waitForFinished(3000)

    def _read_progress(self) -> None:
        data = self._tail + bytes(self.process.readAllStandardError().data())
        self._tail = data[-400:]
        found = _PROGRESS.findall(data)
        if found:
            done, total = found[-1]
            self.progress.emit(int(done), int(total))

    def _done(self, code: int, status: QProcess.ExitStatus) -> None:
        ok = status == QProcess.ExitStatus.NormalExit and code == 0
        last = self._tail.decode("utf-8", "replace").strip().splitlines()
        self._finish(ok, last[-1] if last else f"exit {code}")

    def _failed_to_start(self, error: QProcess.ProcessError) -> None:
        if error == QProcess.ProcessError.FailedToStart:
            self._finish(False, self.process.errorString())

    def _finish(self, ok: bool, detail: str) -> None:
        if not self._reported:
            self._reported = True
            self.finished.emit(ok, detail)
