"""The shared folder's own files (.zhida/): marker, immutable objects and manifests, one head per publisher.

Everything read from the share is untrusted: names are checked, every file is read through
`fileio.bounded` (regular files only, a size limit per kind, JSON depth limits), JSON is validated field
by field, objects and manifests are verified against their SHA-256 names before anyone uses them.
A refused file raises `UnsafeFileError` (an OSError) or `ParseError` for the caller to report per file.
Files written here get the share folder's group bits (`fileio.atomic.shared_modes`), so every OS user
of a group-writable share can read and write them. Other features' folders under `.zhida/` (usage,
review, training, cases…) are left alone: sync reads only FORMAT, objects, manifests, heads and leases.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from app.core.fileio.atomic import Modes, make_dirs, shared_modes, write_bytes_atomic
from app.core.fileio.bounded import ParseError, UnsafeFileError, load_json, read_bounded
from app.core.fileio.limits import DEFAULT_LIMITS, Limits
from app.core.sync.names import (  # noqa: F401 - re-exported: callers import names from share
    SYNCED_TOPS,
    content_kind,
    is_litter,
    nfc,
    nfc_keys,
    normalization_form,
    safe_name,
    unsafe_path_reason,
)

FORMAT_VERSION = 1
MARKER_HEADER = "zhida-share"
HEX64 = re.compile(r"^[0-9a-f]{64}$")
PUBLISHER_NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
PROTOCOL_DIRS = ("objects", "manifests", "heads", "leases")


class ShareError(Exception):
    """The share cannot be used at all (missing, unmounted, wrong marker): the run must abort."""


def sha256_bytes(data: bytes) -> str:
    """Hex SHA-256 of `data`: the name of an object and the identity of a file's content."""
    return hashlib.sha256(data).hexdigest()


def canonical_json(data: object) -> bytes:
    """Deterministic JSON bytes, so the same manifest always gets the same hash (idempotent publishing)."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


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


@dataclass
class ShareInit:
    """What `Share.init` did: the share's id and what it created (empty for a share that already existed)."""

    share_id: str
    created: list[str] = field(default_factory=list)


