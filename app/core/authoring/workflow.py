"""Saving, reviewing, deleting and restoring items: the one place the workbench and the CLI change files.

Saving loses nothing: the file is written atomically, only when it still holds what the editor opened
(else `OutsideEdit` with the text on disk, for a compare/merge prompt), and every version is kept in the
version store first. With review on (a team setting), nothing agents can see changes without a second
知识管理员: a save that would change a live text (a published article, a script file) becomes a pending
revision and the file keeps its live text; an approval writes the revision's text.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

from app.core.authoring.live import as_draft, is_article, is_live, items_of
from app.core.authoring.review import ReviewBoard, ReviewError, ReviewSettings, Revision
from app.core.authoring.versions import APPROVED, DELETED, REJECTED, RESTORED, SAVED, SUBMITTED, VersionStore
from app.core.fileio.atomic import write_bytes_atomic
from app.core.fileio.textio import UndecodableError, normalize_newlines, read_text
from app.core.paths import is_within
from app.core.vocab import PUBLISHED

SAVED_LIVE, SAVED_AS_REVISION = "saved", "revision"


class OutsideEdit(Exception):
    """The file changed on disk since the editor opened it: nothing was written."""

    def __init__(self, rel: str, disk_text: str | None, disk_hash: str | None):
        super().__init__(f"{rel}: changed outside the app since it was opened / 文件已在外部被修改")
        self.rel = rel
        self.disk_text = disk_text
        self.disk_hash = disk_hash


class PathRefused(ValueError):
    """A path outside kb/ or scripts_library/ of the content root."""


@dataclass
class SaveResult:
    """What a save did: wrote the file (`saved`) or proposed a revision (`revision`)."""

    kind: str
    rel: str
    hash: str | None
    revision: Revision | None = None
    notes: list[str] = field(default_factory=list)


def bytes_hash(data: bytes) -> str:
    """The hash sync and the version store use for a file's bytes."""
    return hashlib.sha256(data).hexdigest()


