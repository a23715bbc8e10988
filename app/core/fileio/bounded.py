"""Reading untrusted files with bounds: only regular files, never more than a stated size, parsed with limits.

Anyone on the team can write the shared folder, and content roots come from it. A file there may be a
FIFO (opening it blocks forever), a symlink to /dev/zero (reading never ends), 200 MB of junk, JSON nested
100,000 levels or a YAML alias bomb. Everything read from the share or from a content root goes through
this module (sync, the content loader, and every feature that keeps its own files on the share:
`.zhida/usage/<id>/`, `.zhida/review/…`, `.zhida/training/…`, `.zhida/cases/…`):

    data = read_bounded(path, limits.record, root=share_dir)      # bytes, or UnsafeFileError / OSError
    obj = read_json(path, limits.record, root=share_dir)           # + ParseError for bad or too deep JSON
    obj = read_yaml(path, limits.library, root=content_root)       # + YamlError (depth, alias expansion)
    for path in regular_files(share_dir / ".zhida" / "usage" / me, root=share_dir): ...

`read_bounded` opens with O_NONBLOCK (a FIFO cannot block the open), checks the opened descriptor is a
regular file, refuses a path whose resolved location leaves `root`, and never reads more than `limit`
bytes. Its errors are OSError subclasses whose `strerror` is a one-line reason, so existing
`except OSError` paths report them. Parsing errors are ValueError subclasses carrying the line.
The limits per kind of file are in `app.core.fileio.limits`.
"""

from __future__ import annotations

import errno
import json
import os
import re
import stat
from collections.abc import Iterator
from itertools import accumulate
from pathlib import Path
from typing import Any

from app.core.fileio.limits import DEFAULT_LIMITS
from app.core.fileio.yamlsafe import load_yaml

_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_NOCTTY = getattr(os, "O_NOCTTY", 0)
_BINARY = getattr(os, "O_BINARY", 0)
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


class UnsafeFileError(OSError):
    """A file refused before or while reading it: not a regular file, too large, or outside its root."""

    def __init__(self, code: int, reason: str, path: str | os.PathLike[str]):
        super().__init__(code, reason, str(path))


class NotARegularFile(UnsafeFileError):
    """A FIFO, socket, device or directory where a file was expected."""


class FileTooLarge(UnsafeFileError):
    """Larger than the limit for its kind of file."""


class OutsideRoot(UnsafeFileError):
    """A path (or a symlink along it) that leads outside the folder it must stay in."""


class ParseError(ValueError):
    """Text that does not parse, or parses into something too deep or too large; `line` is 1-based."""

    def __init__(self, message: str, line: int = 1):
        super().__init__(message)
        self.line = line


def human_size(size: int) -> str:
    """A byte count for messages: 1.5 MB, 64 KB, 900 B."""
    if size >= 1 << 20:
        return f"{size / (1 << 20):.1f} MB".replace(".0 MB", " MB")
    if size >= 1 << 10:
        return f"{size // (1 << 10)} KB"
    return f"{size} B"


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISDIR(mode):
        return "a folder"
    return "not a regular file"


def check_inside(path: Path, root: Path) -> None:
    """Raise OutsideRoot when `path`, with symlinks resolved, is not inside `root`."""
    try:
        Path(path).resolve().relative_to(Path(root).resolve())
    except (ValueError, OSError):
        raise OutsideRoot(errno.EACCES, "refused: a link leading outside its folder", path) from None