class Share:
    """Reads and writes the protocol files of one shared folder, counting every file it opens."""

    def __init__(self, root: Path | str, limits: Limits = DEFAULT_LIMITS):
        self.root = Path(root)
        self.meta = self.root / ".zhida"
        self.limits = limits
        self.reads = 0
        self.listings = 0
        self.share_id = ""
        self._modes: Modes | None = None

    @property
    def modes(self) -> Modes:
        """File and folder modes for what we write here: the umask's plus the share folder's group bits."""
        if self._modes is None:
            self._modes = shared_modes(self.root)
        return self._modes

    def _write(self, path: Path, data: bytes) -> None:
        write_bytes_atomic(path, data, mode=self.modes.file, dir_mode=self.modes.dir)

    def _read(self, path: Path, limit: int) -> bytes:
        """A protocol file's bytes, bounded and never through a link leaving the share."""
        self.reads += 1
        return read_bounded(path, limit, root=self.root)

    def _read_json(self, path: Path, limit: int) -> object:
        return load_json(self._read(path, limit), max_depth=self.limits.json_depth)

    # -- marker -------------------------------------------------------------
    @staticmethod
    def init(root: Path | str) -> ShareInit:
        """Make an empty folder a share (idempotent on an existing share); refuse a non-empty folder."""
        root = Path(root)
        share = Share(root)
        if (share.meta / "FORMAT").exists():
            return ShareInit(share.check_marker())
        if root.exists() and any(not is_litter(p.name) for p in root.iterdir()):
            raise ShareError(
                f"{root}: --init 只能用于空文件夹 (needs an empty folder): 这里已有文件且没有 .zhida/FORMAT"
            )
        created: list[str] = []
        if not root.exists():
            make_dirs(root)
            created.append(f"{root}/")
        for sub in PROTOCOL_DIRS:
            folder = share.meta / sub
            if not folder.is_dir():
                make_dirs(folder, share.modes.dir)
                created.append(f".zhida/{sub}/")
        text = f"{MARKER_HEADER}\nformat: {FORMAT_VERSION}\nid: {uuid.uuid4().hex}\n"
        share._write(share.meta / "FORMAT", text.encode("utf-8"))
        created.append(".zhida/FORMAT")
        return ShareInit(share.check_marker(), created)

    def check_marker(self) -> str:
        """Read .zhida/FORMAT; raise ShareError when the share is missing, unmounted or of another format."""
        path = self.meta / "FORMAT"
        try:
            text = self._read(path, self.limits.head).decode("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            reason = exc.strerror if isinstance(exc, UnsafeFileError) else type(exc).__name__
            raise ShareError(
                f"共享文件夹不可用 (share not available): {path} missing or unreadable "
                f"({reason}); 是否已连接网络盘 (is the drive mounted)? "
                f"(use --init once on an empty folder to create a share)"
            ) from None
        lines = dict(line.split(": ", 1) for line in text.splitlines()[1:] if ": " in line)
        if (
            not text.startswith(MARKER_HEADER)
            or lines.get("format") != str(FORMAT_VERSION)
            or not re.fullmatch(r"[0-9a-f]{32}", lines.get("id", ""))
        ):
            raise ShareError(f"{path}: 不是格式 {FORMAT_VERSION} 的知答共享标记 (not a Zhida share marker)")
        self.share_id = lines["id"]
        return self.share_id

    # -- heads --------------------------------------------------------------
    def read_heads(self) -> tuple[dict[str, Head], list[tuple[str, str]]]:
        """All readable heads, and (publisher, reason) for the ones that are truncated, malformed or refused."""
        heads: dict[str, Head] = {}
        bad: list[tuple[str, str]] = []
        folder = self.meta / "heads"
        try:
            self.listings += 1
            names = sorted(os.listdir(folder))
        except OSError as exc:
            raise ShareError(
                f"共享文件夹不可用 (share not available): cannot list {folder} ({exc.strerror or exc})"
            ) from None
        for name in names:
            if is_litter(name) or not name.endswith(".json") or not PUBLISHER_NAME.match(name[:-5]):
                continue
            pub = name[:-5]
            try:
                raw = self._read_json(folder / name, self.limits.head)
            except UnsafeFileError as exc:
                bad.append((pub, f"head {exc.strerror}"))
                continue
            except (OSError, ParseError) as exc:
                bad.append((pub, f"head unreadable ({_why(exc)}); will retry"))
                continue
            head = Head.from_dict(raw, pub)
            if head is None:
                bad.append((pub, "head malformed; will retry"))
            else:
                heads[pub] = head
        return heads, bad

    def write_head(self, head: Head) -> None:
        """Replace heads/<publisher>.json atomically: the one file in the share with a single writer."""
        self._write(self.meta / "heads" / f"{head.publisher}.json", canonical_json(head.as_dict()))

    def read_head(self, publisher: str) -> Head | None:
        """This publisher's head as stored in the share, or None if missing, unreadable or refused."""
        try:
            raw = self._read_json(self.meta / "heads" / f"{publisher}.json", self.limits.head)
        except (OSError, ParseError):
            return None
        return Head.from_dict(raw, publisher)

    # -- manifests ----------------------------------------------------------
    def manifest_path(self, digest: str) -> Path:
        """Where the manifest named `digest` lives."""
        return self.meta / "manifests" / f"{digest}.json"

    def read_manifest_bytes(self, digest: str) -> bytes | None:
        """The manifest's bytes if present and matching its hash, else None (not arrived yet or damaged).

        UnsafeFileError when the file is refused (a FIFO, a device, over the manifest limit)."""
        try:
            data = self._read(self.manifest_path(digest), self.limits.manifest)
        except UnsafeFileError:
            raise
        except OSError:
            return None
        return data if sha256_bytes(data) == digest else None

    def write_manifest(self, data: bytes) -> str:
        """Store a manifest under its hash (skipped when an intact copy is already there)."""
        digest = sha256_bytes(data)
        path = self.manifest_path(digest)
        if not _intact(path, digest, self.limits.manifest):
            self._write(path, data)
        return digest

    # -- objects ------------------------------------------------------------
    def object_path(self, digest: str) -> Path:
        """Where the object named `digest` lives."""
        return self.meta / "objects" / digest[:2] / digest

    def read_object(self, digest: str, limit: int) -> bytes | None:
        """The object's bytes if present and matching its hash, else None; UnsafeFileError when refused."""
        try:
            data = self._read(self.object_path(digest), limit)
        except UnsafeFileError:
            raise
        except OSError:
            return None
        return data if sha256_bytes(data) == digest else None

    def write_object(self, data: bytes) -> str:
        """Store file contents under their hash (skipped when an intact copy is already there)."""
        digest = sha256_bytes(data)
        path = self.object_path(digest)
        if not _intact(path, digest, max(len(data), 1)):
            self._write(path, data)
        return digest

    # -- leases -------------------------------------------------------------
    def read_leases(self) -> dict[str, str]:
        """{publisher: nonce} of the advisory publish leases present (an unreadable one still counts)."""
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
                raw = self._read_json(folder / name, self.limits.head)
                nonce = raw.get("nonce", "") if isinstance(raw, dict) else ""
                out[name[:-5]] = str(nonce)[:64]
            except (OSError, ParseError):
                out[name[:-5]] = "unreadable"
        return out

    def take_lease(self, publisher: str) -> None:
        """Announce that `publisher` is publishing (a fresh nonce each time)."""
        self._write(
            self.meta / "leases" / f"{publisher}.json",
            canonical_json({"publisher": publisher, "nonce": uuid.uuid4().hex}),
        )

    def drop_lease(self, publisher: str) -> None:
        """Remove our lease; a leftover one just makes others wait for its expiry."""
        try:
            (self.meta / "leases" / f"{publisher}.json").unlink()
        except OSError:
            pass


def _why(exc: Exception) -> str:
    if isinstance(exc, OSError):
        return exc.strerror or type(exc).__name__
    return str(exc)


def _intact(path: Path, digest: str, limit: int) -> bool:
    try:
        return sha256_bytes(read_bounded(path, limit)) == digest
    except OSError:
        return False
