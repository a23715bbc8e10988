"""Where an index lives and how it is guarded: one folder per content root, a write lock, a meta file.

Whoosh's own writer lock fails fast with LockError when another process writes; Zhida instead
serializes whole updates (scan, write, commit, manifest) behind its own blocking file lock, so two
windows, or the app and `zhida index`, simply take turns. Searches never take the lock.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from app.core.fileio.atomic import write_text_atomic
from app.core.paths import zhida_home

META_FILE = "zhida-meta.json"
LOCK_FILE = "zhida-write.lock"


class IndexBusyError(RuntimeError):
    """Another process kept the index's write lock for longer than we were willing to wait."""


def index_dir(content_root: Path | str, home: Path | str | None = None) -> Path:
    """zhida_home()/index/<hash of the resolved content root path>/ (the folder may not exist yet)."""
    resolved = str(Path(content_root).resolve())
    digest = hashlib.sha1(resolved.encode("utf-8")).hexdigest()[:16]
    base = Path(home) if home is not None else zhida_home()
    return base / "index" / digest


def read_meta(folder: Path) -> dict[str, Any] | None:
    """The meta file (schema version, manifest, vocabulary …) or None when missing or unreadable."""
    try:
        data = json.loads((folder / META_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def write_meta(folder: Path, meta: dict[str, Any]) -> None:
    """Write the meta file atomically: a reader sees the old one or the new one, never half."""
    write_text_atomic(folder / META_FILE, json.dumps(meta, ensure_ascii=False, separators=(",", ":")))


def file_sizes(folder: Path) -> dict[str, int]:
    """Sizes of whoosh's files in the folder (segments and TOCs), to notice a truncated file later."""
    sizes = {}
    for entry in os.scandir(folder):
        if entry.is_file() and (entry.name.endswith(".seg") or entry.name.endswith(".toc")):
            sizes[entry.name] = entry.stat().st_size
    return sizes


@contextmanager
def write_lock(folder: Path, timeout: float = 300.0) -> Iterator[None]:
    """Hold the index's write lock (blocking, across processes); IndexBusyError after `timeout` seconds."""
    folder.mkdir(parents=True, exist_ok=True)
    handle = open(folder / LOCK_FILE, "a+b")  # noqa: SIM115 - closed in finally
    try:
        deadline = time.monotonic() + timeout
        while not _try_lock(handle):
            if time.monotonic() > deadline:
                raise IndexBusyError(f"index is being written by another process: {folder}")
            time.sleep(0.05)
        try:
            yield
        finally:
            _unlock(handle)
    finally:
        handle.close()


def is_write_locked(folder: Path) -> bool:
    """True when some process holds the write lock right now."""
    path = folder / LOCK_FILE
    if not path.exists():
        return False
    with open(path, "a+b") as handle:
        if _try_lock(handle):
            _unlock(handle)
            return False
        return True


if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _try_lock(handle: Any) -> bool:
        try:
            handle.seek(0)
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _unlock(handle: Any) -> None:
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)
else:
    import fcntl

    def _try_lock(handle: Any) -> bool:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return False
        return True

    def _unlock(handle: Any) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
