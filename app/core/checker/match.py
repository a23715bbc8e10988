"""The reply checker: 禁忌话术, over-promises, tone and personal data, with reasons, suggestions and fixes.

All phrase, word and exception patterns go into ONE Aho-Corasick automaton, built once. A draft is
folded (繁→简, half width, lower case — same length) and squeezed (spaces, punctuation, zero-width
characters, emoji codes and placeholders removed) with an index map back to the original, so
"我 不-知道" and "我不知道" are the same match and the marked span is exactly what the agent typed.
Regex rules run on the same squeezed text, and only when a literal they require occurs there.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import ahocorasick

from app.core.checker.prefilter import regex_info
from app.core.checker.rules import Rule, parse_rule_files
from app.core.content.model import ERROR, Content, Problem
from app.core.text.fold import fold
from app.core.text.pii import find_pii
from app.core.text.squeeze import squeeze_with_map
from app.core.vocab import AUDIENCES, CHANNELS, GENERAL, LEVEL_RANK, ONLINE

# A natural sentence boundary inside a match means two sentences, not an evasion ("尽快,点击" ≠ "快点").
_STRONG = frozenset(",.!?;:、。!?;:…\n\r")
_TAG_PHRASE, _TAG_WORD, _TAG_UNLESS, _TAG_UNLESS_TEXT, _TAG_FACTOR = range(5)


@dataclass(frozen=True)
class CheckContext:
    """Who the reply is for and where it is sent: rules with `when` conditions depend on it."""

    audience: str = GENERAL
    channel: str = ONLINE


@dataclass(frozen=True)
class Finding:
    """One problem in the checked text; `start`/`end` are character offsets into that text."""

    start: int
    end: int
    text: str
    rule: str
    level: str
    reason: str
    message: str
    suggestions: tuple[str, ...] = ()

    def as_dict(self) -> dict:
        """The JSON form `zhida check --json` prints."""
        return {
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "rule": self.rule,
            "level": self.level,
            "reason": self.reason,
            "message": self.message,
            "suggestions": list(self.suggestions),
        }


class Checker:
    """Rules compiled once; `check` runs them over a draft in a few milliseconds."""

    def __init__(self, rules: Iterable[Rule], problems: Iterable[Problem] = ()):
        self.rules: list[Rule] = list(rules)
        self.problems: list[Problem] = list(problems)
        self._by_id = {r.id: i for i, r in enumerate(self.rules)}
        # (rule index, pattern, needs a literal hit, longest possible match or 0 when unbounded)
        self._regex: list[tuple[int, re.Pattern[str], bool, int]] = []
        self._detect = [i for i, r in enumerate(self.rules) if r.detect]
        self._active_cache: dict[tuple[str, str], list[bool]] = {}
        keys: dict[str, list[tuple[int, int]]] = {}

        def add(key: str, tag: int, index: int) -> None:
            keys.setdefault(key, []).append((tag, index))

        for i, rule in enumerate(self.rules):
            for p in rule.phrases:
                add(p, _TAG_PHRASE, i)
            for w in rule.words:
                add(w, _TAG_WORD, i)
            for u in rule.unless:
                add(u, _TAG_UNLESS, i)
            for u in rule.unless_text:
                add(u, _TAG_UNLESS_TEXT, i)
            if rule.regex:
                literals, width = (None, 0) if rule.raw else regex_info(rule.regex)
                if literals:
                    for lit in literals:
                        add(fold(lit), _TAG_FACTOR, i)
                self._regex.append((i, re.compile(rule.regex), bool(literals), width))
        # Keys and text go in as UTF-8 bytes spelled as Latin-1 characters: with a 256-letter alphabet the
        # automaton's nodes stay small and a scan is about 4 times faster than over Chinese characters.
        self._automaton = ahocorasick.Automaton()
        for key, entries in keys.items():
            self._automaton.add_word(_as_bytes_text(key), (len(key), tuple(entries)))
        if keys:
            self._automaton.make_automaton()
        self._empty = not keys

    @classmethod
    def from_content(cls, content: Content) -> Checker:
        """Compile the rules of every `kind: rules` file; broken rules end up in `.problems`."""
        rules, problems = parse_rule_files(content.library_of("rules"))
        return cls(rules, problems)

    def _active(self, context: CheckContext) -> list[bool]:
        audience = AUDIENCES.normalize(context.audience) or context.audience
        channel = CHANNELS.normalize(context.channel) or context.channel
        key = (audience, channel)
        active = self._active_cache.get(key)
        if active is None:
            active = [r.applies(audience, channel) for r in self.rules]
            self._active_cache[key] = active
        return active

    def check(self, text: str, context: CheckContext | None = None) -> list[Finding]:
        """Every finding in `text` for this audience and channel, sorted by start."""
        return _drop_shadowed(self._check(text, context))

    def _check(self, text: str, context: CheckContext | None) -> list[Finding]:
        if not text or not self.rules:
            return []
        active = self._active(context or CheckContext())
        rules = self.rules
        folded = fold(text)
        stripped, kept = squeeze_with_map(folded)
        spans: dict[int, list[tuple[int, int]]] = {}  # rule index → original spans
        unless: dict[int, list[tuple[int, int]]] = {}
        suppressed: set[int] = set()
        triggered: dict[int, list[tuple[int, int]]] = {}  # rule index → literal hits in the squeezed text
        if stripped and not self._empty:
            raw = stripped.encode("utf-8", "surrogatepass")
            byte_pos = char_pos = 0
            for byte_end, (length, entries) in self._automaton.iter(raw.decode("latin-1")):
                # A whole UTF-8 key only matches on character boundaries: count characters up to its end.
                char_pos += len(raw[byte_pos : byte_end + 1].decode("utf-8", "surrogatepass"))
                byte_pos = byte_end + 1
                end = char_pos - 1
                s = end - length + 1
                for tag, ri in entries:
                    if not active[ri]:
                        continue
                    if tag == _TAG_FACTOR:
                        triggered.setdefault(ri, []).append((s, end + 1))
                        continue
                    if tag == _TAG_UNLESS_TEXT:
                        suppressed.add(ri)
                        continue
                    span = (kept[s], kept[end] + 1)
                    if not _natural(folded, kept, s, end + 1):
                        continue
                    if tag == _TAG_UNLESS:
                        unless.setdefault(ri, []).append(span)
                    elif tag == _TAG_PHRASE or _whole_word(folded, span, stripped[s : end + 1]):
                        spans.setdefault(ri, []).append(span)
        for ri, pattern, needs_literal, width in self._regex:
            if not active[ri] or (needs_literal and ri not in triggered):
                continue
            if rules[ri].raw:
                found = [m.span() for m in pattern.finditer(folded) if m.end() > m.start()]
                if found:
                    spans.setdefault(ri, []).extend(found)
                continue
            found = []
            for lo, hi in _windows(triggered.get(ri), width, len(stripped)):
                found.extend(
                    (kept[m.start()], kept[m.end() - 1] + 1)
                    for m in pattern.finditer(stripped, lo, hi)
                    if m.end() > m.start() and _natural(folded, kept, m.start(), m.end())
                )
            if found:
                spans.setdefault(ri, []).extend(found)
        pii_masks: dict[tuple[int, int], str] = {}
        detect_active = [ri for ri in self._detect if active[ri]]
        if detect_active:
            kinds = tuple({d for ri in detect_active if (d := rules[ri].detect)})
            hits = find_pii(folded, kinds)
            for ri in detect_active:
                for hit in hits:
                    if hit.kind == rules[ri].detect:
                        spans.setdefault(ri, []).append((hit.start, hit.end))
                        pii_masks[(hit.start, hit.end)] = hit.masked
        findings: list[Finding] = []
        for ri, found in spans.items():
            if ri in suppressed:
                continue
            rule = rules[ri]
            exceptions = unless.get(ri, ())
            chosen = _non_overlapping(s for s in found if not any(s[0] < ue and us < s[1] for us, ue in exceptions))
            if rule.limit is not None:
                chosen = chosen[rule.limit :]
            for start, end in chosen:
                original = text[start:end]
                suggestions = rule.suggest
                if rule.detect:
                    suggestions = (pii_masks.get((start, end), "****"), *rule.suggest)
                findings.append(
                    Finding(
                        start,
                        end,
                        original,
                        rule.id,
                        rule.level,
                        rule.reason,
                        rule.message.replace("{match}", original),
                        tuple(suggestions),
                    )
                )
        return findings

    def run_specs(self) -> list[Problem]:
        """Check every rule against its own specs; a contradiction is an error at the spec's line."""
        problems: list[Problem] = []
        for rule in self.rules:
            for spec in rule.specs:
                context = CheckContext(
                    audience=spec.audience or (sorted(rule.audiences)[0] if rule.audiences else GENERAL),
                    channel=spec.channel or (sorted(rule.channels)[0] if rule.channels else ONLINE),
                )
                flagged = any(f.rule == rule.id for f in self._check(spec.text, context))
                if flagged != spec.flag:
                    what = "should be flagged but is not" if spec.flag else "must not be flagged but is"
                    problems.append(
                        Problem(
                            rule.path, spec.line, ERROR, f"rule '{rule.id}' contradicts its spec: {spec.text!r} {what}"
                        )
                    )
        return problems


