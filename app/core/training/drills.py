"""The drill format (`kind: drills` files under scripts_library/): one-turn drills and conversations that react.

A drill is a customer message with its type, audience, channel, emotion, the article holding the facts
and the key facts a good reply states. A conversation adds a persona (name, mood, patience) and
`turns`: after each reply the customer answers with the turn's `calm`, `neutral` or `escalate`
message, depending on how the reply was received (see `conversation.py`). Problems are reported at
file:line and the rest of the file still loads.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from app.core.content.model import Content, Problem, ProblemCollector
from app.core.fileio.yamlsafe import LineDict
from app.core.vocab import ARTICLE_TYPES, AUDIENCES, CHANNELS, EMOTIONS, GENERAL, ONLINE

DRILL_FIELDS = {
    "id",
    "title",
    "type",
    "message",
    "audience",
    "channel",
    "emotion",
    "article",
    "facts",
    "hint",
    "values",
    "persona",
    "turns",
}
TURN_FIELDS = {"calm", "neutral", "escalate", "leave", "facts", "expect", "hint", "article"}
PERSONA_FIELDS = {"name", "mood", "patience"}
# The top-level keys of a training library file; each is read by the module that owns it.
FILE_FIELDS = {"kind", "name", "note", "scoring", "drills", "cards", "settings", "exams"}
MAX_TURNS = 8
_ID_OK = re.compile(r"^[^\s/\\]{1,120}$")


@dataclass(frozen=True)
class Persona:
    """Who the customer of a conversation is: a name, a starting mood and how many bad replies they take."""

    name: str = "客户"
    mood: str = ""  # "" or a key of vocab.EMOTIONS
    patience: int = 2


@dataclass(frozen=True)
class Turn:
    """The customer's next message after a reply, by how the reply was received, and what it must answer."""

    calm: str
    escalate: str
    neutral: str = ""  # a so-so reply; without it the customer reacts as to a bad one
    leave: str = ""  # what the customer says when their patience runs out (the latest one written so far counts)
    facts: tuple[str, ...] = ()
    expect: tuple[str, ...] = ()  # rubric elements the reply to this message must show
    hint: str = ""
    article: str = ""
    line: int = 1


@dataclass(frozen=True)
class Drill:
    """One practice case: what the customer writes and what a good reply must contain."""

    id: str
    title: str
    type: str  # 咨询 | 投诉 | 建议 | 故障
    message: str
    audience: str = GENERAL  # a key of vocab.AUDIENCES
    channel: str = ONLINE  # a key of vocab.CHANNELS
    emotion: str = ""  # "" or a key of vocab.EMOTIONS
    article: str = ""
    facts: tuple[str, ...] = ()
    hint: str = ""
    path: str = ""
    line: int = 1
    values: tuple[tuple[str, str], ...] = ()  # placeholder values for the model answer ({反馈时间: 今天18点})
    persona: Persona | None = None
    turns: tuple[Turn, ...] = ()

    @property
    def is_conversation(self) -> bool:
        """True when the customer answers the reply (the drill has turns)."""
        return bool(self.turns)

    @property
    def replies_needed(self) -> int:
        """How many replies the trainee writes when the customer never loses patience."""
        return 1 + len(self.turns)


def load_drills(content: Content) -> tuple[list[Drill], list[Problem]]:
    """The drills of every `kind: drills` file, in file order, and the format problems found on the way."""
    drills: list[Drill] = []
    problems: list[Problem] = []
    seen: dict[str, str] = {}
    for lib in content.library_of("drills"):
        report = ProblemCollector(problems, lib.path)
        data = lib.data
        for key in data:
            if key not in FILE_FIELDS:
                report.warning(data.line_of(key), f"unknown key '{key}' (known: {', '.join(sorted(FILE_FIELDS))})")
        items = data.get("drills", [])
        if items is None:
            items = []
        if not isinstance(items, list):
            report.error(data.line_of("drills"), "'drills' must be a list of drills (- id: …)")
            continue
        for index, item in enumerate(items):
            drill = _parse_drill(item, index, data.line_of("drills"), report, content)
            if drill is None:
                continue
            if drill.id in seen:
                report.error(drill.line, f"duplicate drill id '{drill.id}' (also in {seen[drill.id]})")
                continue
            seen[drill.id] = f"{lib.path}:{drill.line}"
            drills.append(drill)
    return drills, problems


