"""The review store: pending revisions, decisions and the team's review settings, without a server.

An edit to a published item (or a draft put up for publication) becomes a *revision*: the proposed file
text (None: delete the file) plus the hash of the file it was based on. A second 知识管理员 approves or
rejects it with a comment. Everything is a small JSON file with one writer:

    <area>/settings.json                          {"review": bool, "self_approval": bool}  (team setting)
    <area>/<publisher>/revisions/<id>.json        written only by the author
    <area>/<publisher>/decisions/<id>.json        written only by the reviewer who decided

The *area* is the share's `.zhida/review/` (agents never read it; sync's engine never touches it) and,
on each manager's own machine, `$ZHIDA_HOME/authoring/<root-key>/review/`, where a manager's own
files are written first and copied to the share when it is reachable (`flush`, at save and at publish).
A decision counts only for the exact text it saw (`text_hash`): a revision edited after a decision is
pending again. Share files are untrusted: regular files only, size-limited, names checked, JSON checked.
Share files are read with fileio.bounded and written with the share folder's group bits (fileio.atomic).
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

from app.core.authoring.paths import NAME, authoring_dir, identity, sha256_text
from app.core.fileio.atomic import shared_modes, write_bytes_atomic, write_text_atomic
from app.core.fileio.bounded import ParseError, UnsafeFileError, read_bounded, read_bounded_or_none, read_json
from app.core.vocab import APPROVED, PENDING, REJECTED, WITHDRAWN

MAX_FILE = 4 * 1024 * 1024  # a revision holds one file's text; anything larger is not ours
MAX_FILES = 20_000  # per publisher folder: a listing beyond this is refused, not read
FORMAT = 1


class ReviewError(Exception):
    """A review action that cannot be done (unknown id, self-approval not allowed, stale base …)."""


@dataclass(frozen=True)
class ReviewSettings:
    """The team's review setting: on for a share with `--review`; self-approval for small teams."""

    review: bool = False
    self_approval: bool = False


@dataclass(frozen=True)
class Decision:
    """A reviewer's verdict on one revision text."""

    revision: str
    verdict: str  # approved | rejected
    by: str
    comment: str
    time: float
    text_hash: str


@dataclass(frozen=True)
class Revision:
    """A proposed change of one file, waiting for (or past) review."""

    id: str
    path: str
    author: str
    base_hash: str | None  # the file it was based on (None: the file did not exist)
    text: str | None  # the proposed text (None: delete the file)
    created: float
    updated: float
    items: tuple[str, ...] = ()
    title: str = ""
    note: str = ""
    withdrawn: bool = False
    decision: Decision | None = field(default=None, compare=False)

    @property
    def text_hash(self) -> str:
        """The hash of the proposed text ('' for a deletion)."""
        return sha256_text(self.text) if self.text is not None else ""

    @property
    def state(self) -> str:
        """pending | approved | rejected | withdrawn."""
        if self.withdrawn:
            return WITHDRAWN
        return self.decision.verdict if self.decision is not None else PENDING

    def as_dict(self) -> dict:
        """The JSON form of the revision file (without the derived decision)."""
        return {
            "format": FORMAT,
            "id": self.id,
            "path": self.path,
            "author": self.author,
            "base_hash": self.base_hash,
            "text": self.text,
            "created": self.created,
            "updated": self.updated,
            "items": list(self.items),
            "title": self.title,
            "note": self.note,
            "withdrawn": self.withdrawn,
        }

    def summary(self) -> dict:
        """The JSON form `zhida review list --json` prints (no text)."""
        decision = self.decision
        return {
            "id": self.id,
            "path": self.path,
            "items": list(self.items),
            "title": self.title,
            "author": self.author,
            "state": self.state,
            "created": self.created,
            "updated": self.updated,
            "delete": self.text is None,
            "note": self.note,
            "decided_by": decision.by if decision else None,
            "comment": decision.comment if decision else "",
        }


def read_json_file(path: Path, limit: int = MAX_FILE, root: Path | None = None) -> dict | None:
    """A small JSON object from an untrusted folder (fileio.bounded: a regular file, no link, size- and
    depth-limited, inside `root`); None otherwise."""
    try:
        raw = read_json(path, limit, root=root, follow_links=False)
    except (OSError, ParseError):
        return None
    return raw if isinstance(raw, dict) else None


