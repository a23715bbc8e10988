"""Triage of a customer message: problem type, priority and emotion, each with the cues that decided it.

The cues live in `scripts_library/**/*.yaml` files with `kind: triage`, so a knowledge manager tunes
them without code. Matching runs on `fold(message)` (繁→简, full-width→half-width, lower case), which
keeps offsets, so every cue points at the characters the customer actually typed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from app.core.content.model import ERROR, WARNING, Content, LibraryFile, Problem
from app.core.fileio.yamlsafe import line_of
from app.core.text.fold import fold
from app.core.vocab import ANGRY, ANXIOUS, ARTICLE_TYPES, COMPLAINT, FAULT, HIGH, INQUIRY, NEUTRAL, NORMAL, SUGGESTION

# When two emotions score the same, the stronger one is what the agent must handle first.
_EMOTION_ORDER = (ANGRY, ANXIOUS)
ANGER_TO_COMPLAINT = 1.0  # weight of the angry emotion's score added to 投诉 (tuned on the compose dev set)
_TOP_KEYS = {"kind", "default_type", "type_order", "types", "priority", "emotion"}


@dataclass(frozen=True)
class Cue:
    """One cue that fired: which field it decided, the value, the text as typed and why."""

    field: str  # "type" | "priority" | "emotion"
    value: str  # e.g. "投诉", "high", "angry"
    text: str  # the matched characters of the original message
    start: int
    end: int
    reason: str = ""  # e.g. "账户被盗" for a priority cue
    topic: bool = True  # False when the cue's words say what kind of reply, not what the message is about

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "field": self.field,
            "value": self.value,
            "cue": self.text,
            "start": self.start,
            "end": self.end,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class Triage:
    """The triage of one message; `cues` explains every decision."""

    type: str
    priority: str
    emotion: str
    cues: tuple[Cue, ...] = ()
    type_from_cues: bool = True  # False when no type cue fired and the default was used

    def to_dict(self) -> dict[str, Any]:
        """JSON form: {type, priority, emotion, cues}."""
        return {
            "type": self.type,
            "priority": self.priority,
            "emotion": self.emotion,
            "cues": [c.to_dict() for c in self.cues],
        }


@dataclass(frozen=True)
class _Matcher:
    """A compiled cue: a folded phrase or a regular expression, with a weight and a display label."""

    regex: re.Pattern[str]
    weight: float
    label: str
    topic: bool = True  # False: the words say what kind of reply is needed (投诉, 曝光), not what it is about


@dataclass
class TriageRules:
    """Compiled cues: per type, per high-priority reason and per emotion."""

    default_type: str = INQUIRY
    type_order: tuple[str, ...] = (COMPLAINT, FAULT, SUGGESTION, INQUIRY)
    types: dict[str, list[_Matcher]] = field(default_factory=dict)
    priority: dict[str, list[_Matcher]] = field(default_factory=dict)  # reason -> matchers (all mean high)
    emotion: dict[str, list[_Matcher]] = field(default_factory=dict)

    def merge(self, other: TriageRules) -> None:
        """Add another file's cues to these (several triage files extend each other)."""
        for target, source in (
            (self.types, other.types),
            (self.priority, other.priority),
            (self.emotion, other.emotion),
        ):
            for key, matchers in source.items():
                target.setdefault(key, []).extend(matchers)


def parse_triage(files: list[LibraryFile]) -> tuple[TriageRules, list[Problem]]:
    """Compile `kind: triage` files; every mistake is a Problem with file and line, never an exception."""
    rules = TriageRules()
    problems: list[Problem] = []
    for index, lib in enumerate(files):
        part, found = _parse_one(lib)
        problems.extend(found)
        if index == 0:  # the first file (in path order) sets the default type and the tie order
            rules.default_type, rules.type_order = part.default_type, part.type_order
        rules.merge(part)
    return rules, problems


