"""Checker rule files (`kind: rules` under scripts_library/): parsing and validation into `Rule`s.

The format borrows from Vale (existence / substitution / occurrence rules, three levels), prh
(`specs` a rule must satisfy) and LanguageTool (examples that double as tests, antipatterns as
`unless`). A knowledge manager writes phrases; the checker compiles them once. See docs/authoring.md.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from app.core.content.model import ERROR, LibraryFile, Problem, ProblemCollector
from app.core.text.squeeze import squeeze
from app.core.vocab import AUDIENCES, CHANNELS, LEVELS, WARNING_LEVEL

REASONS = (
    "推诿",
    "甩锅",
    "指责",
    "态度",
    "催促",
    "拒绝",
    "过度承诺",
    "消极应急",
    "术语",
    "称呼",
    "敏感话题",
    "歧视",
    "表情",
    "隐私",
    "违规",
    "渠道",
    "用语",
)
DETECTORS = ("mobile", "landline", "id_card", "bank_card", "email")

RULE_KEYS = {
    "id",
    "level",
    "reason",
    "message",
    "phrases",
    "words",
    "regex",
    "raw",
    "detect",
    "suggest",
    "unless",
    "unless_text",
    "when",
    "limit",
    "specs",
    "note",
    "link",
}
FILE_KEYS = {"kind", "name", "description", "defaults", "rules"}
DEFAULT_KEYS = {"level", "reason", "when"}


@dataclass(frozen=True)
class Spec:
    """A text the rule must flag (`flag: true`) or must leave alone, checked in one context."""

    text: str
    flag: bool
    line: int
    audience: str | None = None
    channel: str | None = None


@dataclass
class Rule:
    """One compiled-ready rule; patterns are already folded (繁→简, half width, lower case)."""

    id: str
    level: str
    reason: str
    message: str
    path: str = ""
    line: int = 1
    phrases: tuple[str, ...] = ()
    words: tuple[str, ...] = ()
    regex: str | None = None
    raw: bool = False
    detect: str | None = None
    suggest: tuple[str, ...] = ()
    unless: tuple[str, ...] = ()
    unless_text: tuple[str, ...] = ()
    audiences: frozenset[str] | None = None
    channels: frozenset[str] | None = None
    limit: int | None = None
    link: str = ""
    specs: list[Spec] = field(default_factory=list)

    def applies(self, audience: str, channel: str) -> bool:
        """True when the rule's `when` conditions hold for this audience and channel."""
        return (self.audiences is None or audience in self.audiences) and (
            self.channels is None or channel in self.channels
        )


def parse_rule_files(files: Iterable[LibraryFile]) -> tuple[list[Rule], list[Problem]]:
    """Rules from every `kind: rules` file, with file:line problems; duplicate ids are reported and dropped."""
    rules: list[Rule] = []
    problems: list[Problem] = []
    seen: dict[str, Rule] = {}
    for lib in files:
        file_rules, file_problems = parse_rule_file(lib)
        problems.extend(file_problems)
        for rule in file_rules:
            if rule.id in seen:
                other = seen[rule.id]
                problems.append(
                    Problem(
                        rule.path,
                        rule.line,
                        ERROR,
                        f"duplicate rule id '{rule.id}' (also in {other.path}:{other.line})",
                    )
                )
                continue
            seen[rule.id] = rule
            rules.append(rule)
    return rules, problems


def parse_rule_file(lib: LibraryFile) -> tuple[list[Rule], list[Problem]]:
    """The rules of one library file; a broken rule is skipped with a problem, the others still load."""
    problems: list[Problem] = []
    report = ProblemCollector(problems, lib.path)
    data = lib.data
    for key in data:
        if key not in FILE_KEYS:
            report.warning(
                _line_of(data, key), f"unknown key '{key}' in a rules file (known: {', '.join(sorted(FILE_KEYS))})"
            )
    defaults = data.get("defaults") or {}
    if not isinstance(defaults, dict):
        report.error(_line_of(data, "defaults"), "'defaults' must be a mapping like {level: error, reason: 推诿}")
        defaults = {}
    for key in defaults:
        if key not in DEFAULT_KEYS:
            report.warning(_line_of(defaults, key), f"unknown key '{key}' in defaults (known: level, reason, when)")
    items = data.get("rules")
    if not isinstance(items, list):
        report.error(_line_of(data, "rules"), "a rules file needs 'rules:' followed by a list of rules")
        return [], problems
    rules: list[Rule] = []
    for index, item in enumerate(items):
        rule = _parse_rule(item, index, defaults, lib.path, _line_of(data, "rules"), report)
        if rule is not None:
            rules.append(rule)
    return rules, problems


