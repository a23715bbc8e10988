"""Sync's local state under $ZHIDA_HOME: the base snapshot, a content-addressed store, history, conflict copies.

Layout (one folder per content root, so two ZHIDA_HOMEs are two independent clients):
    $ZHIDA_HOME/sync/<root-key>/objects/ab/<sha256>      every text sync replaced, deleted or kept aside
    $ZHIDA_HOME/sync/<root-key>/history.jsonl            one line per replaced/deleted/conflicting version
    $ZHIDA_HOME/sync/<root-key>/conflicts/<path>         "theirs" copies, openable by the user
    $ZHIDA_HOME/sync/<root-key>/shares/<share-id>/state.json   base snapshot + heads seen + conflicts
    $ZHIDA_HOME/sync/<root-key>/shares/<share-id>/manifests/   verified copies of manifests already read
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from app.core.fileio.atomic import fsync_file, write_bytes_atomic
from app.core.fileio.bounded import ParseError, load_json, read_bounded, read_bounded_or_none
from app.core.fileio.limits import DEFAULT_LIMITS
from app.core.paths import zhida_home
from app.core.sync.lock import DEFAULT_WAIT, client_lock
from app.core.sync.share import nfc, nfc_keys, sha256_bytes

STATE_VERSION = 1
_STATE_LIMIT = DEFAULT_LIMITS.state  # our own files under $ZHIDA_HOME: bounded all the same


def client_dir(content_root: Path, home: Path | None = None) -> Path:
    """The folder holding this content root's sync state under $ZHIDA_HOME."""
    key = hashlib.sha256(str(Path(content_root).resolve()).encode("utf-8")).hexdigest()[:16]
    return (home or zhida_home()) / "sync" / key


@dataclass(frozen=True)
class HistoryEntry:
    """One earlier version of a file that sync replaced or deleted (or kept aside in a conflict)."""

    id: int
    time: float
    path: str
    hash: str
    action: str
    note: str = ""
    batch: str = ""  # the run that did it (one pull's deletions share a batch)

    def as_dict(self) -> dict:
        """JSON form for `--json` and the UI."""
        return {
            "id": self.id,
            "time": self.time,
            "path": self.path,
            "hash": self.hash,
            "action": self.action,
            "note": self.note,
            "batch": self.batch,
        }


@contextmanager
def locked(
    content_root: Path, home: Path | None = None, wait: float = DEFAULT_WAIT, what: str = "sync"
) -> Iterator[None]:
    """Hold this client's lock (one sync or decision at a time, across processes; see sync.lock)."""
    with client_lock(client_dir(content_root, home), wait, what):
        yield


class LocalStore:
    """Content-addressed copies and the history log of one client (never inside the content root)."""

    def __init__(self, content_root: Path, home: Path | None = None):
        self.content_root = Path(content_root)
        self.dir = client_dir(self.content_root, home)
        self.history_path = self.dir / "history.jsonl"

    def object_path(self, digest: str) -> Path:
        """Where a stored version lives."""
        return self.dir / "objects" / digest[:2] / digest

    def put(self, data: bytes) -> str:
        """Keep `data` (fsynced) and return its hash; a copy already intact is not rewritten."""
        digest = sha256_bytes(data)
        path = self.object_path(digest)
        if self.get(digest) is None:
            write_bytes_atomic(path, data)
        return digest

    def get(self, digest: str) -> bytes | None:
        """A stored version, verified; None if absent or damaged."""
        try:
            data = read_bounded(self.object_path(digest), _STATE_LIMIT)
        except OSError:
            return None
        return data if sha256_bytes(data) == digest else None

    def has(self, digest: str) -> bool:
        """True when an intact copy is stored."""
        return self.get(digest) is not None

    def record(self, path: str, data: bytes, action: str, note: str = "", batch: str = "") -> str:
        """Store `data` and append a history line before the caller destroys the file: history first, always.

        `batch` names the run that did it, so one action can restore everything one pull deleted."""
        digest = self.put(data)
        entry = {"time": time.time(), "path": nfc(path), "hash": digest, "action": action, "note": note}
        if batch:
            entry["batch"] = batch
        line = json.dumps(entry, ensure_ascii=False)
        self.dir.mkdir(parents=True, exist_ok=True)
        with open(self.history_path, "a", encoding="utf-8") as fh:
            fh.write(line + "\n")
            fh.flush()
            fsync_file(fh)
        return digest

    def history(self, path: str | None = None) -> list[HistoryEntry]:
        """All history entries (oldest first; ids are line numbers), optionally for one path."""
        entries: list[HistoryEntry] = []
        path = nfc(path) if path is not None else None
        try:
            lines = read_bounded(self.history_path, _STATE_LIMIT).decode("utf-8", "replace").splitlines()
        except OSError:
            return entries
        for number, line in enumerate(lines, 1):
            try:
                raw = json.loads(line)
                entry = HistoryEntry(
                    number,
                    float(raw["time"]),
                    nfc(str(raw["path"])),
                    str(raw["hash"]),
                    str(raw["action"]),
                    str(raw.get("note", "")),
                    str(raw.get("batch", "")),
                )
            except (ValueError, KeyError, TypeError):
                continue  # a line cut short by a crash
            if path is None or entry.path == path:
                entries.append(entry)
        return entries

    def conflict_copy(self, rel: str, digest: str, data: bytes) -> Path:
        """Write "theirs" of a conflict where the user can open it; returns its path."""
        stem, dot, ext = rel.rpartition(".")
        name = f"{stem}.theirs-{digest[:8]}.{ext}" if dot and "/" not in ext else f"{rel}.theirs-{digest[:8]}"
        path = self.dir / "conflicts" / name
        if not path.exists():
            write_bytes_atomic(path, data)
        return path