def _as_bytes_text(text: str) -> str:
    """`text` as UTF-8 bytes, one Latin-1 character per byte (what the automaton is built over)."""
    return text.encode("utf-8", "surrogatepass").decode("latin-1")


def _windows(hits: list[tuple[int, int]] | None, width: int, length: int) -> list[tuple[int, int]]:
    """Stretches of the squeezed text a match containing one of `hits` can lie in, merged."""
    if not hits or not width:
        return [(0, length)]
    windows: list[tuple[int, int]] = []
    for start, end in sorted(hits):
        lo, hi = max(0, end - width), min(length, start + width + 2)  # +2: room for a lookahead
        if windows and lo <= windows[-1][1]:
            windows[-1] = (windows[-1][0], max(windows[-1][1], hi))
        else:
            windows.append((lo, hi))
    return windows


def _natural(folded: str, kept: list[int], s: int, e: int) -> bool:
    """False when a sentence boundary splits the match but the letters are not spaced out one by one."""
    if e - s < 2 or kept[e - 1] - kept[s] == e - s - 1:
        return True
    gaps = [folded[kept[k] + 1 : kept[k + 1]] for k in range(s, e - 1)]
    if len(gaps) >= 2 and all(gaps):  # "我,不,知,道": every letter separated on purpose
        return True
    return not any(ch in _STRONG for gap in gaps for ch in gap)


