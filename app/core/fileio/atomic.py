"""Atomic writes: temp file beside the target, fsync, replace — readers see the old file or the whole new one.

fsync is what makes a write survive a power cut; it is also most of what a test run spends in sync.
`ZHIDA_FSYNC=0` (tests only) skips it; nothing else changes.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path


def fsync_enabled() -> bool:
    """False only when the environment turns fsync off (`ZHIDA_FSYNC=0`, for test suites)."""
    return os.environ.get("ZHIDA_FSYNC", "1") != "0"


def fsync_file(fh) -> None:
    """Flush `fh` to disk (unless fsync is switched off)."""
    if fsync_enabled():
        os.fsync(fh.fileno())


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """Temp file beside the target, fsync, replace: readers see the old file or the whole new one."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".zhida-", suffix=".tmp", dir=path.parent)
    try:
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


def write_text_atomic(path: Path, text: str) -> None:
    """Write UTF-8 text (LF line ends) atomically with `write_bytes_atomic`."""
    write_bytes_atomic(path, text.encode("utf-8"))


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