def _parse_drill(item: Any, index: int, list_line: int, report: ProblemCollector, content: Content) -> Drill | None:
    if not isinstance(item, LineDict):
        report.error(list_line, f"drill #{index + 1}: must be a mapping with id, title, type, message")
        return None
    line = item.line
    where = f"drill #{index + 1}"
    _unknown(item, DRILL_FIELDS, where, report)
    values: dict[str, str] = {}
    for key in ("id", "title", "type", "message"):
        value = item.get(key)
        if not isinstance(value, str) or not value.strip():
            report.error(item.line_of(key), f"{where}: '{key}' is required and must be text")
            return None
        values[key] = value.strip() if key != "message" else value.strip("\n")
    if not _ID_OK.match(values["id"]):
        report.error(item.line_of("id"), f"{where}: id '{values['id']}' must be one word without slashes")
        return None
    where = f"drill '{values['id']}'"
    if values["type"] not in ARTICLE_TYPES:
        report.error(
            item.line_of("type"), f"{where}: unknown type '{values['type']}' (use {' / '.join(ARTICLE_TYPES)})"
        )
        return None
    choices = {}
    for key, allowed, default in (
        ("audience", AUDIENCES, GENERAL),
        ("channel", CHANNELS, ONLINE),
        ("emotion", EMOTIONS, ""),
    ):
        raw = item.get(key, default)
        value = "" if raw in (None, "") else allowed.normalize(raw)
        if value is None:
            report.error(item.line_of(key), f"{where}: unknown {key} '{raw}' (use {' / '.join(allowed)})")
            value = default
        choices[key] = value
    article = _article(item, "article", where, report, content)
    fill = item.get("values", {}) or {}
    pairs: list[tuple[str, str]] = []
    if not isinstance(fill, dict):
        report.error(item.line_of("values"), f"{where}: 'values' must map placeholder names to text")
    else:
        for name, text in fill.items():
            if not isinstance(text, (str, int, float)) or isinstance(text, bool):
                report.error(item.line_of("values"), f"{where}: value of '{name}' must be text")
                continue
            pairs.append((str(name), str(text)))
    persona = _persona(item, where, report, choices["emotion"])
    turns = _turns(item, where, report, content)
    if turns and persona is None:
        persona = Persona(mood=choices["emotion"])
    return Drill(
        values["id"],
        values["title"],
        values["type"],
        values["message"],
        choices["audience"],
        choices["channel"],
        choices["emotion"] or (persona.mood if persona else ""),
        article,
        tuple(text_list(item, "facts", where, report)),
        _text(item, "hint", where, report),
        report.path,
        line,
        tuple(pairs),
        persona,
        turns,
    )


def _unknown(item: LineDict, known: set[str], where: str, report: ProblemCollector) -> None:
    for key in item:
        if key not in known:
            report.warning(item.line_of(key), f"{where}: unknown field '{key}' (known: {', '.join(sorted(known))})")


def _text(item: LineDict, key: str, where: str, report: ProblemCollector) -> str:
    value = item.get(key, "") or ""
    if not isinstance(value, str):
        report.error(item.line_of(key), f"{where}: '{key}' must be text")
        return ""
    return value.strip()


def _article(item: LineDict, key: str, where: str, report: ProblemCollector, content: Content) -> str:
    article = item.get(key, "") or ""
    if not isinstance(article, str):
        report.error(item.line_of(key), f"{where}: '{key}' must be an article id")
        return ""
    if article and content.article(article) is None:
        report.warning(
            item.line_of(key), f"{where}: article '{article}' does not exist (the model answer is built without it)"
        )
        return ""
    return article


