"""Names of synced files: which paths may be written under a content root, which kinds of file are content,
which names are litter, NFC keys (macOS writes NFD), and names shown safely (bidi controls escaped)."""

from __future__ import annotations

import unicodedata

SYNCED_TOPS = ("kb", "scripts_library")
_WINDOWS_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)), *(f"lpt{i}" for i in range(1, 10))}
_BAD_CHARS = set('<>:"|?*\\') | {chr(c) for c in range(32)} | {"\x7f"}
MAX_NAME_BYTES = 255  # one path component, in UTF-8: the limit of ext4, APFS and NTFS alike


def nfc(rel: str) -> str:
    """The key of a relative path: its NFC form, so a macOS (NFD) name and a Windows/Linux (NFC) name are one item."""
    return rel if rel.isascii() else unicodedata.normalize("NFC", rel)


def nfc_keys(table: object, *, drop_clashes: bool = False) -> dict:
    """`table` with NFC keys (state written before keys were normalized); on a clash the NFC-spelled key wins.

    With `drop_clashes`, keys that collapse together are dropped instead (a cache that is simply rebuilt).
    """
    if not isinstance(table, dict):
        return {}
    if all(isinstance(k, str) and nfc(k) == k for k in table):
        return table  # the usual case: written by this version
    out: dict = {}
    clashed: set[str] = set()
    for key in sorted(k for k in table if isinstance(k, str)):
        norm = nfc(key)
        if norm in out:
            clashed.add(norm)
            if key != norm:
                continue
        out[norm] = table[key]
    if drop_clashes:
        for norm in clashed:
            del out[norm]
    return out


def normalization_form(name: str) -> str:
    """How a name is spelled, for messages where the two spellings look identical on screen."""
    if unicodedata.is_normalized("NFC", name):
        return "composed/NFC"
    if unicodedata.is_normalized("NFD", name):
        return "decomposed/NFD, as macOS writes it"
    return "mixed composed and decomposed"


def unsafe_path_reason(rel: object) -> str | None:
    """Why `rel` may not be written under a content root (None when it is a safe kb/ or scripts_library/ path)."""
    if not isinstance(rel, str) or not rel:
        return "empty or non-text path"
    if len(rel) > 400:
        return "path too long"
    if rel.startswith("/") or "\\" in rel or ":" in rel:
        return "absolute path, backslash or drive letter"
    parts = rel.split("/")
    if parts[0] not in SYNCED_TOPS or len(parts) < 2:
        return "outside kb/ and scripts_library/"
    for part in parts:
        if part in ("", ".", ".."):
            return "'..', '.' or empty path component"
        if any(ch in _BAD_CHARS for ch in part):
            return f"character not allowed in a file name: {safe_name(part)}"
        if any(unicodedata.category(ch) == "Cf" for ch in part):
            return f"invisible or text-direction character in the name (shown as \\u…): {safe_name(part)}"
        if part.endswith((".", " ")):
            return f"name ends with a dot or space (not allowed on Windows): {part!r}"
        if part.split(".")[0].lower() in _WINDOWS_RESERVED:
            return f"name reserved on Windows: {part!r}"
        if len(part.encode("utf-8")) > MAX_NAME_BYTES:
            return f"name longer than {MAX_NAME_BYTES} bytes: {safe_name(part[:40])}…"
        if is_litter(part):
            return f"a name sync tools and editors use for temporary files: {safe_name(part)}"
    if content_kind(rel) is None:
        return "not a kind of content Zhida reads (kb/**/*.md, scripts_library/**/*.yaml, userdict*.txt)"
    return None


def content_kind(rel: str) -> str | None:
    """ "article" (kb/**/*.md), "library" (scripts_library/**/*.yaml|yml), "dictionary"
    (scripts_library/**/userdict*.txt) or None: the only files sync carries."""
    top, _, rest = rel.partition("/")
    name = rest.rpartition("/")[2].lower()
    if top == "kb" and name.endswith(".md"):
        return "article"
    if top == "scripts_library" and name.endswith((".yaml", ".yml")):
        return "library"
    if top == "scripts_library" and name.startswith("userdict") and name.endswith(".txt"):
        return "dictionary"
    return None


def safe_name(name: object) -> str:
    """A name for messages: control, invisible and text-direction characters (U+202E shows `exe.jpg` for
    `gpj.exe`) written as \\u escapes, so what is shown is what is on disk."""
    text = str(name)
    if text.isascii() and text.isprintable():
        return text
    return "".join(f"\\u{ord(ch):04x}" if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") else ch for ch in text)


def is_litter(name: str) -> bool:
    """True for files sync tools, editors and we ourselves leave behind: never synced, never read as truth."""
    low = name.lower()
    return (
        name.startswith((".", "~"))
        or ".sync-conflict-" in low
        or "conflicted copy" in low
        or low.endswith((".tmp", ".swp", ".part", ".partial", "~"))
        or low in ("thumbs.db", "desktop.ini")
    )