def read_bounded(path: Path | str, limit: int, *, root: Path | str | None = None, follow_links: bool = True) -> bytes:
    """The bytes of a regular file of at most `limit` bytes; UnsafeFileError (an OSError) otherwise.

    With `root`, the path (symlinks resolved) must stay inside it. With `follow_links=False` the file itself
    may not be a symlink (a folder with one writer, who never writes links). FileNotFoundError and other
    OSErrors propagate as usual.
    """
    path = Path(path)
    if not follow_links and stat.S_ISLNK(os.lstat(path).st_mode):
        raise NotARegularFile(errno.EINVAL, "refused: a symbolic link, not a file", path)
    if root is not None:
        check_inside(path, Path(root))
    st = os.stat(path)  # follows a symlink that stays inside root; no open() of a FIFO or a device
    if not stat.S_ISREG(st.st_mode):
        raise NotARegularFile(errno.EINVAL, f"refused: {_kind(st.st_mode)}, not a file", path)
    if st.st_size > limit:
        raise FileTooLarge(errno.EFBIG, f"refused: {human_size(st.st_size)}, over the {human_size(limit)} limit", path)
    fd = os.open(path, os.O_RDONLY | _NONBLOCK | _NOCTTY | _BINARY | (0 if follow_links else _NOFOLLOW))
    try:
        st = os.fstat(fd)  # the file may have been swapped for a FIFO since the stat above
        if not stat.S_ISREG(st.st_mode):
            raise NotARegularFile(errno.EINVAL, f"refused: {_kind(st.st_mode)}, not a file", path)
        chunks: list[bytes] = []
        left = limit + 1
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
    finally:
        os.close(fd)
    data = b"".join(chunks)
    if len(data) > limit:  # grew while we read
        raise FileTooLarge(errno.EFBIG, f"refused: over the {human_size(limit)} limit", path)
    return data


def read_bounded_or_none(
    path: Path | str, limit: int, *, root: Path | str | None = None, follow_links: bool = True
) -> bytes | None:
    """Like `read_bounded`, but None when the file does not exist."""
    try:
        return read_bounded(path, limit, root=root, follow_links=follow_links)
    except FileNotFoundError:
        return None


def regular_files(folder: Path | str, *, root: Path | str | None = None) -> Iterator[Path]:
    """The regular files directly in `folder`, sorted by name; FIFOs, devices, folders and symlinks skipped.

    A missing folder yields nothing. Hidden names (a leading dot: temp files of atomic writes) are skipped.
    """
    folder = Path(folder)
    if root is not None:
        check_inside(folder, Path(root))
    try:
        names = sorted(os.listdir(folder))
    except FileNotFoundError:
        return
    for name in names:
        if name.startswith("."):
            continue
        full = folder / name
        try:
            st = os.lstat(full)
        except OSError:
            continue
        if stat.S_ISREG(st.st_mode):
            yield full


# -- JSON -------------------------------------------------------------------------------------------------
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKETS = re.compile(r"[\[\]{}]")
_DELTA = {"[": 1, "{": 1, "]": -1, "}": -1}


def json_depth(text: str) -> int:
    """How deeply arrays and objects nest in JSON text (strings ignored), without parsing it."""
    if "[" not in text and "{" not in text:
        return 0
    brackets = "".join(_BRACKETS.findall(_STRING.sub("", text)))
    return max(accumulate(map(_DELTA.__getitem__, brackets)), default=0)


def load_json(data: bytes | str, *, max_depth: int = DEFAULT_LIMITS.json_depth) -> Any:
    """Parse JSON (bytes as UTF-8) no deeper than `max_depth`; ParseError with the line otherwise."""
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ParseError(f"not UTF-8 text (byte {exc.start})") from None
    else:
        text = data
    depth = json_depth(text)
    if depth > max_depth:
        raise ParseError(f"JSON nested {depth} levels deep (limit {max_depth})")
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ParseError(f"invalid JSON: {exc.msg}", exc.lineno) from None
    except (ValueError, RecursionError) as exc:  # e.g. an integer of 5,000 digits
        raise ParseError(f"invalid JSON: {exc}") from None


def read_json(
    path: Path | str,
    limit: int,
    *,
    root: Path | str | None = None,
    max_depth: int = DEFAULT_LIMITS.json_depth,
    follow_links: bool = True,
) -> Any:
    """`read_bounded` then `load_json`: UnsafeFileError/OSError for the file, ParseError for its text."""
    return load_json(read_bounded(path, limit, root=root, follow_links=follow_links), max_depth=max_depth)


def read_yaml(path: Path | str, limit: int, *, root: Path | str | None = None) -> Any:
    """`read_bounded`, UTF-8 (BOM allowed), then the safe YAML loader with its depth and alias limits."""
    data = read_bounded(path, limit, root=root)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ParseError(f"not UTF-8 text (byte {exc.start})") from None
    return load_yaml(text)
