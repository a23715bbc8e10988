"""One sync run from start to saved state: the cheap unchanged poll, the pull, the publish, the bookkeeping.

The protocol (see docs/sync.md): the share holds immutable content-addressed objects and manifests
and one head file per publisher. Every manifest item carries a version vector; the remote state is
the join of all heads' manifests. Each path is decided by comparing local, base and remote contents
by hash (never by time). Files are written first, the base last; whatever sync replaces or deletes
goes to the local history first. One run at a time per client, across processes (`sync.lock`).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from pathlib import Path

from app.core.fileio.limits import Limits
from app.core.settings import file_limits, load_settings
from app.core.sync.lock import DEFAULT_WAIT, ClientBusy
from app.core.sync.merge import dominates
from app.core.sync.publish import LEASE_TTL, PublishSteps
from app.core.sync.pull import PullSteps
from app.core.sync.report import Conflict, SyncReport, conflicts_of
from app.core.sync.runstate import Hook, errtext
from app.core.sync.scan import scan_local
from app.core.sync.share import Head, Share, ShareError, ShareInit, is_litter
from app.core.sync.store import SyncState, locked

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


class Run(PullSteps, PublishSteps):
    """One sync run; `sync()` builds one and calls `run`."""

    def run(self) -> SyncReport:
        """Run once; a bad share or an I/O error ends in `report.failed`, never an exception."""
        started = time.perf_counter()
        self.batch = f"{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:6]}"
        try:
            self._run()
        except ShareError as exc:
            self.report.failed = str(exc)
        except OSError as exc:
            self.report.failed = f"读写错误 (I/O error): {errtext(exc)}" + (
                f" ({exc.filename})" if exc.filename else ""
            )
        self.report.reads = self.share.reads
        self.report.seconds = time.perf_counter() - started
        return self.report

    def _prepare_root(self) -> None:
        if (self.root / "kb").is_dir() or (self.root / "scripts_library").is_dir():
            return
        if self.root.is_dir() and all(is_litter(p.name) for p in self.root.iterdir()):
            # A new agent's empty folder: the first pull fills it.
            for top in ("kb", "scripts_library"):
                (self.root / top).mkdir(exist_ok=True)
            self.report.notices.append(f"{self.root}: 空文件夹，已建立 kb/ 与 scripts_library/ (empty folder prepared)")
            return
        raise ShareError(
            f"{self.root}: 不是知识库文件夹 (not a content root: no kb/ or scripts_library/); "
            f"请选择知识库文件夹，或一个空文件夹 (or an empty folder for the first pull)"
        )

    def _run(self) -> None:
        self._prepare_root()
        share_id = self.share.check_marker()
        self.check("start")
        heads, bad = self.share.read_heads()
        poll = SyncState.load_poll(self.root, share_id, self.home)
        if (
            poll is not None
            and not self.publish
            and not poll.get("pending")
            and not bad
            and not (poll["held"] and self.confirm_deletes)
            and heads == {p: Head.from_dict(h) for p, h in poll["heads"].items()}
        ):
            self.report.unchanged = True  # an agent's unchanged poll never parses the base snapshot
            self.report.conflicts = conflicts_of(self.root, poll["conflicts"])
            self._report_held(poll["held"])
            self.report.local_edits = list(poll["local_edits"])
            return
        self.state = state = SyncState.load(self.root, share_id, self.home)
        seen = {p: Head.from_dict(h) for p, h in state.data["heads"].items()}
        for pub, reason in bad:
            self.report.skipped.append((f"heads/{pub}.json", reason))
            last = seen.get(pub)
            if last is not None:
                heads[pub] = last  # keep using what we last read until the head is whole again
        swept: list[str] = []
        local, stats, unreadable = scan_local(self.root, state.data["stat"], self.names, swept)
        if swept:
            self.report.notices.append(f"已清理上次中断留下的 {len(swept)} 个临时文件 (removed leftover temp files)")
        for rel, reason in unreadable.items():
            self.report.skipped.append((rel, reason))
        self.local = local
        self.base = {p: e for p, e in state.data["base"].items() if isinstance(e, dict)}
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
            and not (state.data["held"] and (self.confirm_deletes or self.reject_deletes))
            and self._local_matches_base()
        ):
            # A manager's unchanged poll: nothing new on the share and nothing edited here.
            self.report.unchanged = True
            if stats != state.data["stat"]:
                state.data["stat"] = stats
                state.save()
            self.report.conflicts = self._conflicts_from_state()
            self._report_held(state.data["held"])
            return
        remote, used = self.remote_state(heads, seen)
        for rel, entry in (state.data.get("publishing") or {}).items():
            # Our own publication landed but we died before saving the base: agree with what we published,
            # or a file deleted here afterwards would look "new on the share" and come back.
            if isinstance(entry, dict) and any(dominates(e["v"], entry.get("v", {})) for e in remote.get(rel, [])):
                self.base[rel] = state.data["base"][rel] = entry
        self.check("pull:heads_read")
        self.hold = set(unreadable)
        # Twins differing only in Unicode normalization (a problem but no single on-disk name): keep polling
        # in full while they exist, so the problem stays visible and the held update lands once one is renamed.
        self.twins = set(unreadable) - set(self.names)
        plan = self.guard_deletions(self.decide(remote), remote)
        self.share.check_marker()  # unmounted or emptied since we started: abort before touching anything
        if plan:
            # Write-ahead: if we die after writing a file but before saving the base, the next run must
            # recognise that file as ours, not as a local edit, even when the share has moved on since.
            state.data["applying"] = {a[1]: self.base[a[1]] for a in plan if a[1] in self.base}
            state.data["pending"] = True
            state.save()
        self.apply(plan, stats)
        self.check("pull:applied")
        if self.publish:
            self.publish_changes(remote, used)
        self._save(heads, used, stats, unreadable, bad)

    def _save(self, heads: dict, used: dict, stats: dict, unreadable: dict, bad: list) -> None:
        state = self.state
        state.data["heads"] = {p: h.as_dict() for p, h in used.items()}
        state.data["base"] = self.base
        state.data["stat"] = stats
        state.data["conflicts"] = self.conflicts
        state.data["applying"] = {}
        state.data["publishing"] = {}
        state.data["held"] = {rel: {"reason": self.report.held_reason} for rel in sorted(self.held)}
        state.data["local_edits"] = sorted(self.report.local_edits)
        waiting = any(r.startswith("waiting") for _, r in self.report.skipped)
        expected = dict(heads)
        if self.report.published:
            expected[state.data["publisher"]] = used[state.data["publisher"]]  # our own new head
        state.data["pending"] = bool(
            self.hold - (set(unreadable) - self.twins) - self.rejected - set(self.held)
            or self.conflicts
            or waiting
            or self.report.errors
            or bad
            or used != expected
        )
        state.save()
        self.check("state_saved")
        self.report.conflicts = self._conflicts_from_state()
        self.report.held_deletes = sorted(self.held)

    def _report_held(self, held: dict) -> None:
        self.report.held_deletes = sorted(held)
        reasons = [r.get("reason") for r in held.values() if isinstance(r, dict) and r.get("reason")]
        self.report.held_reason = str(reasons[0]) if reasons else ""

    def _local_matches_base(self) -> bool:
        if len(self.local) > len(self.base):
            return False
        for rel, entry in self.base.items():
            if entry.get("dirty") or self.local.get(rel) != entry.get("h"):
                return False
        return all(rel in self.base for rel in self.local)

    def _conflicts_from_state(self) -> list[Conflict]:
        return conflicts_of(self.root, self.state.data["conflicts"])


def sync(
    content_root: Path | str,
    share_dir: Path | str,
    *,
    publish: bool = False,
    publisher: str | None = None,
    confirm_deletes: bool = False,
    reject_deletes: bool = False,
    home: Path | None = None,
    hook: Hook | None = None,
    clock: Callable[[], float] = time.time,
    lease_ttl: float = LEASE_TTL,
    limits: Limits | None = None,
    wait: float = DEFAULT_WAIT,
) -> SyncReport:
    """Pull (and with `publish`, publish) once; never raises for a bad share or I/O error, see `report.failed`.

    `confirm_deletes` applies deletions the pull-side guard holds (and allows a publication deleting more
    than half of the items); `reject_deletes` (managers) publishes the held files back instead. `limits`
    defaults to the settings' file limits. Another sync of this client running: waits up to `wait` seconds,
    then `report.busy` says so.
    """
    root, share = Path(content_root), Path(share_dir)
    if limits is None:
        limits = file_limits(load_settings(home)[0])
    run = Run(
        root,
        share,
        publish=publish,
        publisher=publisher,
        confirm_deletes=confirm_deletes,
        reject_deletes=reject_deletes and publish,
        home=home,
        hook=hook,
        clock=clock,
        lease_ttl=lease_ttl,
        limits=limits,
    )
    try:
        with locked(root, home, wait, "publish" if publish else "sync"):
            return run.run()
    except ClientBusy as exc:
        run.report.failed = run.report.busy = str(exc)
        return run.report


def init_share(share_dir: Path | str) -> str:
    """Make an empty folder a share; returns its id (raises ShareError for a non-empty folder)."""
    return Share.init(share_dir).share_id


def prepare_share(share_dir: Path | str) -> ShareInit:
    """Like `init_share`, and says what it created (nothing for a share that already existed)."""
    return Share.init(share_dir)
