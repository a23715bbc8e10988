"""Checker rule files (`kind: rules` under scripts_library/): parsing and validation into `Rule`s.

The format borrows from Vale (existence / substitution / occurrence rules, three levels), prh
(`specs` a rule must satisfy) and LanguageTool (examples that double as tests, antipatterns as
`unless`). A knowledge manager writes phrases; the checker compiles them once. See docs/authoring.md.

Just over 500 lines: one rule's fields are validated together (_parse_rule with its field helpers), so
every problem of a rule file is reported in one pass with its line; the variant tables at the end share
the same problem collector.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from app.core.checker.regexsafe import compile_safe
from app.core.checker.scope import LANGUAGES, WITHIN
from app.core.content.model import ERROR, LibraryFile, Problem, ProblemCollector
from app.core.text.fold import fold
from app.core.text.squeeze import squeeze
from app.core.text.variants import VariantTable
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
    "unless_near",
    "unless_sentence",
    "within",
    "lang",
    "unless_question",
    "pronoun",
    "breaks",
    "pinyin",
    "spelling",
    "fix",
    "fix_pronoun",
    "better",
    "when",
    "limit",
    "specs",
    "note",
    "link",
}
FILE_KEYS = {"kind", "name", "description", "defaults", "rules", "variants", "keep"}
DEFAULT_KEYS = {"level", "reason", "when", "within", "lang", "unless_question", "pronoun", "breaks", "pinyin"}
BOOL_KEYS = ("unless_question", "breaks", "pinyin", "fix_pronoun", "raw", "spelling")


@dataclass(frozen=True)
class Spec:
    """A text the rule must flag (`flag: true`) or must leave alone, checked in one context."""

    text: str
    flag: bool
    line: int
    audience: str | None = None
    channel: str | None = None
    to: str | None = None  # a `fixed:` spec: the text after the first one-click fix


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
    better: tuple[str, ...] = ()  # phrasings to copy (not a replacement of the span)
    fix_pronoun: bool = False  # the one-click fix is the match with 你 → 您
    within: str = "sentence"  # where `unless_text` counts: clause / sentence / next (this or the next sentence)
    unless_question: bool = False  # not in a sentence that asks the customer something
    lang: str | None = None  # only in Chinese ("zh") or only in English ("en") sentences; None: both
    person: bool = True  # 你 and 您 alike (pronoun: exact turns it off)
    breaks: bool = True  # a comma or line break inside a long phrase is still the phrase
    pinyin: bool = True  # the phrases' pinyin and initials are caught (as a warning)
    spelling: bool = False  # the rule is about a spelling (木有): match before the homophone table
    unless_sentence: tuple[str, ...] = ()  # exceptions that count in the match's own sentence (已过期的…不予补发)
    unless_raw: tuple[str, ...] = ()  # `unless` as written (folded): exceptions for detector hits (e-mail …)
    base: bool = False  # a default rule shipped with the app

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
    if items is None and "variants" in data:
        return [], problems  # a variant table only
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
                compile_safe(regex)
            except ValueError as exc:
                report.error(_line_of(item, "regex"), f"{where}: {exc}")
                ok = False
                regex = None
    flags = {key: _flag(item, defaults, key, where, report) for key in BOOL_KEYS}
    raw = flags["raw"]
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
    within = item.get("within", defaults.get("within", "sentence"))
    if within not in WITHIN:
        report.error(_line_of(item, "within"), f"{where}: 'within' must be one of {' / '.join(WITHIN)}")
        within = "sentence"
    lang = item.get("lang", defaults.get("lang"))
    if lang is not None and lang not in LANGUAGES:
        report.error(_line_of(item, "lang"), f"{where}: 'lang' must be zh (Chinese sentences) or en (English ones)")
        lang = None
    pronoun = item.get("pronoun", defaults.get("pronoun", "person"))
    if pronoun not in ("person", "exact"):
        report.error(_line_of(item, "pronoun"), f"{where}: 'pronoun' must be person (你/您 alike) or exact")
        pronoun = "person"
    unless_near = unless_text + tuple(
        u for u in _phrase_list(item, "unless_near", where, report) if u not in unless_text
    )
    fixes, better = _fixes(item, suggest, specs, flags["fix_pronoun"], where, report)
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
        suggest=fixes,
        unless=unless,
        unless_text=unless_near,
        audiences=audiences,
        channels=channels,
        limit=limit,
        link=link if isinstance(link, str) else "",
        specs=specs,
        better=better,
        fix_pronoun=flags["fix_pronoun"],
        within=within,
        unless_question=flags["unless_question"],
        lang=lang,
        person=pronoun == "person",
        breaks=flags["breaks"],
        pinyin=flags["pinyin"],
        spelling=flags["spelling"],
        unless_sentence=_phrase_list(item, "unless_sentence", where, report),
        unless_raw=tuple(fold(u) for u in _text_list(item, "unless", where, report) if "@" in u or u[:1].isdigit()),
    )


def _flag(item: dict, defaults: dict, key: str, where: str, report: ProblemCollector) -> bool:
    value = item.get(key, defaults.get(key, _FLAG_DEFAULTS[key]))
    if not isinstance(value, bool):
        report.error(_line_of(item, key), f"{where}: '{key}' must be true or false")
        return _FLAG_DEFAULTS[key]
    return value


_FLAG_DEFAULTS = {
    "unless_question": False,
    "breaks": True,
    "pinyin": True,
    "fix_pronoun": False,
    "raw": False,
    "spelling": False,
}


def _fixes(
    item: dict, suggest: tuple[str, ...], specs: list[Spec], fix_pronoun: bool, where: str, report: ProblemCollector
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(one-click fixes, phrasings to copy): `fix` and `suggest` are fixes only when a `fixed:` spec proves
    the result; otherwise they are shown as a better phrasing, never put in place of the span."""
    fix = _text_list(item, "fix", where, report)
    better = _text_list(item, "better", where, report)
    proven = any(spec.to is not None for spec in specs)
    if fix and not proven:
        report.error(
            _line_of(item, "fix"),
            f"{where}: 'fix' needs a 'fixed:' spec showing the text after the fix "
            "(specs: {fixed: [{text: …, to: …}]}); without one it would be a blind replacement",
        )
        return (), better + fix
    if fix_pronoun and (fix or suggest) and proven:
        report.warning(_line_of(item, "fix_pronoun"), f"{where}: 'fix_pronoun' and 'fix' both given: 'fix' is used")
    if fix:
        return fix, better + tuple(s for s in suggest if s not in fix)
    if proven and suggest:
        return suggest, better
    return (), better + tuple(s for s in suggest if s and s not in better)


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
    for key, expected in (("flag", True), ("pass", False), ("fixed", True)):
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
            if key == "fixed":
                if isinstance(entry, dict) and isinstance(entry.get("text"), str) and isinstance(entry.get("to"), str):
                    specs.append(Spec(entry["text"], True, getattr(entry, "line", 0) or spec_line, to=entry["to"]))
                else:
                    report.error(
                        spec_line, f"{where}: a 'fixed' spec is {{text: what the agent wrote, to: after the fix}}"
                    )
                continue
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
        if key not in ("flag", "pass", "fixed"):
            report.warning(_line_of(value, key), f"{where}: unknown specs key '{key}' (known: flag, pass, fixed)")
    return specs


