"""Decisions after a sync: list conflicts, show both texts, keep mine/theirs/a merge, restore from history
(one version or a whole batch), and an agent's stray local edits of team files with one way back to the
team version. Every decision holds the client lock (`sync.lock`), so it waits for a running sync instead
of racing it: call these off the UI thread.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from app.core.fileio.atomic import write_bytes_atomic
from app.core.fileio.limits import DEFAULT_LIMITS
from app.core.paths import is_within
from app.core.sync.report import Conflict, conflicts_of
from app.core.sync.scan import local_path, read_or_none, scan_local
from app.core.sync.share import Share, nfc, unsafe_path_reason
from app.core.sync.store import LocalStore, SyncState, locked

DECISION_WAIT = 120.0  # a decision waits this long for a running sync (it runs on a worker, never the UI thread)


def _open_state(content_root: Path, share_dir: Path | str, home: Path | None) -> SyncState:
    share = Share(share_dir)
    return SyncState.load(content_root, share.check_marker(), home)


def pending_conflicts(content_root: Path | str, share_dir: Path | str, home: Path | None = None) -> list[Conflict]:
    """Conflicts waiting for a decision (as recorded by the last sync)."""
    root = Path(content_root)
    return conflicts_of(root, _open_state(root, share_dir, home).data["conflicts"])


def conflict_texts(content_root: Path | str, conflict: Conflict, home: Path | None = None) -> tuple[str, str]:
    """(mine, theirs) as text for the conflict dialog; mine is read from the content root now."""
    from app.core.fileio.textio import UndecodableError, decode_bytes

    def text(data: bytes | None) -> str:
        if data is None:
            return ""
        try:
            return decode_bytes(data).text
        except UndecodableError as exc:
            return f"<{exc}>"

    root = Path(content_root)
    mine = read_or_none(local_path(root, conflict.path))
    theirs = LocalStore(root, home).get(conflict.theirs_hash)
    return text(mine), text(theirs)


def resolve_conflict(
    content_root: Path | str,
    share_dir: Path | str,
    rel: str,
    choice: str,
    merged: str | None = None,
    home: Path | None = None,
) -> None:
    """Settle a conflict: choice "mine", "theirs" or "merged" (with `merged` text); the next sync publishes it."""
    with locked(Path(content_root), home, DECISION_WAIT, "resolve"):
        _resolve(Path(content_root), share_dir, rel, choice, merged, home)


def _resolve(root: Path, share_dir: Path | str, rel: str, choice: str, merged: str | None, home: Path | None) -> None:
    state = _open_state(root, share_dir, home)
    rel = nfc(rel)
    c = state.data["conflicts"].get(rel)
    if not isinstance(c, dict):
        raise KeyError(f"{rel}: no pending conflict")
    store = LocalStore(root, home)
    if choice == "theirs":
        data = store.get(c["theirs"])
        if data is None:
            raise FileNotFoundError(f"{rel}: their version is missing from the local store")
        _replace_local(root, rel, data, store, "replaced by your choice of their version")
    elif choice == "merged":
        if merged is None:
            raise ValueError("merged text required")
        _replace_local(root, rel, merged.encode("utf-8"), store, "replaced by your merge")
    elif choice != "mine":
        raise ValueError(f"unknown choice {choice!r}")
    state.data["base"][rel] = {"h": c["theirs"], "v": c.get("theirs_v", {}), "dirty": True}
    del state.data["conflicts"][rel]
    state.data["pending"] = True
    state.save()


def _replace_local(root: Path, rel: str, data: bytes, store: LocalStore, note: str) -> None:
    if unsafe_path_reason(rel):
        raise PermissionError(f"{rel}: refused: {unsafe_path_reason(rel)}")
    full = local_path(root, rel)
    current = read_or_none(full)
    if current is not None and current != data:
        store.record(rel, current, "replaced", note)
    full.parent.mkdir(parents=True, exist_ok=True)
    if not is_within(full.parent, root) or full.is_symlink():
        raise PermissionError(f"{rel}: refused: a link leading outside the content root")
    write_bytes_atomic(full, data)


def restore(content_root: Path | str, entry_id: int, home: Path | None = None) -> str:
    """Put the version of history entry `entry_id` back into the content root; returns its path.

    The version it replaces goes to history first. For a knowledge manager the next publish shares it;
    for an agent it stays a local change.
    """
    with locked(Path(content_root), home, DECISION_WAIT, "restore"):
        return _restore(Path(content_root), entry_id, home)


def restore_batch(content_root: Path | str, batch: str, home: Path | None = None) -> list[str]:
    """Put back every file one sync run deleted (its history `batch`); returns the paths restored."""
    root = Path(content_root)
    with locked(root, home, DECISION_WAIT, "restore"):
        store = LocalStore(root, home)
        entries = [e for e in store.history() if e.batch == batch and e.action == "deleted"]
        if not batch or not entries:
            raise KeyError(f"历史中没有批次 (no history batch) {batch!r} 删除的文件")
        return [_restore(root, e.id, home) for e in entries]


def _restore(root: Path, entry_id: int, home: Path | None) -> str:
    store = LocalStore(root, home)
    entry = next((e for e in store.history() if e.id == entry_id), None)
    if entry is None:
        raise KeyError(f"no history entry {entry_id}")
    data = store.get(entry.hash)
    if data is None:
        raise FileNotFoundError(f"history entry {entry_id}: stored copy missing or damaged")
    _replace_local(root, entry.path, data, store, f"replaced by restoring history entry {entry_id}")
    return entry.path


@dataclass(frozen=True)
class LocalEdit:
    """A team file changed (or deleted) here and not published: an agent's stray edit."""

    path: str
    deleted: bool = False


def local_edits(content_root: Path | str, share_dir: Path | str, home: Path | None = None) -> list[LocalEdit]:
    """Team files that differ here from the version last synced (conflicts are listed separately)."""
    root = Path(content_root)
    state = _open_state(root, share_dir, home)
    local, _, _ = scan_local(root, state.data["stat"])
    out = []
    for rel, entry in sorted(state.data["base"].items()):
        if not isinstance(entry, dict) or not entry.get("h") or rel in state.data["conflicts"]:
            continue
        if local.get(rel) != entry["h"]:
            out.append(LocalEdit(rel, deleted=rel not in local))
    return out


def discard_local_edit(content_root: Path | str, share_dir: Path | str, rel: str, home: Path | None = None) -> str:
    """「放弃我的修改，用团队版本」: put the team version of `rel` back; the local version goes to history first."""
    root = Path(content_root)
    with locked(root, home, DECISION_WAIT, "discard"):
        rel = nfc(rel)
        state = _open_state(root, share_dir, home)
        if rel in state.data["conflicts"]:
            _resolve(root, share_dir, rel, "theirs", None, home)
            return rel
        entry = state.data["base"].get(rel)
        if not isinstance(entry, dict) or not entry.get("h"):
            raise KeyError(f"{rel}: 不是团队文件，或团队已删除 (not a team file)")
        store = LocalStore(root, home)
        data = store.get(entry["h"])
        if data is None:
            data = Share(share_dir).read_object(entry["h"], DEFAULT_LIMITS.for_path(rel))
        if data is None:
            raise FileNotFoundError(f"{rel}: 暂时取不到团队版本 (team version not available); 请稍后再试")
        _replace_local(root, rel, data, store, "你的修改，已放弃并改用团队版本 (discarded for the team version)")
        state.data["local_edits"] = [p for p in state.data["local_edits"] if p != rel]
        state.save()
        return rel