def _revision(raw: dict, publisher: str) -> Revision | None:
    try:
        text = raw.get("text")
        base = raw.get("base_hash")
        rev = Revision(
            id=str(raw["id"]),
            path=str(raw["path"]),
            author=publisher,  # the folder it was found in names the author, whatever the file claims
            base_hash=str(base) if base else None,
            text=text if isinstance(text, str) else None,
            created=float(raw["created"]),
            updated=float(raw.get("updated", raw["created"])),
            items=tuple(str(i) for i in raw.get("items") or ())[:50],
            title=str(raw.get("title", ""))[:200],
            note=str(raw.get("note", ""))[:2000],
            withdrawn=bool(raw.get("withdrawn", False)),
        )
    except (KeyError, TypeError, ValueError):
        return None
    parts = rev.path.split("/")
    if not NAME.match(rev.id) or parts[0] not in ("kb", "scripts_library") or ".." in parts or "" in parts:
        return None
    return rev


def _decision(raw: dict, publisher: str) -> Decision | None:
    try:
        verdict = str(raw["verdict"])
        if verdict not in (APPROVED, REJECTED):
            return None
        return Decision(
            str(raw["revision"]),
            verdict,
            publisher,
            str(raw.get("comment", ""))[:2000],
            float(raw["time"]),
            str(raw.get("text_hash", "")),
        )
    except (KeyError, TypeError, ValueError):
        return None


class _Area:
    """One review area folder (the share's or this machine's)."""

    def __init__(self, path: Path):
        self.path = path

    def publishers(self) -> list[str]:
        try:
            names = sorted(os.listdir(self.path))
        except OSError:
            return []
        return [n for n in names if NAME.match(n) and (self.path / n).is_dir() and not (self.path / n).is_symlink()]

    def files(self, publisher: str, kind: str) -> list[Path]:
        folder = self.path / publisher / kind
        try:
            names = os.listdir(folder)
        except OSError:
            return []
        if len(names) > MAX_FILES:
            return []
        return [folder / n for n in sorted(names) if n.endswith(".json") and NAME.match(n[:-5])]

    def settings(self) -> ReviewSettings | None:
        raw = read_json_file(self.path / "settings.json", 64 * 1024, self.path)
        if raw is None:
            return None
        return ReviewSettings(bool(raw.get("review", False)), bool(raw.get("self_approval", False)))


def share_area(share: Path) -> Path:
    """The review area of a share."""
    return Path(share) / ".zhida" / "review"


def write_settings(area: Path, settings: ReviewSettings) -> None:
    """Turn review (and self-approval) on or off for everyone using this area."""
    data = json.dumps({"review": settings.review, "self_approval": settings.self_approval}).encode("utf-8")
    modes = shared_modes(area)
    write_bytes_atomic(area / "settings.json", data, mode=modes.file, dir_mode=modes.dir)