def _parse_one(lib: LibraryFile) -> tuple[TriageRules, list[Problem]]:
    data = lib.data
    problems: list[Problem] = []

    def error(line: int, message: str) -> None:
        problems.append(Problem(lib.path, max(1, line), ERROR, message))

    def warning(line: int, message: str) -> None:
        problems.append(Problem(lib.path, max(1, line), WARNING, message))

    rules = TriageRules()
    for key in data:
        if key not in _TOP_KEYS:
            warning(data.line_of(key), f"unknown key '{key}' in a triage file (known: {', '.join(sorted(_TOP_KEYS))})")
    default_type = data.get("default_type", INQUIRY)
    if default_type not in ARTICLE_TYPES:
        error(data.line_of("default_type"), f"unknown type '{default_type}' (known: {', '.join(ARTICLE_TYPES)})")
    else:
        rules.default_type = default_type
    order = data.get("type_order")
    if order is not None:
        if not isinstance(order, list) or any(t not in ARTICLE_TYPES for t in order):
            error(data.line_of("type_order"), f"type_order must list types from {', '.join(ARTICLE_TYPES)}")
        else:
            rules.type_order = tuple(order) + tuple(t for t in ARTICLE_TYPES if t not in order)

    types = data.get("types", {})
    if not isinstance(types, dict):
        error(data.line_of("types"), "types must map a problem type to a list of cues")
        types = {}
    for type_name, cues in types.items():
        line = line_of(types, type_name, data.line_of("types"))
        if type_name not in ARTICLE_TYPES:
            error(line, f"unknown type '{type_name}' (known: {', '.join(ARTICLE_TYPES)})")
            continue
        rules.types[type_name] = _matchers(cues, line, error)

    priority = data.get("priority", {})
    if not isinstance(priority, dict):
        error(data.line_of("priority"), "priority must be a mapping with 'high:'")
        priority = {}
    for level, reasons in priority.items():
        line = line_of(priority, level)
        if level != HIGH:
            error(line, f"unknown priority '{level}': only 'high' has cues (everything else is normal)")
            continue
        if not isinstance(reasons, dict):
            error(line, "priority.high must map a reason (e.g. 账户被盗) to a list of cues")
            continue
        for reason, cues in reasons.items():
            rules.priority[str(reason)] = _matchers(cues, line_of(reasons, reason), error)

    emotion = data.get("emotion", {})
    if not isinstance(emotion, dict):
        error(data.line_of("emotion"), "emotion must map angry/anxious to a list of cues")
        emotion = {}
    for name, cues in emotion.items():
        line = line_of(emotion, name, data.line_of("emotion"))
        if name not in _EMOTION_ORDER:
            error(line, f"unknown emotion '{name}' (known: {', '.join(_EMOTION_ORDER)}; neutral is the default)")
            continue
        rules.emotion[name] = _matchers(cues, line, error)
    return rules, problems


def _matchers(cues: Any, line: int, error: Any) -> list[_Matcher]:
    """A cue list: strings are phrases; mappings are {phrase|pattern, weight, label}."""
    if not isinstance(cues, list):
        error(line, "expected a list of cues, e.g. [投诉, 曝光]")
        return []
    matchers: list[_Matcher] = []
    for cue in cues:
        item_line = getattr(cue, "line", line) or line
        weight: Any = 1
        topic = True
        if isinstance(cue, (str, int, float)) and not isinstance(cue, bool):
            phrase: Any = str(cue)
            pattern: Any = None
            label = str(cue)
        elif isinstance(cue, dict):
            unknown = set(cue) - {"phrase", "pattern", "weight", "label", "topic"}
            if unknown:
                error(
                    item_line,
                    f"unknown cue key(s) {', '.join(sorted(map(str, unknown)))} "
                    "(known: phrase, pattern, weight, label, topic)",
                )
                continue
            if "topic" in cue and not isinstance(cue["topic"], bool):
                error(item_line, "cue 'topic' must be true or false")
                continue
            topic = cue.get("topic", True)
            phrase, pattern = cue.get("phrase"), cue.get("pattern")
            weight = cue.get("weight", 1)
            if (phrase is None) == (pattern is None):
                error(item_line, "a cue mapping needs exactly one of 'phrase:' or 'pattern:'")
                continue
            label = str(cue.get("label") or phrase or pattern)
        else:
            error(item_line, f"a cue must be a phrase or a mapping, not {type(cue).__name__}")
            continue
        if not isinstance(weight, (int, float)) or isinstance(weight, bool) or weight <= 0:
            error(item_line, f"cue weight must be a positive number, not {weight!r}")
            continue
        if phrase is not None:
            text = fold(str(phrase)).strip()
            if not text:
                error(item_line, "empty cue phrase")
                continue
            regex = re.compile(re.escape(text))
        else:
            try:
                regex = re.compile(fold(str(pattern)))
            except re.error as exc:
                error(item_line, f"invalid cue pattern {pattern!r}: {exc}")
                continue
            if regex.search(""):
                error(item_line, f"cue pattern {pattern!r} matches empty text")
                continue
        matchers.append(_Matcher(regex, float(weight), label, topic))
    return matchers


