"""Sync a content root with a shared team folder: three-way pull against a local base, publish, keep everything.

The protocol (see docs/sync.md): the share holds immutable content-addressed objects and manifests
and one head file per publisher. Every manifest item carries a version vector; the remote state is
the join of all heads' manifests. Each path is decided by comparing local, base and remote contents
by hash (never by time). Files are written first, the base last; whatever sync replaces or deletes
goes to the local history first.
"""

from __future__ import annotations

import getpass
import json
import os
import re
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from app.core.fileio.atomic import fsync_file, replace_with_retry
from app.core.paths import is_within
from app.core.sync.merge import add_entry, dominates, join, winner
from app.core.sync.report import Conflict, SyncReport, conflicts_of
from app.core.sync.scan import content_problem, hash_or_none, local_path, read_or_none, scan_local
from app.core.sync.share import (
    FORMAT_VERSION,
    PUBLISHER_NAME,
    Head,
    Share,
    ShareError,
    canonical_json,
    nfc,
    sha256_bytes,
    unsafe_path_reason,
    valid_entry,
)
from app.core.sync.store import CLIENT_LOCK as _LOCK
from app.core.sync.store import LocalStore, SyncState

Hook = Callable[[str, dict], None]
MASS_DELETE_FRACTION = 0.5
LEASE_TTL = 120.0
CRASH_ENV = "ZHIDA_SYNC_CRASH_AT"

PULL_STEPS = (
    "start",
    "pull:heads_read",
    "pull:write_temp",
    "pull:before_replace",
    "pull:file_applied",
    "pull:applied",
    "state_saved",
)
PUBLISH_STEPS = (
    "publish:lease_taken",
    "publish:object_written",
    "publish:objects_written",
    "publish:manifest_written",
    "publish:head_written",
)


class _Checkpoints:
    """Named points between steps: test hooks may raise there; ZHIDA_SYNC_CRASH_AT kills the process there.

    ZHIDA_SYNC_CRASH_AT=<step>[:<n>] is a test hook only: when set, the process calls os._exit(137)
    the n-th time (default first) it reaches <step>, as `kill -9` would, leaving whatever is on disk.
    """

    def __init__(self, hook: Hook | None):
        self.hook = hook
        self.counts: dict[str, int] = {}
        spec = os.environ.get(CRASH_ENV, "")
        step, _, nth = spec.rpartition(":")
        if not nth.isdigit():
            step, nth = spec, "1"
        self.crash_step = step or None
        self.crash_nth = int(nth)

    def __call__(self, step: str, **info: object) -> None:
        self.counts[step] = self.counts.get(step, 0) + 1
        if self.crash_step == step and self.counts[step] == self.crash_nth:
            os._exit(137)
        if self.hook is not None:
            self.hook(step, info)


def default_publisher() -> str:
    """A publisher name from the login name plus a random suffix (one head file per client)."""
    try:
        user = getpass.getuser()
    except Exception:
        user = "user"
    user = re.sub(r"[^A-Za-z0-9_-]", "", user)[:40] or "user"
    return f"{user}-{os.urandom(3).hex()}"


def _errtext(exc: OSError) -> str:
    return exc.strerror or str(exc) or type(exc).__name__