class ReviewBoard:
    """The revisions and decisions this manager can see: their own (local first) and the share's."""

    def __init__(self, content_root: Path, home: Path | None = None, share: Path | None = None):
        self.root = Path(content_root)
        self.home = home
        self.me = identity(home)
        self.local = _Area(authoring_dir(self.root, home) / "review")
        self.share = _Area(share_area(share)) if share is not None and (Path(share) / ".zhida").is_dir() else None

    # -- settings ----------------------------------------------------------------------------------
    def settings(self) -> ReviewSettings:
        """The share's review setting when there is a share, else this machine's (review off by default)."""
        found = self.share.settings() if self.share is not None else None
        if found is None:
            found = self.local.settings()
        return found or ReviewSettings()

    def set_settings(self, settings: ReviewSettings) -> None:
        """Write the review setting where the team reads it (the share when there is one)."""
        write_settings((self.share or self.local).path, settings)

    # -- reading -----------------------------------------------------------------------------------
    def revisions(self) -> list[Revision]:
        """Every revision visible here with its decision, newest first; this client's own copy wins."""
        found: dict[str, Revision] = {}
        decisions: dict[str, list[Decision]] = {}
        for area in (a for a in (self.share, self.local) if a is not None):
            for publisher in area.publishers():
                for path in area.files(publisher, "revisions"):
                    raw = read_json_file(path, MAX_FILE, area.path)
                    rev = _revision(raw, publisher) if raw else None
                    if rev is not None and rev.id == path.stem:
                        old = found.get(rev.id)
                        if old is None or rev.updated >= old.updated:
                            found[rev.id] = rev
                for path in area.files(publisher, "decisions"):
                    raw = read_json_file(path, 64 * 1024, area.path)
                    decision = _decision(raw, publisher) if raw else None
                    if decision is not None and decision.revision == path.stem:
                        decisions.setdefault(decision.revision, []).append(decision)
        self_ok = self.settings().self_approval
        result = []
        for rev in found.values():
            # Only a verdict on this exact text counts, and the author's own only where self-approval is allowed.
            matching = sorted(
                (
                    d
                    for d in decisions.get(rev.id, [])
                    if d.text_hash == rev.text_hash and (d.by != rev.author or self_ok)
                ),
                key=lambda d: d.time,
            )
            result.append(replace(rev, decision=matching[0] if matching else None))
        return sorted(result, key=lambda r: -r.updated)

    def get(self, revision_id: str) -> Revision:
        """One revision by id (a unique prefix is enough); ReviewError when unknown or ambiguous."""
        revisions = self.revisions()
        exact = [r for r in revisions if r.id == revision_id]
        matches = exact or [r for r in revisions if r.id.startswith(revision_id)]
        if not matches:
            raise ReviewError(f"{revision_id}: no such revision / 没有这个待审修订 (zhida review list)")
        if len(matches) > 1:
            raise ReviewError(f"{revision_id}: matches {len(matches)} revisions; give more of the id")
        return matches[0]

    def pending(self) -> list[Revision]:
        """Revisions waiting for a decision."""
        return [r for r in self.revisions() if r.state == PENDING]

    def pending_for(self, path: str) -> Revision | None:
        """The newest pending revision of one file, if any."""
        return next((r for r in self.pending() if r.path == path), None)

    def approved_hashes(self, path: str) -> set[str]:
        """Texts of `path` that a reviewer approved: writing one of them live is not an unreviewed edit."""
        return {r.text_hash for r in self.revisions() if r.path == path and r.state == APPROVED}

    # -- writing (only this client's own folder) ----------------------------------------------------
    def _write(self, kind: str, name: str, data: dict) -> None:
        text = json.dumps(data, ensure_ascii=False, indent=1)
        write_text_atomic(self.local.path / self.me / kind / f"{name}.json", text)
        self.flush()

    def submit(
        self,
        path: str,
        base_hash: str | None,
        text: str | None,
        items: tuple[str, ...] = (),
        title: str = "",
        note: str = "",
    ) -> Revision:
        """Propose `text` for `path` (None: delete it); an own pending revision of the same file is updated."""
        now = time.time()
        mine = next(
            (r for r in self.revisions() if r.path == path and r.author == self.me and r.state == PENDING), None
        )
        if mine is not None:
            rev = replace(mine, text=text, updated=now, items=items or mine.items, title=title or mine.title, note=note)
        else:
            digest = hashlib.sha256(f"{self.me}\n{path}\n{now}".encode()).hexdigest()[:8]
            rev = Revision(f"r{digest}", path, self.me, base_hash, text, now, now, items, title, note)
        self._write("revisions", rev.id, rev.as_dict())
        return replace(rev, decision=None)

    def withdraw(self, revision_id: str) -> Revision:
        """The author takes a pending revision back."""
        rev = self.get(revision_id)
        if rev.author != self.me:
            raise ReviewError(f"{rev.id}: only its author {rev.author} can withdraw it")
        rev = replace(rev, withdrawn=True, updated=time.time(), decision=None)
        self._write("revisions", rev.id, rev.as_dict())
        return rev

    def decide(self, revision_id: str, verdict: str, comment: str = "") -> Revision:
        """Record a verdict (approved | rejected) on the revision's current text; the caller applies approvals."""
        rev = self.get(revision_id)
        if rev.state != PENDING:
            raise ReviewError(f"{rev.id}: already {rev.state} / 已处理")
        if rev.author == self.me and not self.settings().self_approval:
            raise ReviewError(
                f"{rev.id}: a second 知识管理员 must review it "
                "(self-approval is off for this team / 需另一位知识管理员审核)"
            )
        decision = Decision(rev.id, verdict, self.me, comment, time.time(), rev.text_hash)
        self._write(
            "decisions",
            rev.id,
            {
                "format": FORMAT,
                "revision": rev.id,
                "verdict": verdict,
                "comment": comment,
                "time": decision.time,
                "text_hash": decision.text_hash,
            },
        )
        return replace(rev, decision=decision)

    def flush(self) -> int:
        """Copy this client's own review files to the share (when reachable); returns how many were copied."""
        if self.share is None:
            return 0
        copied = 0
        for kind in ("revisions", "decisions"):
            for path in self.local.files(self.me, kind):
                target = self.share.path / self.me / kind / path.name
                try:
                    data = read_bounded(path, MAX_FILE)
                    if _share_copy(target, self.share.path) != data:
                        modes = shared_modes(self.share.path)
                        write_bytes_atomic(target, data, mode=modes.file, dir_mode=modes.dir)
                        copied += 1
                except OSError:
                    return copied  # the share went away: the next save or publish copies the rest
        return copied


def _share_copy(target: Path, area: Path) -> bytes | None:
    """What the share holds at `target` (None: nothing, or nothing usable that the copy should not replace)."""
    try:
        return read_bounded_or_none(target, MAX_FILE, root=area, follow_links=False)
    except UnsafeFileError:
        return None
