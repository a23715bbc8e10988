"""Atomic writes: temp file beside the target, fsync, replace — readers see the old file or the whole new one.

fsync is what makes a write survive a power cut; it is also most of what a test run spends in sync.
`ZHIDA_FSYNC=0` (tests only) skips it; nothing else changes.

Modes: a temp file is created 0600, so the replaced file gets the mode a plain `open()` would give
(0666 less the umask), or the mode of the file it replaces. On a team share, `shared_modes(share_root)`
adds the share folder's own group/other bits (and its setgid bit for folders), so a second OS user of
a group-writable share can read and write what the first one created; pass them as `mode`/`dir_mode`.
"""

from __future__ import annotations

import os
import stat
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

_UMASK_LOCK = threading.Lock()


def current_umask() -> int:
    """The process umask (read from /proc where possible; else set and restored under a lock)."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    with _UMASK_LOCK:
        mask = os.umask(0o022)
        os.umask(mask)
    return mask


def default_file_mode() -> int:
    """What `open(path, "w")` would create: 0666 less the umask (0644 with the usual umask 022)."""
    return 0o666 & ~current_umask()


@dataclass(frozen=True)
class Modes:
    """Permission bits for files and folders written into one place (see `shared_modes`)."""

    file: int
    dir: int


def shared_modes(folder: Path | str) -> Modes:
    """Modes for files under a shared folder: the umask's, plus the folder's own group/other read-write bits
    (so a group-writable share stays group-writable) and, for folders, its setgid bit (so the group sticks)."""
    mask = current_umask()
    try:
        own = os.stat(folder).st_mode
    except OSError:
        own = 0
    return Modes(
        file=(0o666 & ~mask) | (own & 0o066),
        dir=(0o777 & ~mask) | (own & 0o077) | (own & stat.S_ISGID),
    )


def make_dirs(folder: Path, dir_mode: int | None = None) -> None:
    """mkdir -p; with `dir_mode`, every folder created here gets exactly those bits (umask not applied)."""
    folder = Path(folder)
    if folder.is_dir():
        return
    if dir_mode is None:
        folder.mkdir(parents=True, exist_ok=True)
        return
    missing: list[Path] = []
    probe = folder
    while not probe.exists() and probe != probe.parent:
        missing.append(probe)
        probe = probe.parent
    for path in reversed(missing):
        try:
            path.mkdir()
        except FileExistsError:
            continue
        _chmod(path, dir_mode)


def _chmod(path: str | Path, mode: int) -> None:
    if os.name == "nt":  # only the read-only flag exists there
        return
    try:
        os.chmod(path, mode)
    except OSError:
        pass  # not ours (another user created it first): its mode is theirs to keep


def fsync_enabled() -> bool:
    """False only when the environment turns fsync off (`ZHIDA_FSYNC=0`, for test suites)."""
    return os.environ.get("ZHIDA_FSYNC", "1") != "0"


def fsync_file(fh) -> None:
    """Flush `fh` to disk (unless fsync is switched off)."""
    if fsync_enabled():
        os.fsync(fh.fileno())


def target_mode(path: Path, mode: int | None = None) -> int:
    """The mode a write to `path` should leave: `mode`, else the replaced file's, else `default_file_mode()`."""
    if mode is not None:
        return mode
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except OSError:
        return default_file_mode()


def write_bytes_atomic(path: Path, data: bytes, *, mode: int | None = None, dir_mode: int | None = None) -> None:
    """Temp file beside the target, fsync, replace: readers see the old file or the whole new one.

    The file gets `mode` (default: the replaced file's mode, else 0666 less the umask — never mkstemp's
    0600); folders created for it get `dir_mode` (default: the umask's).
    """
    path = Path(path)
    make_dirs(path.parent, dir_mode)
    final_mode = target_mode(path, mode)
    fd, tmp = tempfile.mkstemp(prefix=".zhida-", suffix=".tmp", dir=path.parent)
    try:
        if os.name != "nt":
            os.fchmod(fd, final_mode)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            fsync_file(fh)
        replace_with_retry(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def write_text_atomic(path: Path, text: str, *, mode: int | None = None) -> None:
    """Write UTF-8 text (LF line ends) atomically with `write_bytes_atomic`."""
    write_bytes_atomic(path, text.encode("utf-8"), mode=mode)


def replace_with_retry(src: str | Path, dst: str | Path) -> None:
    """os.replace, retried with backoff on Windows where an open target refuses replacement for a moment."""
    delays = (0.05, 0.1, 0.2, 0.4, 0.8) if os.name == "nt" else ()
    for delay in delays:
        try:
            os.replace(src, dst)
            return
        except PermissionError:
            time.sleep(delay)
    os.replace(src, dst)
