"""What training needs from one loaded content root, built once per load: drills and the scoring rubric."""

from __future__ import annotations

from dataclasses import dataclass, field

from app.core.content.model import Content, Problem
from app.core.training.scoring import Drill, Scoring, load_drills, load_scoring


@dataclass
class TrainingLibrary:
    """The drills of a content root and the scoring rubric they are graded by."""

    drills: list[Drill] = field(default_factory=list)
    scoring: Scoring | None = None
    problems: list[Problem] = field(default_factory=list)

    @classmethod
    def build(cls, content: Content) -> TrainingLibrary:
        """Parse the drills and the rubric of `content` (the rubric falls back to the bundled one)."""
        drills, problems = load_drills(content)
        return cls(drills, load_scoring(content), problems)

    def drill(self, drill_id: str) -> Drill | None:
        """The drill with this id, or None."""
        return next((d for d in self.drills if d.id == drill_id), None)