class Authoring:
    """Files, versions and reviews of one content root for one manager (this $ZHIDA_HOME)."""

    def __init__(self, content_root: Path, home: Path | None = None, share: Path | None = None):
        self.root = Path(content_root)
        self.home = home
        self.share = Path(share) if share else None
        self.versions = VersionStore(self.root, home)
        self.board = ReviewBoard(self.root, home, self.share)
        self.me = self.board.me
        self.written: dict[str, str] = {}  # rel → hash of what this app wrote last (the watcher ignores those)

    # -- files ---------------------------------------------------------------------------------------
    def path(self, rel: str) -> Path:
        """The file for a content-relative path; PathRefused when it would leave kb/ or scripts_library/."""
        parts = Path(rel).parts
        if Path(rel).is_absolute() or ".." in parts or not parts or parts[0] not in ("kb", "scripts_library"):
            raise PathRefused(f"{rel}: not a path under kb/ or scripts_library/")
        full = self.root / rel
        if not is_within(full.parent if not full.exists() else full, self.root):
            raise PathRefused(f"{rel}: leads outside the content root")
        return full

    def read(self, rel: str) -> tuple[str | None, str | None]:
        """(text, hash of the bytes) of a file, or (None, None) when it does not exist."""
        full = self.path(rel)
        try:
            data = full.read_bytes()
        except FileNotFoundError:
            return None, None
        try:
            text = normalize_newlines(read_text(full).text)
        except UndecodableError:
            text = data.decode("utf-8", errors="replace")
        return text, bytes_hash(data)

    def _write(self, rel: str, text: str | None) -> str | None:
        full = self.path(rel)
        if text is None:
            try:
                os.unlink(full)
            except FileNotFoundError:
                pass
            self.written[rel] = ""
            return None
        data = text.encode("utf-8")
        write_bytes_atomic(full, data)
        digest = bytes_hash(data)
        self.written[rel] = digest
        return digest

    # -- settings ------------------------------------------------------------------------------------
    def settings(self) -> ReviewSettings:
        """The team's review setting (the share's when there is one)."""
        return self.board.settings()

    @property
    def review_on(self) -> bool:
        """True when edits to live items need a second manager."""
        return self.settings().review

    # -- saving --------------------------------------------------------------------------------------
    def save(self, rel: str, text: str, expected_hash: str | None, note: str = "", action: str = SAVED) -> SaveResult:
        """Save an editor's text; `expected_hash` is the hash of the file the editor opened (None: a new file)."""
        disk_text, disk_hash = self.read(rel)
        if disk_hash != expected_hash and disk_text != text:
            raise OutsideEdit(rel, disk_text, disk_hash)
        items, title = items_of(rel, text)
        if self.review_on and (is_live(rel, disk_text) or is_live(rel, text)):
            return self._propose(rel, text, disk_text, disk_hash, items, title, note)
        self.versions.record(rel, text, action, self.me, note, items)
        digest = self._write(rel, text)
        return SaveResult(SAVED_LIVE, rel, digest)

    def _propose(
        self,
        rel: str,
        text: str | None,
        disk_text: str | None,
        disk_hash: str | None,
        items: tuple[str, ...],
        title: str,
        note: str,
    ) -> SaveResult:
        """Keep the live text on disk and put `text` up for review (a new live article stays on disk as a draft)."""
        result = SaveResult(SAVED_AS_REVISION, rel, disk_hash)
        if not is_live(rel, disk_text) and text is not None and is_article(rel):
            draft = as_draft(text)
            if draft != disk_text:
                self.versions.record(rel, draft, SAVED, self.me, note, items)
                result.hash = disk_hash = self._write(rel, draft)
                result.notes.append("文章以草稿保存,批准后发布")
        self.versions.record(rel, text, SUBMITTED, self.me, note, items)
        result.revision = self.board.submit(rel, disk_hash, text, items, title, note)
        return result

    def submit(self, rel: str, text: str | None = None, note: str = "") -> SaveResult:
        """Put a draft up for publication (待审核): its text with `status: published` goes to review."""
        from app.core.authoring.forms import article_form, article_text

        disk_text, disk_hash = self.read(rel)
        proposed = text if text is not None else disk_text
        if proposed is None:
            raise ReviewError(f"{rel}: no such file")
        if is_article(rel):
            form = article_form(proposed)
            form.status = PUBLISHED
            proposed = article_text(form, proposed)
        items, title = items_of(rel, proposed)
        if not self.review_on:
            return self.save(rel, proposed, disk_hash, note)
        return self._propose(rel, proposed, disk_text, disk_hash, items, title, note)

    def delete(self, rel: str, expected_hash: str | None, note: str = "") -> SaveResult:
        """Delete a file to history (restorable); with review on, deleting a live item is a revision."""
        disk_text, disk_hash = self.read(rel)
        if disk_hash != expected_hash:
            raise OutsideEdit(rel, disk_text, disk_hash)
        items, title = items_of(rel, disk_text)
        if self.review_on and is_live(rel, disk_text):
            return self._propose(rel, None, disk_text, disk_hash, items, title, note or "删除")
        if disk_text is not None:
            self.versions.record(rel, disk_text, SAVED, self.me, "删除前的版本", items)
        self.versions.record(rel, None, DELETED, self.me, note, items)
        self._write(rel, None)
        return SaveResult(SAVED_LIVE, rel, None)

    def restore(self, version_id: int, expected_hash: str | None = None) -> SaveResult:
        """Make an old version the newest: saved (or proposed) as a new version; the current one is kept."""
        version = self.versions.get(version_id)
        if version is None:
            raise ReviewError(f"version {version_id}: no such version / 没有这个版本")
        text = self.versions.text_of(version.hash) if version.hash else None
        if version.hash and text is None:
            raise ReviewError(f"version {version_id}: its text is missing from the version store")
        disk_text, disk_hash = self.read(version.path)
        if expected_hash is not None and disk_hash != expected_hash:
            raise OutsideEdit(version.path, disk_text, disk_hash)
        note = f"恢复自版本 {version_id}"
        if text is None:
            return self.delete(version.path, disk_hash, note)
        if disk_text is not None and self.versions.latest_hash(version.path) != bytes_hash(disk_text.encode("utf-8")):
            self.versions.record(
                version.path, disk_text, SAVED, self.me, "恢复前的版本", items_of(version.path, disk_text)[0]
            )
        return self.save(version.path, text, disk_hash, note, action=RESTORED)

    # -- reviewing -----------------------------------------------------------------------------------
    def approve(self, revision_id: str, comment: str = "") -> Revision:
        """Approve a pending revision and write its text into the content root (the next publish shares it)."""
        rev = self.board.get(revision_id)
        disk_text, disk_hash = self.read(rev.path)
        live_changed = (
            is_live(rev.path, disk_text) and disk_hash != rev.base_hash and disk_hash != (rev.text_hash or None)
        )
        if live_changed:
            raise ReviewError(
                f"{rev.id}: {rev.path} changed since the revision was made; ask {rev.author} to resubmit "
                "on the current version / 已发布版本在提交后有变化,请作者在最新版本上重新提交"
            )
        rev = self.board.decide(rev.id, APPROVED, comment)
        if disk_text is not None and disk_text != rev.text:
            self.versions.record(rev.path, disk_text, SAVED, self.me, "批准前的版本", items_of(rev.path, disk_text)[0])
        self.versions.record(
            rev.path, rev.text, APPROVED if rev.text is not None else DELETED, self.me, comment, rev.items
        )
        self._write(rev.path, rev.text)
        return rev

    def reject(self, revision_id: str, comment: str) -> Revision:
        """Reject a pending revision with a comment for its author; nothing in the content root changes."""
        if not comment.strip():
            raise ReviewError("a rejection needs a comment for the author / 驳回需要写明原因")
        rev = self.board.decide(revision_id, REJECTED, comment.strip())
        self.versions.record(rev.path, rev.text, REJECTED, self.me, comment, rev.items)
        return rev

    def text_for_editing(self, rel: str) -> tuple[str | None, str | None, Revision | None]:
        """(text, disk hash, own pending revision): an item with a pending revision of mine opens at that text."""
        disk_text, disk_hash = self.read(rel)
        mine = next(
            (r for r in self.board.pending() if r.path == rel and r.author == self.me and r.text is not None), None
        )
        return (mine.text if mine else disk_text), disk_hash, mine
