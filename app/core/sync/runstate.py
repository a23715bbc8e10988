"""What one sync run knows while it works, shared by its pull and publish steps (run.py, pull.py, publish.py).

`RunState` holds the run's inputs, the local scan, the base and the bookkeeping of paths held back; the
pull and publish steps are mixins over it, and `run.Run` puts them together.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from app.core.fileio.limits import Limits
from app.core.paths import is_within
from app.core.sync.report import SyncReport
from app.core.sync.scan import local_path
from app.core.sync.share import Share
from app.core.sync.store import LocalStore, SyncState

Hook = Callable[[str, dict], None]
CRASH_ENV = "ZHIDA_SYNC_CRASH_AT"


class Checkpoints:
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


def errtext(exc: OSError) -> str:
    """The one-line reason of an OSError."""
    return exc.strerror or str(exc) or type(exc).__name__


class RunState:
    """The state of one run; the pull and publish mixins read and update it."""

    def __init__(
        self,
        root: Path,
        share_dir: Path,
        *,
        publish: bool,
        publisher: str | None,
        confirm_deletes: bool,
        reject_deletes: bool,
        home: Path | None,
        hook: Hook | None,
        clock: Callable[[], float],
        lease_ttl: float,
        limits: Limits,
    ):
        self.root = root
        self.share = Share(share_dir, limits)
        self.publish = publish
        self.publisher = publisher
        self.confirm_deletes = confirm_deletes
        self.reject_deletes = reject_deletes
        self.home = home
        self.check = Checkpoints(hook)
        self.clock = clock
        self.lease_ttl = lease_ttl
        self.limits = limits
        self.store = LocalStore(root, home)
        self.batch = ""  # names this run in history, so one action restores what it deleted
        self._safe_dirs: set[Path] = set()
        self.names: dict[str, str] = {}  # NFC key -> the path as spelled on disk (macOS writes NFD)
        self._listings: dict = {}
        self.report = SyncReport(str(share_dir), str(root), "manager" if publish else "agent")
        self.state: SyncState
        self.local: dict[str, str] = {}
        self.base: dict[str, dict] = {}
        self.conflicts: dict[str, dict] = {}
        self.hold: set[str] = set()  # paths left untouched this run (base kept as is)
        self.twins: set[str] = set()
        self.rejected: set[str] = set()  # bad content from the share: retried only when a head changes
        self.held: dict[str, dict] = {}  # deletions held by the pull-side guard: {path: tombstone entry}
        self.strangers: set[str] = set()  # publishers whose heads only delete (see pull.guard_deletions)
        self._marker_rechecked = False

    # -- where files are ------------------------------------------------------------
    def local_file(self, rel: str) -> Path:
        """The on-disk path of item `rel` in the content root."""
        return local_path(self.root, rel, self.names, self._listings)

    def target(self, rel: str) -> Path:
        """`local_file(rel)`, refused (PermissionError) when its folder is a link leading outside the root."""
        full = self.local_file(rel)
        if not self.inside(full.parent) or full.is_symlink():
            raise PermissionError(0, "refused: the folder is a link leading outside the content root")
        return full

    def inside(self, folder: Path) -> bool:
        """True when `folder` (symlinks resolved) is in the content root; remembered per run."""
        if folder in self._safe_dirs:
            return True
        if is_within(folder, self.root):
            if folder.exists():
                self._safe_dirs.add(folder)
            return True
        return False

    def keep_base(self, rel: str) -> None:
        """Leave `rel` as it was this run: held, with the base it had before the run."""
        self.hold.add(rel)
        old = self.state.data["base"].get(rel)
        if old is None:
            self.base.pop(rel, None)
        else:
            self.base[rel] = old
