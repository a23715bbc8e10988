"""What training needs from one loaded content root, built once per load: drills, rubric, cards, team settings."""

from __future__ import annotations

from dataclasses import dataclass, field

from app.core.checker.match import Checker
from app.core.compose.library import ReplyLibrary
from app.core.content.model import Content, Problem
from app.core.training.cards import Card, load_cards
from app.core.training.drills import Drill, load_drills
from app.core.training.facts import known_paths
from app.core.training.rubric import CLOSING, Scoring, load_scoring, parse_scoring
from app.core.training.scoring import Services, template_texts
from app.core.training.settings import Exam, TeamSettings, load_settings
from app.core.training.substance import Grounding


@dataclass
class TrainingLibrary:
    """The drills of a content root, the rubric they are graded by, the quiz cards of its articles, and the
    team's training settings and exams."""

    drills: list[Drill] = field(default_factory=list)
    scoring: Scoring | None = None
    problems: list[Problem] = field(default_factory=list)
    cards: list[Card] = field(default_factory=list)
    settings: TeamSettings = field(default_factory=TeamSettings)
    exams: list[Exam] = field(default_factory=list)
    grounding: Grounding = field(default_factory=Grounding)
    paths: set[tuple[str, ...]] = field(default_factory=set)

    @classmethod
    def build(cls, content: Content) -> TrainingLibrary:
        """Parse the drills, the rubric (falls back to the bundled one), cards, settings and exams of `content`."""
        drills, problems = load_drills(content)
        cards, card_problems = load_cards(content)
        settings, exams, setting_problems = load_settings(content, {d.id for d in drills}, {c.id for c in cards})
        return cls(
            drills,
            load_scoring(content),
            problems + card_problems + setting_problems,
            cards,
            settings,
            exams,
            Grounding.build(content),
            known_paths(content),
        )

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
        return Services(content, checker, scoring, replies, self.grounding, self.paths, template_texts(replies))


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
    cards, card_problems = load_cards(content)
    problems.extend(card_problems)
    _, _, setting_problems = load_settings(content, {d.id for d in drills}, {c.id for c in cards})
    problems.extend(setting_problems)
    return problems
