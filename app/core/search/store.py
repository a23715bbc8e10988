"""Where an index lives and how it is guarded: one folder per content root, generations, a write lock, meta.

    index/<hash of the content root>/
        zhida-write.lock      writers take turns behind it (blocking, across processes)
        CURRENT               names the live generation; replaced atomically
        g000007/              the live generation: whoosh's files, zhida-meta.json, zhida-manifest.json
        g000006/              the one before, kept until the next rebuild for searchers still reading it
        vectors/              embeddings by text hash, shared by all generations (see vectors.py)

A rebuild writes a whole new generation beside the live one and then swaps CURRENT, so searchers keep
answering from the old generation until the swap and pick up the new one on their next query: a
rebuild never empties search. Incremental updates commit into the live generation (whoosh commits
are atomic for readers). Whoosh's own writer lock fails fast with LockError; Zhida instead serializes
whole updates behind its own file lock, so two windows, or the app and `zhida index`, take turns.
Searches never take the lock.
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
CURRENT_FILE = "CURRENT"
GENERATION_PREFIX = "g"
BUILD_PREFIX = "build-"
KEEP = {LOCK_FILE, CURRENT_FILE, "vectors"}


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


def live_generation(base: Path) -> Path | None:
    """The folder of the live generation named by CURRENT, or None when there is none (yet)."""
    try:
        name = (base / CURRENT_FILE).read_text(encoding="utf-8").strip()
    except (OSError, ValueError):
        return None
    if not name.startswith(GENERATION_PREFIX) or "/" in name or "\\" in name or name.startswith("."):
        return None
    folder = base / name
    return folder if folder.is_dir() else None


def live_meta(base: Path) -> tuple[Path | None, dict[str, Any] | None]:
    """The live generation's folder and its meta (each None when there is none yet or it is unreadable)."""
    live = live_generation(base)
    return live, read_meta(live) if live is not None else None


def current_name(base: Path) -> str:
    """What CURRENT says right now ("" when missing): a reader compares it before every query (one small read)."""
    try:
        return (base / CURRENT_FILE).read_text(encoding="utf-8").strip()
    except (OSError, ValueError):
        return ""


def new_build_folder(base: Path) -> Path:
    """An empty folder beside the live generation for a rebuild (removed again if the build fails)."""
    base.mkdir(parents=True, exist_ok=True)
    folder = base / f"{BUILD_PREFIX}{os.getpid()}-{time.monotonic_ns()}"
    folder.mkdir()
    return folder


def publish_generation(base: Path, build: Path) -> Path:
    """Rename a finished build to the next generation and point CURRENT at it (atomically); returns it.

    Called under the write lock. Older generations and builds left by a killed writer are removed,
    but not the generation just replaced, which searchers may still be reading; on Windows a folder
    another process still has open stays until a later rebuild removes it.
    """
    live = live_generation(base)
    number = int(live.name[len(GENERATION_PREFIX) :]) + 1 if live and live.name[1:].isdigit() else 1
    target = base / f"{GENERATION_PREFIX}{number:06d}"
    while target.exists():
        number += 1
        target = base / f"{GENERATION_PREFIX}{number:06d}"
    os.replace(build, target)
    write_text_atomic(base / CURRENT_FILE, target.name + "\n")
    keep = {target.name, live.name if live else ""}
    for entry in os.scandir(base):
        if entry.name not in KEEP and entry.name not in keep:
            _remove(Path(entry.path))  # also whoosh files of the single-folder layout before generations
    return target


def discard(folder: Path) -> None:
    """Remove a folder or file, ignoring what cannot be removed (a file still open on Windows)."""
    _remove(folder)


def _remove(path: Path) -> None:
    import shutil

    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        try:
            path.unlink()
        except OSError:
            pass


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


@contextmanager
def try_file_lock(path: Path) -> Iterator[bool]:
    """Take an exclusive lock on `path` if nobody holds it: yields True when taken, False when busy."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = open(path, "a+b")  # noqa: SIM115 - closed in finally
    try:
        taken = _try_lock(handle)
        try:
            yield taken
        finally:
            if taken:
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
