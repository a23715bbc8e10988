"""One sync (or decision) at a time per client, across threads and processes.

The app's 60 s timer, a dialog's decision and a `zhida sync --publish` in a terminal all read and save
the same state under $ZHIDA_HOME; two of them at once leave conflicts whose "theirs" is an older copy of
"mine". A process-wide lock serializes threads; an OS file lock (`filelock`: flock on POSIX,
msvcrt.locking on Windows) on `$ZHIDA_HOME/sync/<root-key>/sync.lock` serializes processes. The kernel
drops an OS lock when its process dies, so a `kill -9` never leaves a stale lock: the next run simply
gets it (the holder note beside it, removed on release, is then just overwritten). A second sync waits
up to `wait` seconds, then gets `ClientBusy` naming the holder ("already syncing").
"""

from __future__ import annotations

import json
import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import filelock

from app.core.fileio.bounded import ParseError, read_json

LOCK_NAME = "sync.lock"
HOLDER_NAME = "sync.lock.json"
DEFAULT_WAIT = 10.0  # the CLI waits this long for the app's run to finish; the app's timer does not wait

_thread_lock = threading.RLock()
_depth = 0  # how deeply the thread holding _thread_lock has re-entered (it holds the file lock when > 0)
_file_lock: filelock.BaseFileLock | None = None


class ClientBusy(Exception):
    """Another sync of this client (another process or thread) is running; the message names it."""


def _holder(folder: Path) -> str:
    try:
        raw = read_json(folder / HOLDER_NAME, 4096)
    except (OSError, ParseError):
        return ""
    if not isinstance(raw, dict):
        return ""
    since = raw.get("since")
    stamp = time.strftime("%H:%M:%S", time.localtime(since)) if isinstance(since, (int, float)) else "?"
    return f"{raw.get('what', 'sync')} · 进程 (pid) {raw.get('pid', '?')} · 开始于 {stamp}"


def _busy(folder: Path) -> ClientBusy:
    who = _holder(folder)
    return ClientBusy("另一个同步正在进行 (already syncing)" + (f": {who}" if who else "") + "；稍后自动重试")


@contextmanager
def client_lock(folder: Path, wait: float = DEFAULT_WAIT, what: str = "sync") -> Iterator[None]:
    """Hold this client's sync lock (re-entrant in one thread); ClientBusy after `wait` seconds."""
    global _depth, _file_lock
    if not _thread_lock.acquire(timeout=wait if wait > 0 else 0):
        raise _busy(folder)
    try:
        if _depth == 0:
            folder.mkdir(parents=True, exist_ok=True)
            lock = filelock.FileLock(str(folder / LOCK_NAME), thread_local=False)
            try:
                lock.acquire(timeout=max(wait, 0))
            except filelock.Timeout:
                raise _busy(folder) from None
            _file_lock = lock
            note = {"pid": os.getpid(), "host": socket.gethostname()[:64], "since": time.time(), "what": what}
            try:
                (folder / HOLDER_NAME).write_text(json.dumps(note), encoding="utf-8")
            except OSError:
                pass  # only a courtesy for the message above
        _depth += 1
        try:
            yield
        finally:
            _depth -= 1
            if _depth == 0 and _file_lock is not None:
                try:
                    (folder / HOLDER_NAME).unlink()
                except OSError:
                    pass
                _file_lock.release()
                _file_lock = None
    finally:
        _thread_lock.release()
