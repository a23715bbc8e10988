"""Helpers shared by subcommands: the --content option and path display."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from app.core.settings import resolve_content_root

if TYPE_CHECKING:
    from app.core.workspace import Workspace


class CommandError(Exception):
    """A failure to report as one line on stderr with exit code 1, never a traceback."""


def add_content_option(parser: argparse.ArgumentParser) -> None:
    """Every command takes --content DIR (default: configured workspace, else the bundled content)."""
    parser.add_argument(
        "--content",
        metavar="DIR",
        default=argparse.SUPPRESS,
        help="content root (default: configured workspace, else the bundled sample content)",
    )


def content_root(args: argparse.Namespace) -> Path:
    """The content root this command works on; a missing folder is a one-line error."""
    root = resolve_content_root(getattr(args, "content", None))
    try:
        found = root.is_dir()
    except OSError as exc:  # e.g. a name too long for the file system
        raise CommandError(f"{short(str(root))}: {exc.strerror or exc}") from None
    if not found:
        raise CommandError(f"content folder not found: {root}")
    return root


def short(text: str, limit: int = 120) -> str:
    """`text` cut to `limit` characters for a one-line message."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def clean_text(value: str, where: str) -> str:
    """Text from argv, stdin or a file with no lone surrogates: argv bytes that were not UTF-8 are read as
    GBK (the Chinese Windows console's encoding); anything else is a CommandError naming `where`."""
    try:
        value.encode("utf-8")
        return value
    except UnicodeEncodeError:
        pass
    try:
        return value.encode("utf-8", "surrogateescape").decode("gb18030")
    except UnicodeError:
        raise CommandError(f"{where}: 不是有效的文本 (not valid text: a lone surrogate {ascii(value)[:40]})") from None


def open_workspace(args: argparse.Namespace, search: bool = False) -> Workspace:
    """The command's content root loaded the way the app loads it (checker, libraries; the index with `search`)."""
    from app.core.workspace import load_workspace

    return load_workspace(content_root(args), search=search)


def display_path(root: Path, rel: str) -> str:
    """A problem's path as the user can open it from the current directory."""
    try:
        return os.path.relpath(root / rel)
    except ValueError:  # another drive on Windows
        return str(root / rel)


def print_json(data: object) -> None:
    """One JSON document on stdout, Chinese kept readable."""
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def read_text_input(name: str) -> str:
    """The text of FILE, or of stdin for '-': UTF-8 (with or without BOM) or GBK; CommandError when unreadable."""
    from app.core.fileio.textio import UndecodableError, decode_bytes, normalize_newlines, read_text

    if name == "-":
        data = sys.stdin.buffer.read() if hasattr(sys.stdin, "buffer") else sys.stdin.read().encode("utf-8")
        try:
            return normalize_newlines(decode_bytes(data).text)
        except UndecodableError as exc:
            raise CommandError(f"stdin: 输入不是 UTF-8、UTF-16 或 GBK 文本 ({exc})") from None
    path = Path(name)
    try:
        found = path.is_file()
    except OSError as exc:
        raise CommandError(f"{short(name)}: {exc.strerror or exc}") from None
    if not found:
        raise CommandError(f"{name}: file not found / 文件不存在")
    try:
        return normalize_newlines(read_text(path).text)
    except UndecodableError as exc:
        raise CommandError(f"{name}: {exc}") from None
    except OSError as exc:
        raise CommandError(f"{name}: cannot read file ({exc.strerror or exc}) / 无法读取") from None
