"""The sync entry points, kept here for callers: a run is split along its seams into run.py (one run from
start to saved state), pull.py (remote state, three-way decisions, the deletion guard, applying) and
publish.py (objects, manifest, head; lease and mass-deletion guards), over runstate.py's shared state."""

from __future__ import annotations

from app.core.sync.publish import LEASE_TTL, MASS_DELETE_FRACTION, default_publisher
from app.core.sync.pull import DELETE_HOLD_FRACTION, DELETE_HOLD_MAX
from app.core.sync.run import PUBLISH_STEPS, PULL_STEPS, init_share, prepare_share, sync
from app.core.sync.runstate import CRASH_ENV, Hook

__all__ = [
    "CRASH_ENV",
    "DELETE_HOLD_FRACTION",
    "DELETE_HOLD_MAX",
    "LEASE_TTL",
    "MASS_DELETE_FRACTION",
    "PUBLISH_STEPS",
    "PULL_STEPS",
    "Hook",
    "default_publisher",
    "init_share",
    "prepare_share",
    "sync",
]