class _Run:
    """One sync run; every public entry point builds one and calls `run`."""

    def __init__(
        self,
        root: Path,
        share_dir: Path,
        *,
        publish: bool,
        publisher: str | None,
        confirm_deletes: bool,
        home: Path | None,
        hook: Hook | None,
        clock: Callable[[], float],
        lease_ttl: float,
    ):
        self.root = root
        self.share = Share(share_dir)
        self.publish = publish
        self.publisher = publisher
        self.confirm_deletes = confirm_deletes
        self.home = home
        self.check = _Checkpoints(hook)
        self.clock = clock
        self.lease_ttl = lease_ttl
        self.store = LocalStore(root, home)
        self._safe_dirs: set[Path] = set()
        self.names: dict[str, str] = {}  # NFC key -> the path as spelled on disk (macOS writes NFD)
        self._listings: dict = {}
        self.report = SyncReport(str(share_dir), str(root), "manager" if publish else "agent")

    # ------------------------------------------------------------------------
    def run(self) -> SyncReport:
        started = time.perf_counter()
        try:
            self._run()
        except ShareError as exc:
            self.report.failed = str(exc)
        except OSError as exc:
            self.report.failed = f"I/O error: {_errtext(exc)}" + (f" ({exc.filename})" if exc.filename else "")
        self.report.reads = self.share.reads
        self.report.seconds = time.perf_counter() - started
        return self.report

    def _run(self) -> None:
        if not (self.root / "kb").is_dir() and not (self.root / "scripts_library").is_dir():
            raise ShareError(f"{self.root}: not a content root (no kb/ or scripts_library/)")
        share_id = self.share.check_marker()
        self.check("start")
        heads, bad = self.share.read_heads()
        poll = SyncState.load_poll(self.root, share_id, self.home)
        if (
            poll is not None
            and not self.publish
            and not poll.get("pending")
            and not bad
            and heads == {p: Head.from_dict(h) for p, h in poll["heads"].items()}
        ):
            self.report.unchanged = True  # an agent's unchanged poll never parses the base snapshot
            self.report.conflicts = conflicts_of(self.root, poll["conflicts"])
            return
        self.state = state = SyncState.load(self.root, share_id, self.home)
        seen = {p: Head.from_dict(h) for p, h in state.data["heads"].items()}
        for pub, reason in bad:
            self.report.skipped.append((f"heads/{pub}.json", reason))
            last = seen.get(pub)
            if last is not None:
                heads[pub] = last  # keep using what we last read until the head is whole again
        local, stats, unreadable = scan_local(self.root, state.data["stat"], self.names)
        for rel, reason in unreadable.items():
            self.report.skipped.append((rel, reason))
        self.local = local
        self.base: dict = {p: e for p, e in state.data["base"].items() if isinstance(e, dict)}
        for rel, entry in (state.data.get("applying") or {}).items():
            if isinstance(entry, dict) and local.get(rel) == entry.get("h") and rel not in unreadable:
                self.base[rel] = entry  # written by a run that crashed before saving its base
        state.data["base"] = dict(self.base)
        if (
            self.publish
            and heads == seen
            and not bad
            and not unreadable
            and not state.data["pending"]
            and self._local_matches_base()
        ):
            # A manager's unchanged poll: nothing new on the share and nothing edited here.
            self.report.unchanged = True
            if stats != state.data["stat"]:
                state.data["stat"] = stats
                state.save()
            self.report.conflicts = self._conflicts_from_state()
            return
        remote, used = self._remote_state(heads, seen)
        for rel, entry in (state.data.get("publishing") or {}).items():
            # Our own publication landed but we died before saving the base: agree with what we published,
            # or a file deleted here afterwards would look "new on the share" and come back.
            if isinstance(entry, dict) and any(dominates(e["v"], entry.get("v", {})) for e in remote.get(rel, [])):
                self.base[rel] = state.data["base"][rel] = entry
        self.check("pull:heads_read")
        self.conflicts: dict = {}
        self.hold: set[str] = set(unreadable)  # paths left untouched this run (base kept as is)
        # Twins differing only in Unicode normalization (a problem but no single on-disk name): keep polling
        # in full while they exist, so the problem stays visible and the held update lands once one is renamed.
        self.twins = set(unreadable) - set(self.names)
        self.rejected: set[str] = set()  # bad content from the share: retried only when a head changes
        plan = self._decide(remote)
        self.share.check_marker()  # unmounted or emptied since we started: abort before touching anything
        if plan:
            # Write-ahead: if we die after writing a file but before saving the base, the next run must
            # recognise that file as ours, not as a local edit, even when the share has moved on since.
            state.data["applying"] = {a[1]: self.base[a[1]] for a in plan if a[1] in self.base}
            state.data["pending"] = True
            state.save()
        self._apply(plan, stats)
        self.check("pull:applied")
        if self.publish:
            self._publish(remote, used)
        state.data["heads"] = {p: h.as_dict() for p, h in used.items()}
        state.data["base"] = self.base
        state.data["stat"] = stats
        state.data["conflicts"] = self.conflicts
        state.data["applying"] = {}
        state.data["publishing"] = {}
        waiting = any(r.startswith("waiting") for _, r in self.report.skipped)
        expected = dict(heads)
        if self.report.published:
            expected[state.data["publisher"]] = used[state.data["publisher"]]  # our own new head
        state.data["pending"] = bool(
            self.hold - (set(unreadable) - self.twins) - self.rejected
            or self.conflicts
            or waiting
            or self.report.errors
            or bad
            or used != expected
        )
        state.save()
        self.check("state_saved")
        self.report.conflicts = self._conflicts_from_state()

    def _local_matches_base(self) -> bool:
        if len(self.local) > len(self.base):
            return False
        for rel, entry in self.base.items():
            if entry.get("dirty") or self.local.get(rel) != entry.get("h"):
                return False
        return all(rel in self.base for rel in self.local)

    # -- remote -------------------------------------------------------------------
    def _remote_state(self, heads: dict[str, Head], seen: dict) -> tuple[dict[str, list[dict]], dict[str, Head]]:
        remote: dict[str, list[dict]] = {}
        used: dict[str, Head] = {}
        refused: set[str] = set()
        for pub in sorted(heads):
            items = None
            for head in (heads[pub], seen.get(pub)):
                if head is None:
                    continue
                items = self._manifest_items(head)
                if items is not None:
                    used[pub] = head
                    if head is not heads[pub]:
                        self.report.skipped.append(
                            (
                                f"heads/{pub}.json",
                                "waiting: its manifest has not arrived (or is damaged); using the previous one",
                            )
                        )
                    break
            if items is None:
                if heads[pub] is not None and pub in seen and seen[pub] is not None:
                    used[pub] = seen[pub]
                self.report.skipped.append((f"heads/{pub}.json", "waiting: manifest has not arrived yet"))
                continue
            for rel, raw in items.items():
                # Manifests written before paths were NFC keys may hold a macOS (NFD) spelling.
                rel = nfc(rel) if isinstance(rel, str) else rel
                reason = unsafe_path_reason(rel)
                entry = valid_entry(raw)
                if reason or entry is None:
                    if rel not in refused:
                        refused.add(rel)
                        self.report.skipped.append((str(rel)[:200], f"refused: {reason or 'malformed manifest item'}"))
                    continue
                remote[rel] = add_entry(remote.get(rel, []), entry)
        # Windows and macOS cannot hold two names differing only in case: keep the first, report the rest.
        live: dict[str, str] = {}
        for rel in sorted(remote):
            if winner(remote[rel])["h"] is None:
                continue
            key = rel.casefold()
            if key in live:
                self.report.skipped.append((rel, f"refused: differs only in letter case from {live[key]}"))
                del remote[rel]
            else:
                live[key] = rel
        return remote, used

    def _manifest_items(self, head: Head) -> dict | None:
        data = self.state.cached_manifest(head.manifest)
        if data is None:
            data = self.share.read_manifest_bytes(head.manifest)
            if data is None:
                return None
        try:
            raw = json.loads(data.decode("utf-8"))
        except ValueError:
            return None
        if not isinstance(raw, dict) or raw.get("format") != FORMAT_VERSION or not isinstance(raw.get("items"), dict):
            return None
        self.state.cache_manifest(head.manifest, data)
        return raw["items"]

    # -- decisions ----------------------------------------------------------------
    def _decide(self, remote: dict[str, list[dict]]) -> list[tuple]:
        """Three-way decision per path; returns write/delete actions, records conflicts and base updates."""
        plan: list[tuple] = []
        old_conflicts = self.state.data["conflicts"]
        paths = sorted(set(remote) | set(self.local) | set(self.base))
        for rel in paths:
            if rel in self.hold or rel not in remote:
                continue  # absent from the share is never a deletion
            entries = remote[rel]
            w = winner(entries)
            rh, rv = w["h"], join(*(e["v"] for e in entries))
            b = self.base.get(rel)
            bh = b.get("h") if b else None
            lh = self.local.get(rel)
            if b is None and rh is None and lh is not None and lh == w.get("prev"):
                bh = lh  # a stale copy of what was deleted: not an edit, so the deletion applies
            result_h = lh
            new_base = {"h": rh, "v": rv}
            concurrent = len({e["h"] for e in entries}) > 1
            if lh == rh:
                pass
            elif self.publish and concurrent and lh is not None and any(e["h"] == lh for e in entries):
                new_base = {"h": lh, "v": rv}  # a manager keeps their own side; _team below asks them to decide
            elif lh == bh:
                plan.append(("delete", rel, lh) if rh is None else ("write", rel, rh, lh))
                result_h = rh
            elif rh == bh:
                new_base = {"h": bh, "v": join(b.get("v", {}) if b else {}, rv), "dirty": bool(b and b.get("dirty"))}
            elif rh is None:
                self.report.notices.append(
                    f"{rel}: deleted on the share, your edited copy was kept (the edit wins over the deletion)"
                )
                new_base = {"h": None, "v": rv, "prev": w.get("prev")}
            elif lh is None:
                self.report.notices.append(
                    f"{rel}: you deleted it but it was edited on the share; the edited version was restored"
                )
                plan.append(("write", rel, rh, None))
                result_h = rh
            else:
                self._conflict(rel, lh, rh, rv, bh, team=False, since=old_conflicts.get(rel))
                continue
            if b is not None and b.get("dirty") and new_base["h"] == b.get("h"):
                new_base["dirty"] = True
            self.base[rel] = new_base
            if concurrent and not new_base.get("dirty"):
                self._team(rel, entries, result_h, rv, bh, old_conflicts.get(rel))
        return plan

    def _team(
        self, rel: str, entries: list[dict], result_h: str | None, rv: dict, bh: str | None, since: object
    ) -> None:
        """Publishers wrote concurrent versions: agents take the deterministic winner; managers decide."""
        others = [e for e in entries if e["h"] not in (result_h, None)]
        if not self.publish:
            if others:
                self.report.team_conflicts.append(rel)
            return
        if others:
            self._conflict(rel, result_h, winner(others)["h"], rv, bh, team=True, since=since)
        else:
            # Edit against delete between publishers: the edit won; publishing it settles the share.
            self.base[rel]["dirty"] = True
            self.report.notices.append(f"{rel}: deleted by one publisher and edited by another; the edit was kept")

    def _conflict(
        self, rel: str, mine: str | None, theirs: str, rv: dict, bh: str | None, *, team: bool, since: object
    ) -> None:
        data = self._fetch(rel, theirs)
        if data is None:
            self.hold.add(rel)
            return
        self.store.put(data)
        copy = self.store.conflict_copy(rel, theirs, data)
        if not (isinstance(since, dict) and since.get("theirs") == theirs and since.get("mine") == mine):
            self.store.record(rel, data, "conflict-theirs", "their version, kept beside yours")
            mine_data = read_or_none(self._local(rel)) if mine is not None else None
            if mine_data is not None and sha256_bytes(mine_data) == mine:
                # Kept too, so an edit made while merging by hand can never lose the version in conflict.
                self.store.record(rel, mine_data, "conflict-mine", "your version when the conflict was found")
        self.conflicts[rel] = {
            "mine": mine,
            "theirs": theirs,
            "theirs_v": rv,
            "base": bh,
            "team": team,
            "copy": str(copy),
        }
        self.hold.add(rel)

    def _fetch(self, rel: str, digest: str) -> bytes | None:
        """Verified object bytes, or None (reported) when not arrived, damaged or not importable."""
        data = self.store.get(digest)
        if data is None:
            data = self.share.read_object(digest)
        if data is None:
            self.report.skipped.append((rel, "waiting: file contents not arrived yet or incomplete; will retry"))
            return None
        problem = content_problem(rel, data)
        if problem:
            self.report.skipped.append((rel, f"rejected: {problem}"))
            self.rejected.add(rel)
            return None
        return data

    # -- applying -------------------------------------------------------------------
    def _apply(self, plan: list[tuple], stats: dict) -> None:
        writes = {a[1]: a for a in plan if a[0] == "write"}
        deletes = [a for a in plan if a[0] == "delete"]
        # A deletion plus a new path with the same content is a move: one os.replace, which is also the
        # only safe way to apply a case-only rename on a case-insensitive file system.
        for _, old, old_h in list(deletes):
            target = next((w for w in writes.values() if w[2] == old_h and w[3] is None and w[1] != old), None)
            if target is None:
                continue
            if self._move(old, target[1], old_h, stats):
                deletes.remove(("delete", old, old_h))
                del writes[target[1]]
        for _, rel, expect in deletes:
            self._delete(rel, expect, stats)
        for _, rel, digest, expect in writes.values():
            data = self._fetch(rel, digest)
            if data is None:
                self._keep_base(rel)
                continue
            self._write(rel, data, digest, expect, stats)

    def _keep_base(self, rel: str) -> None:
        self.hold.add(rel)
        old = self.state.data["base"].get(rel)
        if old is None:
            self.base.pop(rel, None)
        else:
            self.base[rel] = old

    def _local(self, rel: str) -> Path:
        return local_path(self.root, rel, self.names, self._listings)

    def _target(self, rel: str) -> Path:
        full = self._local(rel)
        if not self._inside(full.parent) or full.is_symlink():
            raise PermissionError(0, "refused: the folder is a link leading outside the content root")
        return full

    def _inside(self, folder: Path) -> bool:
        # Resolving symlinks costs a syscall per component: remember folders already checked this run.
        if folder in self._safe_dirs:
            return True
        if is_within(folder, self.root):
            if folder.exists():
                self._safe_dirs.add(folder)
            return True
        return False

    def _write(self, rel: str, data: bytes, digest: str, expect: str | None, stats: dict) -> bool:
        tmp = None
        try:
            full = self._target(rel)
            full.parent.mkdir(parents=True, exist_ok=True)
            if not self._inside(full.parent):
                raise PermissionError(0, "refused: the folder is a link leading outside the content root")
            self.check("pull:write_temp", path=rel)
            fd, tmp = tempfile.mkstemp(prefix=".zhida-", suffix=".tmp", dir=full.parent)
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                fsync_file(fh)
            self.check("pull:before_replace", path=rel)
            current = read_or_none(full)
            if hash_or_none(current) != expect:
                os.unlink(tmp)
                tmp = None
                self.report.skipped.append((rel, "changed here while syncing; your version is kept, retry later"))
                self._keep_base(rel)
                return False
            if current is not None:
                self.store.record(rel, current, "replaced", "overwritten by a newer version from the share")
            replace_with_retry(tmp, full)
            tmp = None
        except OSError as exc:
            if tmp:
                try:
                    os.unlink(tmp)
                except OSError:
                    pass
            self.report.errors.append((rel, _errtext(exc)))
            self._keep_base(rel)
            return False
        self._note_stat(rel, full, digest, stats)
        self.report.pulled.append(rel)
        self.check("pull:file_applied", path=rel)
        return True

    def _delete(self, rel: str, expect: str, stats: dict) -> bool:
        try:
            full = self._target(rel)
            self.check("pull:before_replace", path=rel)
            current = read_or_none(full)
            if hash_or_none(current) != expect:
                self.report.skipped.append((rel, "changed here while syncing; your version is kept, retry later"))
                self._keep_base(rel)
                return False
            if current is not None:
                self.store.record(rel, current, "deleted", "deleted on the share")
                full.unlink()
        except OSError as exc:
            self.report.errors.append((rel, _errtext(exc)))
            self._keep_base(rel)
            return False
        stats.pop(rel, None)
        self.names.pop(rel, None)
        self.report.deleted.append(rel)
        self.check("pull:file_applied", path=rel)
        return True

    def _move(self, old: str, new: str, digest: str, stats: dict) -> bool:
        try:
            src, dst = self._target(old), self._target(new)
            self.check("pull:before_replace", path=new)
            current = read_or_none(src)
            if hash_or_none(current) != digest:
                return False
            dst.parent.mkdir(parents=True, exist_ok=True)
            if old.casefold() != new.casefold() and dst.exists():
                return False
            os.replace(src, dst)
        except OSError as exc:
            self.report.errors.append((new, _errtext(exc)))
            self._keep_base(old)
            self._keep_base(new)
            return True
        stats.pop(old, None)
        self.names.pop(old, None)
        self._note_stat(new, dst, digest, stats)
        self.report.moved.append((old, new))
        self.check("pull:file_applied", path=new)
        return True

    def _note_stat(self, rel: str, full: Path, digest: str, stats: dict) -> None:
        try:
            st = os.lstat(full)
            stats[rel] = [st.st_size, st.st_mtime_ns, st.st_ino, digest]
        except OSError:
            stats.pop(rel, None)
        self.local[rel] = digest
        self.names[rel] = full.relative_to(self.root).as_posix()

    # -- publishing ----------------------------------------------------------------
    def _publish(self, remote: dict[str, list[dict]], used: dict[str, Head]) -> None:
        state = self.state
        me = self.publisher or state.data.get("publisher") or default_publisher()
        if not PUBLISHER_NAME.match(me):
            self.report.failed = f"publisher name {me!r}: use 1-64 letters, digits, '-' or '_'"
            return
        state.data["publisher"] = me
        for rel in self.report.deleted:
            self.local.pop(rel, None)
        for old, _ in self.report.moved:
            self.local.pop(old, None)
        blocked = self._lease_holder(me)
        if blocked:
            self.report.failed = (
                f"publish deferred: {blocked} is publishing (lease); pulled changes are applied, publish again later"
            )
            return
        items: dict[str, dict] = {}
        changed: dict[str, dict] = {}
        bodies: dict[str, bytes] = {}
        for rel in sorted(set(remote) | set(self.local) | set(self.base)):
            entries = remote.get(rel, [])
            if rel in self.hold or rel in self.conflicts:
                if entries:
                    items[rel] = winner(entries)
                continue
            b = self.base.get(rel)
            bh = b.get("h") if b else None
            lh = self.local.get(rel)
            need = (
                lh != bh
                or bool(b and b.get("dirty"))
                or (not entries and lh is not None)
                or len({e["h"] for e in entries}) > 1
            )
            if not need:
                if entries:
                    items[rel] = winner(entries)
                continue
            if lh is None and not entries:
                continue
            if lh is not None:
                data = read_or_none(self._local(rel))
                problem = (
                    "changed while publishing"
                    if data is None or sha256_bytes(data) != lh
                    else content_problem(rel, data)
                )
                if problem or data is None:
                    self.report.skipped.append((rel, f"not published: {problem}"))
                    if entries:
                        items[rel] = winner(entries)
                    continue
                bodies[rel] = data
            vec = join(b.get("v", {}) if b else {}, *(e["v"] for e in entries))
            vec[me] = vec.get(me, 0) + 1
            entry = {"h": lh, "v": vec, "prev": bh if lh is None else None}
            items[rel] = changed[rel] = entry
        if not changed:
            return
        live = sum(1 for e in remote.values() if winner(e)["h"] is not None)
        added = {e["h"] for e in changed.values() if e["h"] is not None}
        gone = sum(
            1
            for rel, e in changed.items()
            if e["h"] is None
            and e["prev"] not in added  # moves are not deletions
            and rel in remote
            and winner(remote[rel])["h"]
        )
        if gone and not self.confirm_deletes and (gone >= live or gone > live * MASS_DELETE_FRACTION):
            self.report.failed = (
                f"publish blocked: it would delete {gone} of {live} items on the share; "
                f"check the content folder, then publish with --confirm-deletes"
            )
            return
        state.data["publishing"] = changed
        state.data["pending"] = True
        state.save()
        self.share.take_lease(me)
        self.check("publish:lease_taken")
        try:
            for rel, data in bodies.items():
                self.share.write_object(data)
                self.check("publish:object_written", path=rel)
            self.check("publish:objects_written")
            in_share = self.share.read_head(me)
            if in_share is not None and in_share != used.get(me):
                self.report.failed = (
                    f"publish stopped: heads/{me}.json changed during this run; "
                    f"is another computer publishing under the same name?"
                )
                return
            prev_seq = max((h.seq for h in (used.get(me), in_share) if h is not None), default=0)
            manifest = {
                "format": FORMAT_VERSION,
                "publisher": me,
                "seq": prev_seq + 1,
                "parents": sorted(h.manifest for h in used.values()),
                "items": items,
            }
            digest = self.share.write_manifest(canonical_json(manifest))
            self.check("publish:manifest_written")
            head = Head(me, prev_seq + 1, digest)
            self.share.write_head(head)
            self.check("publish:head_written")
        finally:
            self.share.drop_lease(me)
        used[me] = head
        for rel, entry in changed.items():
            self.base[rel] = {"h": entry["h"], "v": entry["v"], "prev": entry["prev"]}
        self.report.published = sorted(changed)

    def _lease_holder(self, me: str) -> str | None:
        now = self.clock()
        seen = self.state.data["lease_seen"]
        leases = self.share.read_leases()
        live = None
        for pub, nonce in sorted(leases.items()):
            if pub == me:
                continue
            rec = seen.get(pub)
            if not (isinstance(rec, list) and len(rec) == 2 and rec[0] == nonce):
                seen[pub] = rec = [nonce, now]  # our own clock only: skew between machines cannot matter
            if now - rec[1] < self.lease_ttl:
                live = live or pub
        for pub in list(seen):
            if pub not in leases:
                del seen[pub]
        return live

    # -- after ------------------------------------------------------------------------
    def _conflicts_from_state(self) -> list[Conflict]:
        return conflicts_of(self.root, self.state.data["conflicts"])


def sync(
    content_root: Path | str,
    share_dir: Path | str,
    *,
    publish: bool = False,
    publisher: str | None = None,
    confirm_deletes: bool = False,
    home: Path | None = None,
    hook: Hook | None = None,
    clock: Callable[[], float] = time.time,
    lease_ttl: float = LEASE_TTL,
) -> SyncReport:
    """Pull (and with `publish`, publish) once; never raises for a bad share or I/O error, see `report.failed`."""
    with _LOCK:
        return _Run(
            Path(content_root),
            Path(share_dir),
            publish=publish,
            publisher=publisher,
            confirm_deletes=confirm_deletes,
            home=home,
            hook=hook,
            clock=clock,
            lease_ttl=lease_ttl,
        ).run()


def init_share(share_dir: Path | str) -> str:
    """Make an empty folder a share; returns its id (raises ShareError for a non-empty folder)."""
    return Share.init(share_dir).share_id
