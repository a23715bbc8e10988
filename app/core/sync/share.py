"""The shared folder's own files (.zhida/): marker, immutable objects and manifests, one head per publisher.

Everything read from the share is untrusted: names are checked, JSON is validated field by field,
objects and manifests are verified against their SHA-256 names before anyone uses them.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import unicodedata
import uuid
from dataclasses import dataclass
from pathlib import Path

from app.core.fileio.atomic import write_bytes_atomic

FORMAT_VERSION = 1
MARKER_HEADER = "zhida-share"
HEX64 = re.compile(r"^[0-9a-f]{64}$")
PUBLISHER_NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
SYNCED_TOPS = ("kb", "scripts_library")
_WINDOWS_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)), *(f"lpt{i}" for i in range(1, 10))}
_BAD_CHARS = set('<>:"|?*\\') | {chr(c) for c in range(32)} | {"\x7f"}


class ShareError(Exception):
    """The share cannot be used at all (missing, unmounted, wrong marker): the run must abort."""


def sha256_bytes(data: bytes) -> str:
    """Hex SHA-256 of `data`: the name of an object and the identity of a file's content."""
    return hashlib.sha256(data).hexdigest()


def canonical_json(data: object) -> bytes:
    """Deterministic JSON bytes, so the same manifest always gets the same hash (idempotent publishing)."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


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
            return f"character not allowed in a file name: {part!r}"
        if part.endswith((".", " ")):
            return f"name ends with a dot or space (not allowed on Windows): {part!r}"
        if part.split(".")[0].lower() in _WINDOWS_RESERVED:
            return f"name reserved on Windows: {part!r}"
    return None


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


@dataclass(frozen=True)
class Head:
    """One publisher's pointer to its latest manifest."""

    publisher: str
    seq: int
    manifest: str

    def as_dict(self) -> dict:
        """JSON form, as stored in heads/<publisher>.json and in the local state."""
        return {"publisher": self.publisher, "seq": self.seq, "manifest": self.manifest}

    @staticmethod
    def from_dict(raw: object, publisher: str | None = None) -> Head | None:
        """A Head from untrusted JSON, or None when any field is wrong."""
        if not isinstance(raw, dict):
            return None
        pub, seq, man = raw.get("publisher"), raw.get("seq"), raw.get("manifest")
        if not (
            isinstance(pub, str)
            and PUBLISHER_NAME.match(pub)
            and isinstance(seq, int)
            and not isinstance(seq, bool)
            and seq >= 0
            and isinstance(man, str)
            and HEX64.match(man)
        ):
            return None
        if publisher is not None and pub != publisher:
            return None
        return Head(pub, seq, man)


def valid_entry(raw: object) -> dict | None:
    """A manifest item {h, v, prev} checked field by field; None when malformed."""
    if not isinstance(raw, dict):
        return None
    h, v, prev = raw.get("h"), raw.get("v"), raw.get("prev")
    if h is not None and not (isinstance(h, str) and HEX64.match(h)):
        return None
    if prev is not None and not (isinstance(prev, str) and HEX64.match(prev)):
        return None
    if not isinstance(v, dict) or not v:
        return None
    for key, value in v.items():
        if not (
            isinstance(key, str)
            and PUBLISHER_NAME.match(key)
            and isinstance(value, int)
            and not isinstance(value, bool)
            and value > 0
        ):
            return None
    return {"h": h, "v": dict(v), "prev": prev}