# "也不是说坏了", "并非质量问题": a cue the customer denies does not count.
_DENIED = re.compile(r"(?:不是说?|并非|并不是|不算|倒不是)\s*$")


def _fire(matchers: list[_Matcher], folded: str, original: str) -> list[tuple[_Matcher, int, int, str]]:
    """Each matcher that fires once (its first match not denied just before it), with the span and the
    original characters."""
    hits = []
    for m in matchers:
        for found in m.regex.finditer(folded):
            if found.end() > found.start() and not _DENIED.search(folded[max(0, found.start() - 5) : found.start()]):
                hits.append((m, found.start(), found.end(), original[found.start() : found.end()]))
                break
    return hits


def triage(message: str, cues: TriageRules) -> Triage:
    """Classify a message by its cues: type (highest cue weight, ties by type_order), priority, emotion."""
    folded = fold(message)
    fired: list[Cue] = []

    emotion_scores: dict[str, float] = {}
    emotion_cues: dict[str, list[Cue]] = {}
    for name in _EMOTION_ORDER:
        for m, start, end, text in _fire(cues.emotion.get(name, []), folded, message):
            emotion_scores[name] = emotion_scores.get(name, 0.0) + m.weight
            emotion_cues.setdefault(name, []).append(Cue("emotion", name, text, start, end, m.label))
    top = max(emotion_scores.values(), default=0.0)
    emotion = next((e for e in _EMOTION_ORDER if top > 0 and emotion_scores.get(e, 0.0) == top), NEUTRAL)
    # Two cues on the same characters (the "!!" and "!!!" patterns) are shown once, by the more specific label.
    by_span = {(c.start, c.end): c for c in emotion_cues.get(emotion, [])}
    fired.extend(by_span.values())

    type_scores: dict[str, float] = {}
    for type_name in cues.type_order:
        for m, start, end, text in _fire(cues.types.get(type_name, []), folded, message):
            type_scores[type_name] = type_scores.get(type_name, 0.0) + m.weight
            fired.append(Cue("type", type_name, text, start, end, m.label, m.topic))
    if emotion == ANGRY and top > 0:
        # Anger is dissatisfaction: it counts toward 投诉 (a question asked angrily is a complaint).
        type_scores[COMPLAINT] = type_scores.get(COMPLAINT, 0.0) + ANGER_TO_COMPLAINT * top
    best = max(type_scores.values(), default=0.0)
    if best > 0:
        chosen_type = next(t for t in cues.type_order if type_scores.get(t, 0.0) == best)
        fired = [c for c in fired if c.field != "type" or c.value == chosen_type]
    else:
        chosen_type = cues.default_type

    priority = NORMAL
    for reason, matchers in cues.priority.items():
        for _m, start, end, text in _fire(matchers, folded, message):
            priority = HIGH
            fired.append(Cue("priority", HIGH, text, start, end, reason))

    fired.sort(key=lambda c: (c.start, ("type", "priority", "emotion").index(c.field)))
    return Triage(chosen_type, priority, emotion, tuple(fired), type_from_cues=best > 0)


def load_triage(content: Content, fallback: Content | None = None) -> tuple[TriageRules, list[Problem]]:
    """The content root's triage cues, else the fallback's (the bundled ones) when it has none."""
    files = content.library_of("triage")
    if not files and fallback is not None:
        files = fallback.library_of("triage")
    return parse_triage(files)