class SyncState:
    """The base snapshot and bookkeeping for one (content root, share) pair; saved atomically, last."""

    def __init__(self, path: Path, data: dict):
        self.path = path
        self.data = data

    @staticmethod
    def load(content_root: Path, share_id: str, home: Path | None = None) -> SyncState:
        """The saved state, or a fresh one; a damaged file is kept aside and sync starts from no base."""
        path = client_dir(content_root, home) / "shares" / share_id / "state.json"
        fresh = {
            "version": STATE_VERSION,
            "share_id": share_id,
            "content_root": str(content_root),
            "publisher": None,
            "heads": {},
            "base": {},
            "stat": {},
            "conflicts": {},
            "pending": False,
            "lease_seen": {},
            "applying": {},
            "publishing": {},
            "held": {},
            "local_edits": [],
        }
        try:
            raw = load_json(read_bounded(path, _STATE_LIMIT))
            if not isinstance(raw, dict) or raw.get("version") != STATE_VERSION:
                raise ValueError("unknown state version")
        except FileNotFoundError:
            return SyncState(path, fresh)
        except (OSError, ValueError):
            # Without a base every difference becomes a conflict, never an overwrite: safe to start over.
            try:
                os.replace(path, path.with_suffix(f".damaged-{int(time.time())}"))
            except OSError:
                pass
            return SyncState(path, fresh)
        for key, value in fresh.items():
            raw.setdefault(key, value)
        # States written before paths were NFC keys: read them as if they had been.
        for key in ("base", "conflicts", "applying", "publishing", "held"):
            raw[key] = nfc_keys(raw[key])
        raw["stat"] = nfc_keys(raw["stat"], drop_clashes=True)
        return SyncState(path, raw)

    @property
    def manifest_dir(self) -> Path:
        """Verified copies of manifests already read from the share."""
        return self.path.parent / "manifests"

    def cached_manifest(self, digest: str) -> bytes | None:
        """A manifest read before, verified again."""
        try:
            data = read_bounded(self.manifest_dir / f"{digest}.json", _STATE_LIMIT)
        except OSError:
            return None
        return data if sha256_bytes(data) == digest else None

    def cache_manifest(self, digest: str, data: bytes) -> None:
        """Keep a verified manifest so unchanged publishers' manifests are not read from the share again."""
        path = self.manifest_dir / f"{digest}.json"
        if not path.exists():
            write_bytes_atomic(path, data)

    def save(self) -> None:
        """Write the state atomically (the last step of every run), then the small poll summary."""
        write_bytes_atomic(self.path, json.dumps(self.data, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
        # Written after the state, so it is never newer than it: a stale summary only costs a full pull.
        poll = {
            "heads": self.data["heads"],
            "pending": self.data["pending"],
            "conflicts": self.data["conflicts"],
            "held": self.data["held"],
            "local_edits": self.data["local_edits"],
        }
        write_bytes_atomic(self.path.with_name("poll.json"), json.dumps(poll, ensure_ascii=False).encode("utf-8"))

    @staticmethod
    def load_poll(content_root: Path, share_id: str, home: Path | None = None) -> dict | None:
        """The heads/pending/conflicts summary of the last run, without parsing the (large) base."""
        path = client_dir(content_root, home) / "shares" / share_id / "poll.json"
        try:
            data = read_bounded_or_none(path, _STATE_LIMIT)
            raw = load_json(data) if data is not None else None
        except (OSError, ParseError):
            return None
        ok = isinstance(raw, dict) and isinstance(raw.get("heads"), dict) and isinstance(raw.get("conflicts"), dict)
        if not ok or not isinstance(raw, dict):
            return None
        raw["conflicts"] = nfc_keys(raw["conflicts"])
        raw["held"] = raw.get("held") if isinstance(raw.get("held"), dict) else {}
        raw["local_edits"] = [p for p in raw.get("local_edits") or [] if isinstance(p, str)]
        return raw
