"""What training needs from one loaded content root, built once per load: drills, rubric, cards, team settings."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from app.core.checker.match import Checker
from app.core.compose.library import ReplyLibrary
from app.core.content.model import Content, Problem
from app.core.training.cards import Card, load_cards, referenced_articles
from app.core.training.drills import Drill, load_drills
from app.core.training.facts import known_paths
from app.core.training.rubric import CLOSING, Scoring, load_scoring, parse_scoring
from app.core.training.scoring import Services, template_texts
from app.core.training.settings import Exam, TeamSettings, load_settings
from app.core.training.substance import Grounding


@dataclass
class TrainingLibrary:
    """The drills of a content root, the rubric they are graded by, and the team's training settings and
    exams; the quiz cards and the statistics scoring reads are built on first use (off the UI thread,
    never at load: for thousands of articles they take seconds)."""

    drills: list[Drill] = field(default_factory=list)
    scoring: Scoring | None = None
    problems: list[Problem] = field(default_factory=list)
    settings: TeamSettings = field(default_factory=TeamSettings)
    exams: list[Exam] = field(default_factory=list)
    content: Content | None = field(default=None, repr=False)
    _built: dict[str, object] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @classmethod
    def build(cls, content: Content) -> TrainingLibrary:
        """Parse the drills, the rubric (falls back to the bundled one), settings and exams of `content`."""
        drills, problems = load_drills(content)
        settings, exams, more = _settings(content, drills)
        return cls(drills, load_scoring(content), problems + more, settings, exams, content)

    def _once(self, name: str, make: Callable[[Content], object]) -> object:
        with self._lock:
            if name not in self._built:
                self._built[name] = make(self.content) if self.content is not None else make(Content(Path(".")))
            return self._built[name]

    @property
    def cards(self) -> list[Card]:
        """Every article's quiz cards with the overrides applied (built on first use)."""
        return self._once("cards", lambda content: load_cards(content)[0])  # type: ignore[return-value]

    @property
    def grounding(self) -> Grounding:
        """Word rarity over the knowledge base, for 切题作答 (built on first use)."""
        return self._once("grounding", Grounding.build)  # type: ignore[return-value]

    @property
    def paths(self) -> set[tuple[str, ...]]:
        """Every menu path the knowledge base names (built on first use)."""
        return self._once("paths", known_paths)  # type: ignore[return-value]

    def drill(self, drill_id: str) -> Drill | None:
        """The drill with this id, or None."""
        return next((d for d in self.drills if d.id == drill_id), None)

    def card(self, card_id: str) -> Card | None:
        """The card with this id, or None."""
        return next((c for c in self.cards if c.id == card_id), None)

    def exam(self, exam_id: str) -> Exam | None:
        """The exam with this id, or None."""
        return next((e for e in self.exams if e.id == exam_id), None)

    def services(self, content: Content, checker: Checker, replies: ReplyLibrary | None) -> Services:
        """What scoring needs, from this library and the workspace's checker and reply library (nothing rebuilt)."""
        replies = replies or ReplyLibrary.build(content)
        scoring = self.scoring or load_scoring(content)
        return Services(
            content, checker, scoring, replies, template_texts(replies), lambda: (self.grounding, self.paths)
        )


def check_library(content: Content) -> list[Problem]:
    """`zhida validate` check for training files: drills, the rubric, turns' elements, cards, settings, exams."""
    drills, problems = load_drills(content)
    files = content.library_of("drills")
    stages = {s.stage for s in content.scripts if s.stage}
    scoring = parse_scoring(files, problems, stages)
    with_scoring = [f for f in files if f.data.get("scoring") is not None]
    for extra in with_scoring[1:]:
        problems.append(
            Problem(
                extra.path,
                extra.data.line_of("scoring"),
                "warning",
                f"scoring is ignored here: only the first one ({with_scoring[0].path}) is used",
            )
        )
    if scoring is not None:
        for type_name, weights in scoring.types.items():
            if not weights:
                problems.append(Problem(files[0].path, 1, "warning", f"scoring.types.{type_name}: no elements"))
    rubric = scoring or load_scoring(content)
    for drill in drills:
        for number, turn in enumerate(drill.turns, start=2):
            for name in turn.expect:
                if name not in rubric.elements and name != CLOSING:
                    problems.append(
                        Problem(
                            drill.path,
                            turn.line,
                            "error",
                            f"drill '{drill.id}' turn {number}: expect '{name}' is not a scoring element",
                        )
                    )
    problems.extend(_settings(content, drills)[2])
    return problems


def _settings(content: Content, drills: list[Drill]) -> tuple[TeamSettings, list[Exam], list[Problem]]:
    """Settings and exams, with the overrides and the exams' cards checked (only the articles they name)."""
    files = content.library_of("drills")
    named = {c for lib in files for e in (lib.data.get("exams") or []) if isinstance(e, dict) for c in _ids(e)}
    cards, problems = load_cards(content, referenced_articles(content, named))
    settings, exams, more = load_settings(content, {d.id for d in drills}, {c.id for c in cards})
    return settings, exams, problems + more


def _ids(exam: dict) -> list[str]:
    value = exam.get("cards") or []
    return [str(v) for v in value] if isinstance(value, list) else []