def _persona(item: LineDict, where: str, report: ProblemCollector, emotion: str) -> Persona | None:
    raw = item.get("persona")
    if raw is None:
        return None
    if not isinstance(raw, LineDict):
        report.error(item.line_of("persona"), f"{where}: 'persona' must be a mapping (name, mood, patience)")
        return None
    _unknown(raw, PERSONA_FIELDS, f"{where} persona", report)
    name = _text(raw, "name", f"{where} persona", report) or "客户"
    mood = emotion
    if raw.get("mood") not in (None, ""):
        mood = EMOTIONS.normalize(raw.get("mood")) or ""
        if not mood:
            report.error(raw.line_of("mood"), f"{where}: unknown mood '{raw.get('mood')}' (use {' / '.join(EMOTIONS)})")
    patience = raw.get("patience", 2)
    if isinstance(patience, bool) or not isinstance(patience, int) or not 1 <= patience <= 5:
        report.error(raw.line_of("patience"), f"{where}: patience must be a whole number from 1 to 5")
        patience = 2
    return Persona(name, mood, patience)


def _turns(item: LineDict, where: str, report: ProblemCollector, content: Content) -> tuple[Turn, ...]:
    raw = item.get("turns")
    if raw is None:
        return ()
    if not isinstance(raw, list):
        report.error(item.line_of("turns"), f"{where}: 'turns' must be a list (- calm: … escalate: …)")
        return ()
    if len(raw) > MAX_TURNS:
        report.warning(item.line_of("turns"), f"{where}: only the first {MAX_TURNS} turns are used")
    turns = []
    for number, entry in enumerate(raw[:MAX_TURNS], start=2):
        at = f"{where} turn {number}"
        if not isinstance(entry, LineDict):
            report.error(item.line_of("turns"), f"{at}: must be a mapping with calm and escalate")
            continue
        _unknown(entry, TURN_FIELDS, at, report)
        texts = {key: _text(entry, key, at, report) for key in ("calm", "escalate", "neutral", "leave", "hint")}
        if not texts["calm"] or not texts["escalate"]:
            report.error(entry.line, f"{at}: 'calm' and 'escalate' are required (the customer's next message)")
            continue
        expect = text_list(entry, "expect", at, report)
        turns.append(
            Turn(
                texts["calm"],
                texts["escalate"],
                texts["neutral"],
                texts["leave"],
                tuple(text_list(entry, "facts", at, report)),
                tuple(expect),
                texts["hint"],
                _article(entry, "article", at, report, content),
                entry.line,
            )
        )
    return tuple(turns)


def text_list(item: LineDict, key: str, where: str, report: ProblemCollector) -> list[str]:
    """A list of non-empty texts (a single text is a list of one); bad entries are reported and dropped."""
    value = item.get(key, []) or []
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        value = [value]
    if not isinstance(value, list):
        report.error(item.line_of(key), f"{where}: '{key}' must be a list of texts")
        return []
    out = []
    for entry in value:
        if isinstance(entry, bool) or not isinstance(entry, (str, int, float)) or not str(entry).strip():
            report.error(item.line_of(key), f"{where}: every entry of '{key}' must be non-empty text")
            continue
        out.append(str(entry).strip())
    return out


def drill_to_dict(drill: Drill) -> dict[str, Any]:
    """A drill as JSON."""
    out: dict[str, Any] = {
        "id": drill.id,
        "title": drill.title,
        "type": drill.type,
        "message": drill.message,
        "audience": drill.audience,
        "channel": drill.channel,
        "emotion": drill.emotion,
        "article": drill.article,
        "facts": list(drill.facts),
        "hint": drill.hint,
        "path": drill.path,
        "line": drill.line,
    }
    if drill.is_conversation and drill.persona is not None:
        out["persona"] = {"name": drill.persona.name, "mood": drill.persona.mood, "patience": drill.persona.patience}
        out["turns"] = len(drill.turns)
    return out