def _line_of(mapping: Any, key: str) -> int:
    return mapping.line_of(key) if hasattr(mapping, "line_of") else 1


def _parse_rule(
    item: Any, index: int, defaults: dict, path: str, list_line: int, report: ProblemCollector
) -> Rule | None:
    if not isinstance(item, dict):
        report.error(list_line, f"rule #{index + 1} must be a mapping with at least id, message and what it matches")
        return None
    line = getattr(item, "line", list_line)
    for key in item:
        if key not in RULE_KEYS:
            report.warning(
                _line_of(item, key), f"unknown key '{key}' in a rule (known: {', '.join(sorted(RULE_KEYS))})"
            )
    rule_id = item.get("id")
    if not isinstance(rule_id, str) or not re.fullmatch(r"[^\s]{1,80}", rule_id.strip()):
        report.error(line, f"rule #{index + 1} needs an 'id' (one word, no spaces)")
        return None
    rule_id = rule_id.strip()
    where = f"rule '{rule_id}'"
    ok = True

    level = item.get("level", defaults.get("level", WARNING_LEVEL))
    if level not in LEVELS:
        report.error(_line_of(item, "level"), f"{where}: level '{level}' must be one of {' / '.join(LEVELS)}")
        ok = False
    reason = item.get("reason", defaults.get("reason"))
    if not isinstance(reason, str) or not reason.strip():
        report.error(line, f"{where}: missing 'reason' (a category such as {', '.join(REASONS[:6])} …)")
        ok = False
        reason = ""
    elif reason not in REASONS:
        report.warning(_line_of(item, "reason"), f"{where}: unusual reason '{reason}' (usual: {' '.join(REASONS)})")
    message = item.get("message")
    if not isinstance(message, str) or not message.strip():
        report.error(line, f"{where}: missing 'message' (tell the agent why the phrase is a problem)")
        ok = False
        message = ""

    phrases = _phrase_list(item, "phrases", where, report)
    words = _phrase_list(item, "words", where, report)
    unless = _phrase_list(item, "unless", where, report)
    unless_text = _phrase_list(item, "unless_text", where, report)
    suggest = _text_list(item, "suggest", where, report)

    regex = item.get("regex")
    if regex is not None:
        if not isinstance(regex, str) or not regex:
            report.error(_line_of(item, "regex"), f"{where}: 'regex' must be text")
            ok = False
            regex = None
        else:
            try:
                re.compile(regex)
            except re.error as exc:
                report.error(_line_of(item, "regex"), f"{where}: invalid regex: {exc}")
                ok = False
                regex = None
    raw = item.get("raw", False)
    if not isinstance(raw, bool):
        report.error(_line_of(item, "raw"), f"{where}: 'raw' must be true or false")
        raw = False
    detect = item.get("detect")
    if detect is not None and detect not in DETECTORS:
        report.error(_line_of(item, "detect"), f"{where}: unknown detector '{detect}' (known: {', '.join(DETECTORS)})")
        ok = False
        detect = None
    if not (phrases or words or regex or detect):
        if ok:
            report.error(line, f"{where}: says nothing to match: give phrases, words, regex or detect")
        ok = False

    limit = item.get("limit")
    if limit is not None and (not isinstance(limit, int) or isinstance(limit, bool) or limit < 0):
        report.error(_line_of(item, "limit"), f"{where}: 'limit' must be a whole number ≥ 0 (how many are allowed)")
        ok = False
        limit = None

    when = item.get("when", defaults.get("when"))
    audiences, channels = _parse_when(when, item, where, report)
    if audiences == frozenset() or channels == frozenset():
        ok = False
    link = item.get("link", "")
    specs = _parse_specs(item, where, report)
    if not ok:
        return None
    return Rule(
        id=rule_id,
        level=level,
        reason=reason.strip(),
        message=message.strip(),
        path=path,
        line=line,
        phrases=phrases,
        words=words,
        regex=regex,
        raw=raw,
        detect=detect,
        suggest=suggest,
        unless=unless,
        unless_text=unless_text,
        audiences=audiences,
        channels=channels,
        limit=limit,
        link=link if isinstance(link, str) else "",
        specs=specs,
    )


