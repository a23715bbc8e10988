"""Every saved, submitted, approved, restored and deleted version of an item, kept immutably.

Layout under $ZHIDA_HOME/authoring/<root-key>/:
    versions.jsonl      one line per version: {time, path, items, hash, action, author, note}; the line number is the id
    objects/ab/<sha256> the text of each version, named by its hash (written once, verified on read)

Append-only: nothing here is ever rewritten or deleted, so "restore" is a new version whose text is an old one.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import time
from dataclasses import dataclass, field
from pathlib import Path

from app.core.authoring.paths import authoring_dir
from app.core.fileio.atomic import fsync_file, write_bytes_atomic

SAVED, SUBMITTED, APPROVED, REJECTED, RESTORED, DELETED, OUTSIDE = (
    "saved",
    "submitted",
    "approved",
    "rejected",
    "restored",
    "deleted",
    "outside-edit",
)
ACTION_LABELS = {
    SAVED: "保存",
    SUBMITTED: "提交审核",
    APPROVED: "批准发布",
    REJECTED: "驳回",
    RESTORED: "恢复",
    DELETED: "删除",
    OUTSIDE: "外部修改",
}


@dataclass(frozen=True)
class Version:
    """One kept version of a file; `hash` is '' for a deletion."""

    id: int
    time: float
    path: str
    hash: str
    action: str
    author: str = ""
    note: str = ""
    items: tuple[str, ...] = field(default_factory=tuple)

    def as_dict(self) -> dict:
        """JSON form for `zhida history --json` and the UI."""
        return {
            "id": self.id,
            "time": self.time,
            "path": self.path,
            "items": list(self.items),
            "hash": self.hash,
            "action": self.action,
            "author": self.author,
            "note": self.note,
        }

    @property
    def label(self) -> str:
        """The action in Chinese."""
        return ACTION_LABELS.get(self.action, self.action)


class VersionStore:
    """The append-only version log of one content root on this client."""

    def __init__(self, content_root: Path, home: Path | None = None):
        self.dir = authoring_dir(content_root, home)
        self.log = self.dir / "versions.jsonl"

    def _object(self, digest: str) -> Path:
        return self.dir / "objects" / digest[:2] / digest

    def put(self, text: str) -> str:
        """Keep a text by its hash (not rewritten when an intact copy exists); returns the hash."""
        data = text.encode("utf-8")
        digest = hashlib.sha256(data).hexdigest()
        path = self._object(digest)
        if self.text_of(digest) is None:
            write_bytes_atomic(path, data)
        return digest

    def text_of(self, digest: str) -> str | None:
        """A kept text, verified against its hash; None when absent or damaged."""
        if not digest:
            return None
        try:
            data = self._object(digest).read_bytes()
        except OSError:
            return None
        if hashlib.sha256(data).hexdigest() != digest:
            return None
        return data.decode("utf-8", errors="replace")

    def record(
        self, path: str, text: str | None, action: str, author: str = "", note: str = "", items: tuple[str, ...] = ()
    ) -> Version:
        """Keep `text` (None: the file was deleted) as a new version; the text is stored before the log line."""
        digest = self.put(text) if text is not None else ""
        now = time.time()
        line = json.dumps(
            {
                "time": now,
                "path": path,
                "items": list(items),
                "hash": digest,
                "action": action,
                "author": author,
                "note": note,
            },
            ensure_ascii=False,
        )
        self.dir.mkdir(parents=True, exist_ok=True)
        with open(self.log, "a", encoding="utf-8") as fh:
            fh.write(line + "\n")
            fh.flush()
            fsync_file(fh)
        with open(self.log, encoding="utf-8") as fh:
            number = sum(1 for _ in fh)
        return Version(number, now, path, digest, action, author, note, tuple(items))

    def versions(self, path: str | None = None, item: str | None = None) -> list[Version]:
        """Every version, oldest first (ids are line numbers), optionally only one file's or one item's."""
        try:
            lines = self.log.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            return []
        found: list[Version] = []
        for number, line in enumerate(lines, 1):
            try:
                raw = json.loads(line)
                version = Version(
                    number,
                    float(raw["time"]),
                    str(raw["path"]),
                    str(raw["hash"]),
                    str(raw["action"]),
                    str(raw.get("author", "")),
                    str(raw.get("note", "")),
                    tuple(str(i) for i in raw.get("items") or ()),
                )
            except (ValueError, KeyError, TypeError):
                continue  # a line cut short by a crash
            if (path is None or version.path == path) and (item is None or item in version.items):
                found.append(version)
        return found

    def get(self, version_id: int) -> Version | None:
        """One version by id."""
        return next((v for v in self.versions() if v.id == version_id), None)

    def latest_hash(self, path: str) -> str | None:
        """The hash of the newest version kept for `path` ('' when that was a deletion), None when none."""
        kept = self.versions(path)
        return kept[-1].hash if kept else None


@dataclass(frozen=True)
class DiffRow:
    """One row of a side-by-side comparison: left and right line (None when absent) and what happened."""

    left: str | None
    right: str | None
    kind: str  # same | changed | removed | added


def side_by_side(old: str, new: str) -> list[DiffRow]:
    """Two texts aligned line by line for a side-by-side view with changed lines marked."""
    a, b = old.splitlines(), new.splitlines()
    rows: list[DiffRow] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            rows.extend(DiffRow(a[i], b[j], "same") for i, j in zip(range(i1, i2), range(j1, j2)))
        elif tag == "replace":
            for k in range(max(i2 - i1, j2 - j1)):
                left = a[i1 + k] if i1 + k < i2 else None
                right = b[j1 + k] if j1 + k < j2 else None
                rows.append(
                    DiffRow(
                        left,
                        right,
                        "changed"
                        if left is not None and right is not None
                        else "removed"
                        if right is None
                        else "added",
                    )
                )
        elif tag == "delete":
            rows.extend(DiffRow(a[i], None, "removed") for i in range(i1, i2))
        else:
            rows.extend(DiffRow(None, b[j], "added") for j in range(j1, j2))
    return rows


def unified(old: str, new: str, old_name: str = "a", new_name: str = "b") -> str:
    """A unified diff of two texts (for the command line)."""
    return "".join(difflib.unified_diff(old.splitlines(True), new.splitlines(True), fromfile=old_name, tofile=new_name))
