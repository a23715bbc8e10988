"""The team's training settings and exams (`settings:` and `exams:` in a `kind: drills` file).

They live in the content root, so a knowledge manager sets them once and sync brings them to every
trainee: whether progress is published to the share (off / named / pseudonymous — opt-in), how many
new cards a day, the review backlog limit, the answer times that rate a card Easy or Hard, and the
fixed exams (drills and cards, an optional time limit, a pass mark).
"""

from __future__ import annotations

from dataclasses import dataclass

from app.core.content.model import Content, Problem, ProblemCollector
from app.core.fileio.yamlsafe import LineDict
from app.core.training.drills import text_list

OFF, NAMED, PSEUDONYMOUS = "off", "named", "pseudonymous"
PUBLISH_MODES = {OFF: "不共享", NAMED: "实名共享", PSEUDONYMOUS: "匿名共享"}
SETTING_FIELDS = {"publish_progress", "new_cards_per_day", "max_reviews_per_day", "fast_seconds", "slow_seconds"}
EXAM_FIELDS = {"id", "title", "drills", "cards", "time_limit_min", "pass_mark", "note"}


@dataclass(frozen=True)
class TeamSettings:
    """How training runs for this team."""

    publish: str = OFF  # off | named | pseudonymous
    new_cards_per_day: int = 20
    max_reviews_per_day: int = 200  # the backlog limit: more due cards wait for another day
    fast_seconds: int = 8  # a right answer this fast rates Easy
    slow_seconds: int = 40  # a right answer slower than this rates Hard


@dataclass(frozen=True)
class Exam:
    """A fixed set of drills and cards, with an optional time limit and a pass mark."""

    id: str
    title: str
    drills: tuple[str, ...] = ()
    cards: tuple[str, ...] = ()
    time_limit_min: int = 0  # 0: no limit
    pass_mark: int = 75
    note: str = ""
    path: str = ""
    line: int = 1

    @property
    def items(self) -> list[tuple[str, str]]:
        """(kind, id) of every item in exam order: drills first, then cards."""
        return [("drill", d) for d in self.drills] + [("card", c) for c in self.cards]


def load_settings(
    content: Content, drill_ids: set[str], card_ids: set[str]
) -> tuple[TeamSettings, list[Exam], list[Problem]]:
    """The first `settings:` section (defaults without one), every exam, and their problems."""
    problems: list[Problem] = []
    settings: TeamSettings | None = None
    exams: list[Exam] = []
    seen: set[str] = set()
    for lib in content.library_of("drills"):
        report = ProblemCollector(problems, lib.path)
        raw = lib.data.get("settings")
        if raw is not None:
            if settings is not None:
                report.warning(lib.data.line_of("settings"), "settings are ignored here: only the first ones are used")
            elif not isinstance(raw, LineDict):
                report.error(lib.data.line_of("settings"), "'settings' must be a mapping")
            else:
                settings = _settings(raw, report)
        block = lib.data.get("exams")
        if block is None:
            continue
        if not isinstance(block, list):
            report.error(lib.data.line_of("exams"), "'exams' must be a list (- id: …)")
            continue
        for entry in block:
            exam = _exam(entry, report, drill_ids, card_ids, lib.data.line_of("exams"))
            if exam is None:
                continue
            if exam.id in seen:
                report.error(exam.line, f"duplicate exam id '{exam.id}'")
                continue
            seen.add(exam.id)
            exams.append(exam)
    return settings or TeamSettings(), exams, problems


def _whole(raw: LineDict, key: str, default: int, low: int, high: int, report: ProblemCollector, where: str) -> int:
    value = raw.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        report.error(raw.line_of(key), f"{where}.{key}: must be a whole number from {low} to {high}")
        return default
    return value


def _settings(raw: LineDict, report: ProblemCollector) -> TeamSettings:
    for key in raw:
        if key not in SETTING_FIELDS:
            report.warning(
                raw.line_of(key), f"settings: unknown key '{key}' (known: {', '.join(sorted(SETTING_FIELDS))})"
            )
    defaults = TeamSettings()
    publish = raw.get("publish_progress", OFF)
    if publish is False or publish is None:
        publish = OFF
    if publish not in PUBLISH_MODES:
        report.error(raw.line_of("publish_progress"), f"settings.publish_progress: use {' / '.join(PUBLISH_MODES)}")
        publish = OFF
    fast = _whole(raw, "fast_seconds", defaults.fast_seconds, 1, 600, report, "settings")
    slow = _whole(raw, "slow_seconds", defaults.slow_seconds, 2, 3600, report, "settings")
    if slow <= fast:
        report.error(raw.line_of("slow_seconds"), "settings.slow_seconds must be more than fast_seconds")
        fast, slow = defaults.fast_seconds, defaults.slow_seconds
    return TeamSettings(
        str(publish),
        _whole(raw, "new_cards_per_day", defaults.new_cards_per_day, 0, 1000, report, "settings"),
        _whole(raw, "max_reviews_per_day", defaults.max_reviews_per_day, 1, 10000, report, "settings"),
        fast,
        slow,
    )


def _exam(entry: object, report: ProblemCollector, drill_ids: set[str], card_ids: set[str], line: int) -> Exam | None:
    if not isinstance(entry, LineDict):
        report.error(line, "an exam must be a mapping with id, title, drills and/or cards")
        return None
    exam_id, title = entry.get("id"), entry.get("title")
    if not isinstance(exam_id, str) or not exam_id.strip() or not isinstance(title, str) or not title.strip():
        report.error(entry.line, "an exam needs 'id' and 'title'")
        return None
    where = f"exam '{exam_id}'"
    for key in entry:
        if key not in EXAM_FIELDS:
            report.warning(
                entry.line_of(key), f"{where}: unknown field '{key}' (known: {', '.join(sorted(EXAM_FIELDS))})"
            )
    drills = [d for d in text_list(entry, "drills", where, report)]
    cards = [c for c in text_list(entry, "cards", where, report)]
    for name, ids, known in (("drill", drills, drill_ids), ("card", cards, card_ids)):
        for item in [i for i in ids if i not in known]:
            report.error(entry.line_of(f"{name}s"), f"{where}: unknown {name} '{item}' (left out of the exam)")
            ids.remove(item)
    if not drills and not cards:
        report.error(entry.line, f"{where}: has no drills or cards")
        return None
    note = entry.get("note", "")
    return Exam(
        exam_id.strip(),
        title.strip(),
        tuple(drills),
        tuple(cards),
        _whole(entry, "time_limit_min", 0, 0, 600, report, where),
        _whole(entry, "pass_mark", 75, 1, 100, report, where),
        note.strip() if isinstance(note, str) else "",
        report.path,
        entry.line,
    )
