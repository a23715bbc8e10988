"""Review mode for a share: before `sync --publish`, edits to published items become pending revisions.

The sync engine publishes whatever differs from its base. With review on, the caller runs
`divert_for_review` first: every local change to a live text (a published article, a script file —
edited in the workbench's absence, e.g. in an outside editor) is kept in the version store, proposed as
a revision, and the live text is put back in the file, so the engine publishes nothing live. Texts a
reviewer approved pass through. Drafts and library files (rules, templates …) are not items and flow as
before. Read-only use of sync: the state file, the local scan, the share's objects; no engine edit.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from app.core.authoring.live import as_draft, is_article, is_live, items_of
from app.core.authoring.review import ReviewSettings, Revision, share_area, write_settings
from app.core.authoring.versions import SAVED, SUBMITTED
from app.core.authoring.workflow import Authoring
from app.core.fileio.limits import DEFAULT_LIMITS
from app.core.sync.report import SyncReport
from app.core.sync.scan import scan_local
from app.core.sync.share import Share, ShareError
from app.core.sync.store import LocalStore, client_dir

ITEM_SUFFIXES = (".md", ".yaml", ".yml")
MAX_STATE = 512 * 1024 * 1024


@dataclass
class Diversion:
    """What the diversion did before a publish; `failed` means: do not publish this run."""

    revisions: list[Revision] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    failed: str | None = None


def enable_review(share: Path, self_approval: bool = False) -> None:
    """Turn review on for a share (`zhida sync --init --review`, `zhida review settings --review on`)."""
    Share(share).check_marker()
    write_settings(share_area(share), ReviewSettings(review=True, self_approval=self_approval))


def _base(root: Path, share_id: str, home: Path | None) -> tuple[dict, dict, dict]:
    """(base, stat cache, conflicts) from sync's saved state, read only (a missing state: no base)."""
    path = client_dir(root, home) / "shares" / share_id / "state.json"
    try:
        if path.stat().st_size > MAX_STATE:
            return {}, {}, {}
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}, {}, {}
    if not isinstance(raw, dict):
        return {}, {}, {}
    pick: list[dict] = [raw[k] if isinstance(raw.get(k), dict) else {} for k in ("base", "stat", "conflicts")]
    return pick[0], dict(pick[1]), pick[2]


def _text(data: bytes | None) -> str | None:
    if data is None:
        return None
    try:
        return data.decode("utf-8-sig").replace("\r\n", "\n")
    except UnicodeDecodeError:
        return None


def divert_for_review(root: Path, share: Path, home: Path | None = None) -> Diversion:
    """Turn local edits of live items into pending revisions and put the live text back (review on only)."""
    root, result = Path(root), Diversion()
    authoring = Authoring(root, home, share)
    if not authoring.review_on:
        return result
    try:
        share_obj = Share(share)
        share_id = share_obj.check_marker()
    except ShareError:
        return result  # the engine reports the missing share itself
    heads, _ = share_obj.read_heads()
    if not heads:
        return result  # the first publication seeds an empty share: that content is the published baseline
    base, stat_cache, conflicts = _base(root, share_id, home)
    names: dict[str, str] = {}
    local, _, _ = scan_local(root, stat_cache, names)
    store = LocalStore(root, home)
    paths = {p for p in local if p.lower().endswith(ITEM_SUFFIXES)}
    paths |= {p for p, e in base.items() if isinstance(e, dict) and e.get("h") and p.lower().endswith(ITEM_SUFFIXES)}
    for rel in sorted(paths):
        if rel in conflicts:
            continue  # a conflict waits for a decision; the engine will not publish it
        base_hash = base.get(rel, {}).get("h") if isinstance(base.get(rel), dict) else None
        local_hash = local.get(rel)
        if local_hash == base_hash:
            continue
        disk = names.get(rel, rel)
        local_text = _text((root / disk).read_bytes()) if local_hash else None
        base_text = None
        if base_hash:
            base_text = authoring.versions.text_of(base_hash) or _text(store.get(base_hash))
            if base_text is None:
                base_text = _text(share_obj.read_object(base_hash, DEFAULT_LIMITS.for_path(rel)))
            if base_text is None:
                result.failed = f"{rel}: the published text is not available to keep it live; not publishing"
                return result
        if local_hash and local_hash in authoring.board.approved_hashes(rel):
            continue  # approved by a reviewer: publish it
        if not is_live(rel, base_text) and not is_live(rel, local_text):
            continue  # a draft or a library file: not an item under review
        items, title = items_of(rel, local_text if local_text is not None else base_text)
        if local_text is not None:
            authoring.versions.record(rel, local_text, SAVED, authoring.me, "外部修改(发布前转为待审核)", items)
        authoring.versions.record(rel, local_text, SUBMITTED, authoring.me, "sync --publish", items)
        keep = base_text if is_live(rel, base_text) else None
        if keep is None and local_text is not None and is_article(rel):
            keep = as_draft(local_text)  # a new article waits on disk as a draft
        revision = authoring.board.submit(rel, base_hash, local_text, items, title, "发布时自动转为待审核(review on)")
        try:
            authoring._write(disk, keep)
        except OSError as exc:
            result.failed = f"{rel}: could not put the published text back ({exc}); not publishing"
            return result
        result.revisions.append(revision)
        what = "删除" if local_text is None else "修改"
        result.notes.append(
            f"{rel}: 已发布条目的{what}已转为待审核修订 {revision.id},坐席仍看到已发布版本,"
            f"另一位知识管理员批准后发布 (review on: kept as pending revision {revision.id})"
        )
    return result


def reviewed_sync(
    run: Callable[..., SyncReport], root: Path, share: Path, *, publish: bool, home: Path | None = None, **options
) -> SyncReport:
    """`run(root, share, publish=…, home=…, **options)` (the engine's `sync`) with review mode applied first.

    Pending revisions and decisions are copied to the share's review area after the run, so managers see them.
    """
    diversion = divert_for_review(root, share, home) if publish else Diversion()
    report = run(root, share, publish=publish and diversion.failed is None, home=home, **options)
    report.notices.extend(diversion.notes)
    if diversion.failed:
        report.notices.append(f"review: {diversion.failed}")
    if publish:
        try:
            Authoring(root, home, share).board.flush()
        except OSError as exc:
            report.notices.append(f"review: pending revisions not copied to the share ({exc})")
    return report
