"""Reading text files whatever encoding a Chinese Windows machine or Excel gave them."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from pathlib import Path


class UndecodableError(ValueError):
    """The bytes are binary or in no encoding we accept."""


@dataclass(frozen=True)
class Decoded:
    """Text decoded from bytes, with the encoding found and a warning when it was not plain UTF-8."""

    text: str
    encoding: str
    warning: str | None = None


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")


def _looks_binary(text: str) -> bool:
    # Control characters other than tab/newline/CR/form-feed do not occur in real text.
    return _CONTROL.search(text, 0, 4096) is not None


def decode_bytes(data: bytes) -> Decoded:
    """Decode UTF-8 (with or without BOM), UTF-16 with BOM, or GBK/GB18030; raise UndecodableError otherwise."""
    if data.startswith(codecs.BOM_UTF8):
        try:
            text = data[len(codecs.BOM_UTF8) :].decode("utf-8")
        except UnicodeDecodeError:
            raise UndecodableError("starts with a UTF-8 BOM but is not valid UTF-8") from None
        return Decoded(text, "utf-8-sig", "UTF-8 with BOM: read correctly; saving without BOM is recommended")
    if data.startswith(codecs.BOM_UTF16_LE) or data.startswith(codecs.BOM_UTF16_BE):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise UndecodableError(f"UTF-16 BOM but undecodable ({exc.reason})") from None
        if _looks_binary(text):
            raise UndecodableError("binary file (contains control characters)")
        return Decoded(text, "utf-16", "UTF-16 encoded: read correctly; saving as UTF-8 is recommended")
    if b"\x00" in data[:8192]:
        raise UndecodableError("binary file (contains NUL bytes)")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        if _looks_binary(text):
            raise UndecodableError("binary file (contains control characters)")
        return Decoded(text, "utf-8")
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        raise UndecodableError("not UTF-8 and not GBK/GB18030: cannot decode") from None
    if _looks_binary(text):
        raise UndecodableError("binary file (contains control characters)")
    return Decoded(text, "gb18030", "GBK/GB18030 encoded: read correctly; saving as UTF-8 is recommended")


def read_text(path: Path) -> Decoded:
    """Read a file as text with `decode_bytes`; OSError propagates for the caller to report."""
    return decode_bytes(Path(path).read_bytes())


def normalize_newlines(text: str) -> str:
    """CRLF and lone CR become LF, so line numbers and section splitting agree everywhere."""
    return text.replace("\r\n", "\n").replace("\r", "\n")
