"""Test helpers for training: a fake clock, the bundled workspace loaded once, trainees with their own homes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import lru_cache
from pathlib import Path

from app.core.paths import bundled_content_root
from app.core.training.store import TrainingStore
from app.core.training.trainee import Trainee
from app.core.workspace import Workspace, load_workspace

START = datetime(2026, 11, 2, 1, 0, tzinfo=UTC)  # 09:00 in Beijing


class FakeClock:
    """A clock the test moves by hand."""

    def __init__(self, start: datetime = START):
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        """Move the clock forward (minutes=…, hours=…, days=…)."""
        self.now += timedelta(**delta)
        return self.now


@lru_cache(maxsize=1)
def bundled() -> Workspace:
    """The bundled content's workspace (checker, reply and training libraries), loaded once; read-only."""
    return load_workspace(bundled_content_root(), search=False)


def trainee_at(home: Path, clock: FakeClock, workspace: Workspace | None = None) -> Trainee:
    """A trainee whose $ZHIDA_HOME is `home`, on the bundled (or given) workspace."""
    workspace = workspace or bundled()
    library = workspace.training
    return Trainee(
        library,
        library.services(workspace.content, workspace.checker, workspace.replies),
        TrainingStore.open(home),
        clock,
    )