def _text_list(item: dict, key: str, where: str, report: ProblemCollector) -> tuple[str, ...]:
    value = item.get(key)
    if value is None:
        return ()
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        value = [value]
    if not isinstance(value, list):
        report.error(_line_of(item, key), f"{where}: '{key}' must be a list like [a, b]")
        return ()
    out: list[str] = []
    for entry in value:
        if isinstance(entry, (str, int, float)) and not isinstance(entry, bool):
            out.append(str(entry))
        else:
            report.error(_line_of(item, key), f"{where}: '{key}' has an item that is not text: {entry!r}"[:160])
    return tuple(out)


def _phrase_list(item: dict, key: str, where: str, report: ProblemCollector) -> tuple[str, ...]:
    out: list[str] = []
    for phrase in _text_list(item, key, where, report):
        squeezed = squeeze(phrase)
        if not squeezed:
            report.error(
                _line_of(item, key),
                f"{where}: '{key}' entry {phrase!r} has no letters left after removing spaces and punctuation",
            )
        elif squeezed not in out:
            out.append(squeezed)
    return tuple(out)


def _parse_when(
    when: Any, item: dict, where: str, report: ProblemCollector
) -> tuple[frozenset[str] | None, frozenset[str] | None]:
    if when is None:
        return None, None
    line = _line_of(item, "when")
    if not isinstance(when, dict):
        report.error(line, f"{where}: 'when' must be a mapping like {{audience: [外籍], channel: [在线]}}")
        return frozenset(), None
    result: list[frozenset[str] | None] = []
    for key, normalize, known in (
        ("audience", AUDIENCES.normalize, AUDIENCES),
        ("channel", CHANNELS.normalize, CHANNELS),
    ):
        value = when.get(key)
        if value is None:
            result.append(None)
            continue
        values = [value] if isinstance(value, str) else value
        names: set[str] = set()
        bad = False
        for v in values if isinstance(values, list) else [values]:
            name = normalize(v) if isinstance(v, str) else None
            if name is None:
                report.error(line, f"{where}: unknown {key} {v!r} in 'when' (known: {' / '.join(known)})")
                bad = True
            else:
                names.add(name)
        result.append(frozenset() if bad else frozenset(names))
    for key in when:
        if key not in ("audience", "channel"):
            report.warning(line, f"{where}: unknown condition '{key}' in 'when' (known: audience, channel)")
    return result[0], result[1]


def _parse_specs(item: dict, where: str, report: ProblemCollector) -> list[Spec]:
    value = item.get("specs")
    if value is None:
        return []
    line = _line_of(item, "specs")
    if not isinstance(value, dict):
        report.error(line, f"{where}: 'specs' must be a mapping with 'flag:' and/or 'pass:' lists")
        return []
    specs: list[Spec] = []
    for key, expected in (("flag", True), ("pass", False)):
        entries = value.get(key) or []
        if isinstance(entries, str):
            entries = [entries]
        if not isinstance(entries, list):
            report.error(_line_of(value, key), f"{where}: specs '{key}' must be a list of texts")
            continue
        for entry in entries:
            spec_line = _line_of(value, key)
            if isinstance(entry, (int, float)) and not isinstance(entry, bool):
                entry = str(entry)
            if isinstance(entry, str):
                specs.append(Spec(entry, expected, spec_line))
            elif isinstance(entry, dict) and isinstance(entry.get("text"), (str, int, float)):
                audience = entry.get("audience")
                channel = entry.get("channel")
                audience = AUDIENCES.normalize(audience) if isinstance(audience, str) else None
                channel = CHANNELS.normalize(channel) if isinstance(channel, str) else None
                specs.append(
                    Spec(str(entry["text"]), expected, getattr(entry, "line", 0) or spec_line, audience, channel)
                )
            else:
                report.error(
                    spec_line, f"{where}: spec {entry!r} must be text or {{text: …, audience: …, channel: …}}"[:200]
                )
    for key in value:
        if key not in ("flag", "pass"):
            report.warning(_line_of(value, key), f"{where}: unknown specs key '{key}' (known: flag, pass)")
    return specs