def _whole_word(folded: str, span: tuple[int, int], term: str) -> bool:
    """Latin letters and digits must not run on into the term ("api" is not in "rapid")."""
    start, end = span
    if term[0].isascii() and term[0].isalnum() and start > 0:
        prev = folded[start - 1]
        if prev.isascii() and prev.isalnum():
            return False
    if term[-1].isascii() and term[-1].isalnum() and end < len(folded):
        nxt = folded[end]
        if nxt.isascii() and nxt.isalnum():
            return False
    return True


def _non_overlapping(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Leftmost-longest spans that do not overlap, in order."""
    chosen: list[tuple[int, int]] = []
    for span in sorted(set(spans), key=lambda s: (s[0], -s[1])):
        if not chosen or span[0] >= chosen[-1][1]:
            chosen.append(span)
    return chosen


def _drop_shadowed(findings: list[Finding]) -> list[Finding]:
    """Drop a finding inside a longer one of the same or a higher level ("不知道" inside "我不知道")."""
    findings.sort(key=lambda f: (f.start, -f.end, -LEVEL_RANK[f.level], f.rule))
    kept: list[Finding] = []
    for f in findings:
        if any(
            o.start <= f.start
            and f.end <= o.end
            and LEVEL_RANK[o.level] >= LEVEL_RANK[f.level]
            and (o.end - o.start) > (f.end - f.start)
            for o in kept
            if o.end > f.start
        ):
            continue
        kept.append(f)
    kept.sort(key=lambda f: (f.start, f.end, f.rule))
    return kept