class Share:
    """Reads and writes the protocol files of one shared folder, counting every file it opens."""

    def __init__(self, root: Path | str):
        self.root = Path(root)
        self.meta = self.root / ".zhida"
        self.reads = 0
        self.listings = 0
        self.share_id = ""

    # -- marker -------------------------------------------------------------
    @staticmethod
    def init(root: Path | str) -> Share:
        """Make an empty folder a share (idempotent on an existing share); refuse a non-empty folder."""
        root = Path(root)
        share = Share(root)
        if (share.meta / "FORMAT").exists():
            share.check_marker()
            return share
        if root.exists() and any(not is_litter(p.name) for p in root.iterdir()):
            raise ShareError(f"{root}: --init needs an empty folder (this one has files and no .zhida/FORMAT)")
        for sub in ("objects", "manifests", "heads", "leases"):
            (share.meta / sub).mkdir(parents=True, exist_ok=True)
        text = f"{MARKER_HEADER}\nformat: {FORMAT_VERSION}\nid: {uuid.uuid4().hex}\n"
        write_bytes_atomic(share.meta / "FORMAT", text.encode("utf-8"))
        share.check_marker()
        return share

    def check_marker(self) -> str:
        """Read .zhida/FORMAT; raise ShareError when the share is missing, unmounted or of another format."""
        path = self.meta / "FORMAT"
        try:
            self.reads += 1
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ShareError(
                f"share not available: {path} missing or unreadable "
                f"({type(exc).__name__}); is the drive mounted? "
                f"(use --init once on an empty folder to create a share)"
            ) from None
        lines = dict(line.split(": ", 1) for line in text.splitlines()[1:] if ": " in line)
        if (
            not text.startswith(MARKER_HEADER)
            or lines.get("format") != str(FORMAT_VERSION)
            or not re.fullmatch(r"[0-9a-f]{32}", lines.get("id", ""))
        ):
            raise ShareError(f"{path}: not a Zhida share marker of format {FORMAT_VERSION}")
        self.share_id = lines["id"]
        return self.share_id

    # -- heads --------------------------------------------------------------
    def read_heads(self) -> tuple[dict[str, Head], list[tuple[str, str]]]:
        """All readable heads, and (publisher, reason) for the ones that are truncated or malformed."""
        heads: dict[str, Head] = {}
        bad: list[tuple[str, str]] = []
        folder = self.meta / "heads"
        try:
            self.listings += 1
            names = sorted(os.listdir(folder))
        except OSError as exc:
            raise ShareError(f"share not available: cannot list {folder} ({exc.strerror or exc})") from None
        for name in names:
            if is_litter(name) or not name.endswith(".json") or not PUBLISHER_NAME.match(name[:-5]):
                continue
            pub = name[:-5]
            try:
                self.reads += 1
                raw = json.loads((folder / name).read_bytes().decode("utf-8"))
            except (OSError, ValueError) as exc:
                bad.append((pub, f"head unreadable ({type(exc).__name__}); will retry"))
                continue
            head = Head.from_dict(raw, pub)
            if head is None:
                bad.append((pub, "head malformed; will retry"))
            else:
                heads[pub] = head
        return heads, bad

    def write_head(self, head: Head) -> None:
        """Replace heads/<publisher>.json atomically: the one file in the share with a single writer."""
        write_bytes_atomic(self.meta / "heads" / f"{head.publisher}.json", canonical_json(head.as_dict()))

    def read_head(self, publisher: str) -> Head | None:
        """This publisher's head as stored in the share, or None if missing or unreadable."""
        try:
            self.reads += 1
            raw = json.loads((self.meta / "heads" / f"{publisher}.json").read_bytes().decode("utf-8"))
        except (OSError, ValueError):
            return None
        return Head.from_dict(raw, publisher)

    # -- manifests ----------------------------------------------------------
    def manifest_path(self, digest: str) -> Path:
        """Where the manifest named `digest` lives."""
        return self.meta / "manifests" / f"{digest}.json"

    def read_manifest_bytes(self, digest: str) -> bytes | None:
        """The manifest's bytes if present and matching its hash, else None (not arrived yet or damaged)."""
        try:
            self.reads += 1
            data = self.manifest_path(digest).read_bytes()
        except OSError:
            return None
        return data if sha256_bytes(data) == digest else None

    def write_manifest(self, data: bytes) -> str:
        """Store a manifest under its hash (skipped when an intact copy is already there)."""
        digest = sha256_bytes(data)
        path = self.manifest_path(digest)
        if not _intact(path, digest):
            write_bytes_atomic(path, data)
        return digest

    # -- objects ------------------------------------------------------------
    def object_path(self, digest: str) -> Path:
        """Where the object named `digest` lives."""
        return self.meta / "objects" / digest[:2] / digest

    def read_object(self, digest: str) -> bytes | None:
        """The object's bytes if present and matching its hash, else None."""
        try:
            self.reads += 1
            data = self.object_path(digest).read_bytes()
        except OSError:
            return None
        return data if sha256_bytes(data) == digest else None

    def write_object(self, data: bytes) -> str:
        """Store file contents under their hash (skipped when an intact copy is already there)."""
        digest = sha256_bytes(data)
        path = self.object_path(digest)
        if not _intact(path, digest):
            write_bytes_atomic(path, data)
        return digest

    # -- leases -------------------------------------------------------------
    def read_leases(self) -> dict[str, str]:
        """{publisher: nonce} of the advisory publish leases present."""
        out: dict[str, str] = {}
        folder = self.meta / "leases"
        try:
            names = os.listdir(folder)
        except OSError:
            return out
        for name in names:
            if is_litter(name) or not name.endswith(".json") or not PUBLISHER_NAME.match(name[:-5]):
                continue
            try:
                raw = json.loads((folder / name).read_bytes().decode("utf-8"))
                out[name[:-5]] = str(raw.get("nonce", ""))
            except (OSError, ValueError, AttributeError):
                out[name[:-5]] = "unreadable"
        return out

    def take_lease(self, publisher: str) -> None:
        """Announce that `publisher` is publishing (a fresh nonce each time)."""
        folder = self.meta / "leases"
        folder.mkdir(exist_ok=True)
        write_bytes_atomic(
            folder / f"{publisher}.json", canonical_json({"publisher": publisher, "nonce": uuid.uuid4().hex})
        )

    def drop_lease(self, publisher: str) -> None:
        """Remove our lease; a leftover one just makes others wait for its expiry."""
        try:
            (self.meta / "leases" / f"{publisher}.json").unlink()
        except OSError:
            pass


def _intact(path: Path, digest: str) -> bool:
    try:
        return sha256_bytes(path.read_bytes()) == digest
    except OSError:
        return False