def parse_variant_tables(files: Iterable[LibraryFile]) -> tuple[VariantTable, list[Problem]]:
    """The homophone / abbreviation table from every rules file's `variants:` and `keep:` (docs/authoring.md)."""
    tables: list[VariantTable] = []
    problems: list[Problem] = []
    for lib in files:
        data = lib.data
        if "variants" not in data and "keep" not in data:
            continue
        report = ProblemCollector(problems, lib.path)
        mapping = data.get("variants") or {}
        if not isinstance(mapping, dict):
            report.error(
                _line_of(data, "variants"), "'variants' must map a word to its spellings, like {没有: [木有, 莫有]}"
            )
            continue
        entries: dict[str, list[str]] = {}
        for canonical, spellings in mapping.items():
            line = _line_of(mapping, canonical)
            if isinstance(spellings, str):
                spellings = [spellings]
            target = squeeze(str(canonical))
            if not target or not isinstance(spellings, list):
                report.error(line, f"variants '{canonical}': give a word and a list of spellings")
                continue
            for spelling in spellings:
                key = squeeze(str(spelling))
                if not key or key == target:
                    report.warning(line, f"variants '{canonical}': spelling {spelling!r} changes nothing")
                    continue
                entries.setdefault(target, []).append(key)
        keep = [squeeze(str(k)) for k in (data.get("keep") or []) if isinstance(k, (str, int)) and squeeze(str(k))]
        tables.append(VariantTable.from_mapping(entries, keep))
    return VariantTable.merged(tables), problems
