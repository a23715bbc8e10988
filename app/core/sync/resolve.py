"""Decisions after a sync: list conflicts, show both texts, keep mine/theirs/a merge, restore from history."""

from __future__ import annotations

from pathlib import Path

from app.core.fileio.atomic import write_bytes_atomic
from app.core.paths import is_within
from app.core.sync.report import Conflict, conflicts_of
from app.core.sync.scan import local_path, read_or_none
from app.core.sync.share import Share, nfc, unsafe_path_reason
from app.core.sync.store import CLIENT_LOCK as _LOCK
from app.core.sync.store import LocalStore, SyncState


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
    with _LOCK:
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
    with _LOCK:
        return _restore(Path(content_root), entry_id, home)


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
