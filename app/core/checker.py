"""The reply checker: 禁忌话术, over-promises, tone and personal data, with reasons, suggestions and fixes.

All phrase, word and exception patterns go into ONE Aho-Corasick automaton, built once. A draft is
folded (繁→简, half width, lower case — same length) and squeezed (spaces, punctuation, zero-width
characters, emoji codes and placeholders removed) with an index map back to the original, so
"我 不-知道" and "我不知道" are the same match and the marked span is exactly what the agent typed.
Regex rules run on the same squeezed text, and only when a literal they require occurs there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from itertools import compress, repeat
from operator import ne
from pathlib import Path
from typing import Iterable

import ahocorasick

from app.core.content import ERROR, Content, Problem, load_content
from app.core.pii import find_pii
from app.core.rules import Rule, normalize_audience, normalize_channel, parse_rule_files
from app.core.text import fold, is_ignorable

LEVEL_RANK = {"suggestion": 0, "warning": 1, "error": 2}
# Tokens skipped as a whole when matching phrases: chat emoji codes like [微笑] and placeholders {订单号}.
_TOKEN = re.compile(r"\[[^\[\]\s]{1,6}\]|\{[^{}\s]{1,20}\}")
# A natural sentence boundary inside a match means two sentences, not an evasion ("尽快,点击" ≠ "快点").
_STRONG = frozenset(",.!?;:、。!?;:…\n\r")
_TAG_PHRASE, _TAG_WORD, _TAG_UNLESS, _TAG_UNLESS_TEXT, _TAG_FACTOR = range(5)


@dataclass(frozen=True)
class CheckContext:
    """Who the reply is for and where it is sent: rules with `when` conditions depend on it."""

    audience: str = "普通"
    channel: str = "在线"


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
        return {"start": self.start, "end": self.end, "text": self.text, "rule": self.rule,
                "level": self.level, "reason": self.reason, "message": self.message,
                "suggestions": list(self.suggestions)}


_SENTINEL = "\x00"
_ign_seen: set[str] = set()
_ign_chars: list[str] = ["\x00"]
_ign_regex: list[re.Pattern[str]] = [re.compile("\x00")]


def squeeze_with_map(folded: str) -> tuple[str, list[int]]:
    """The folded text without ignorable characters and tokens, and each kept character's original index."""
    new = set(folded) - _ign_seen
    if new:  # classify each character once per process; a draft repeats the same few hundred
        found = [ch for ch in new if is_ignorable(ch)]
        if found:  # the pattern is replaced before the characters count as seen: safe across threads
            chars = sorted(set(_ign_chars) | set(found))
            _ign_regex[0] = re.compile("[" + re.escape("".join(chars)) + "]")
            _ign_chars[:] = chars
        _ign_seen.update(new)
    masked = _ign_regex[0].sub(_SENTINEL, folded)
    if "[" in folded or "{" in folded:
        tokens = [m.span() for m in _TOKEN.finditer(folded)]
        if tokens:
            parts, last = [], 0
            for start, end in tokens:
                parts.append(masked[last:start])
                parts.append(_SENTINEL * (end - start))
                last = end
            parts.append(masked[last:])
            masked = "".join(parts)
    kept = list(compress(range(len(masked)), map(ne, masked, repeat(_SENTINEL))))
    return masked.replace(_SENTINEL, ""), kept


def required_literals(pattern: str) -> set[str] | None:
    """Strings one of which every match of `pattern` must contain, or None when none can be derived.

    The checker looks these up in the same automaton as the phrases and runs the regex only near a
    hit, like the literal prefilter of Hyperscan or RE2. Rare, long literals are preferred.
    """
    return _regex_info(pattern)[0]


def _regex_info(pattern: str) -> tuple[set[str] | None, int]:
    """(required literals or None, longest possible match or 0 when unbounded), from one parse."""
    try:
        parsed = re._parser.parse(pattern)  # type: ignore[attr-defined]
        width = parsed.getwidth()[1]
    except Exception:  # noqa: BLE001 - a pattern the parser rejects simply gets no prefilter
        return None, 0
    found = _seq_literals(list(parsed))
    return (found if found and all(found) else None), (width if width < 1000 else 0)


_MAX_EXACT = 32


def _cost(literals: set[str]) -> float:
    """How often a set of literals can be expected to occur: single characters are the worst."""
    return sum(1.0 if len(x) == 1 else 0.15 if len(x) == 2 else 0.03 for x in literals)


def _exact(op, av) -> set[str] | None:  # noqa: ANN001 - sre parser internals
    """The complete set of strings one parsed item matches, when it is small and finite."""
    c = re._constants  # type: ignore[attr-defined]
    if op is c.LITERAL:
        return {chr(av)}
    if op is c.IN and all(o is c.LITERAL for o, _ in av) and len(av) <= 12:
        return {chr(v) for _, v in av}
    if op is c.SUBPATTERN:
        return _exact_seq(list(av[-1]))
    if op is c.BRANCH:
        out: set[str] = set()
        for alt in av[1]:
            sub = _exact_seq(list(alt))
            if sub is None:
                return None
            out |= sub
        return out if len(out) <= _MAX_EXACT else None
    if op in (c.MAX_REPEAT, c.MIN_REPEAT) and av[0] == 0 and av[1] == 1:
        sub = _exact_seq(list(av[2]))
        return None if sub is None else sub | {""}
    return None


def _exact_seq(items: list) -> set[str] | None:
    out = {""}
    for op, av in items:
        sub = _exact(op, av)
        if sub is None:
            return None
        out = {a + b for a in out for b in sub}
        if len(out) > _MAX_EXACT:
            return None
    return out


def _seq_literals(items: list) -> set[str] | None:
    c = re._constants  # type: ignore[attr-defined]
    candidates: list[set[str]] = []
    run: set[str] | None = None

    def close() -> None:
        if run and "" not in run:
            candidates.append(run)

    for op, av in items:
        sub = _exact(op, av)
        if sub is not None:
            product = {a + b for a in (run or {""}) for b in sub}
            if len(product) <= _MAX_EXACT:
                run = product
                continue
            close()
            run = sub
            continue
        close()
        run = None
        found: set[str] | None = None
        if op is c.SUBPATTERN:
            found = _seq_literals(list(av[-1]))
        elif op is c.BRANCH:
            alts = [_seq_literals(list(alt)) for alt in av[1]]
            found = None if any(a is None for a in alts) else set().union(*alts)  # type: ignore[arg-type]
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT) and av[0] >= 1:
            found = _seq_literals(list(av[2]))
        if found and "" not in found:
            candidates.append(found)
    close()
    if not candidates:
        return None
    return min(candidates, key=_cost)


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
                literals, width = (None, 0) if rule.raw else _regex_info(rule.regex)
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
    def from_content(cls, content: Content) -> "Checker":
        """Compile the rules of every `kind: rules` file; broken rules end up in `.problems`."""
        rules, problems = parse_rule_files(content.library_of("rules"))
        return cls(rules, problems)

    def rule(self, rule_id: str) -> Rule | None:
        """The rule with this id, or None."""
        index = self._by_id.get(rule_id)
        return None if index is None else self.rules[index]

    def _active(self, context: CheckContext) -> list[bool]:
        audience = normalize_audience(context.audience) or context.audience
        channel = normalize_channel(context.channel) or context.channel
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
                char_pos += len(raw[byte_pos:byte_end + 1].decode("utf-8", "surrogatepass"))
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
                    elif tag == _TAG_PHRASE or _whole_word(folded, span, stripped[s:end + 1]):
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
                found.extend((kept[m.start()], kept[m.end() - 1] + 1) for m in pattern.finditer(stripped, lo, hi)
                             if m.end() > m.start() and _natural(folded, kept, m.start(), m.end()))
            if found:
                spans.setdefault(ri, []).extend(found)
        pii_masks: dict[tuple[int, int], str] = {}
        detect_active = [ri for ri in self._detect if active[ri]]
        if detect_active:
            kinds = tuple({rules[ri].detect for ri in detect_active})  # type: ignore[misc]
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
                chosen = chosen[rule.limit:]
            for start, end in chosen:
                original = text[start:end]
                suggestions = rule.suggest
                if rule.detect:
                    suggestions = (pii_masks.get((start, end), "****"), *rule.suggest)
                findings.append(Finding(start, end, original, rule.id, rule.level, rule.reason,
                                        rule.message.replace("{match}", original), tuple(suggestions)))
        return findings

    def run_specs(self) -> list[Problem]:
        """Check every rule against its own specs; a contradiction is an error at the spec's line."""
        problems: list[Problem] = []
        for rule in self.rules:
            for spec in rule.specs:
                context = CheckContext(
                    audience=spec.audience or (sorted(rule.audiences)[0] if rule.audiences else "普通"),
                    channel=spec.channel or (sorted(rule.channels)[0] if rule.channels else "在线"))
                flagged = any(f.rule == rule.id for f in self._check(spec.text, context))
                if flagged != spec.flag:
                    what = "should be flagged but is not" if spec.flag else "must not be flagged but is"
                    problems.append(Problem(rule.path, spec.line, ERROR,
                                            f"rule '{rule.id}' contradicts its spec: {spec.text!r} {what}"))
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
    gaps = [folded[kept[k] + 1:kept[k + 1]] for k in range(s, e - 1)]
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
        if any(o.start <= f.start and f.end <= o.end and LEVEL_RANK[o.level] >= LEVEL_RANK[f.level]
               and (o.end - o.start) > (f.end - f.start) for o in kept if o.end > f.start):
            continue
        kept.append(f)
    kept.sort(key=lambda f: (f.start, f.end, f.rule))
    return kept


def apply_fix(text: str, finding: Finding, choice: int = 0) -> str:
    """`text` with the finding's span replaced by suggestion `choice`; nothing else changes."""
    if text[finding.start:finding.end] != finding.text:
        raise ValueError(f"the text changed since it was checked: expected {finding.text!r} at {finding.start}")
    if not 0 <= choice < len(finding.suggestions):
        raise ValueError(f"rule '{finding.rule}' has no suggestion #{choice}")
    return text[:finding.start] + finding.suggestions[choice] + text[finding.end:]


def rebase_findings(findings: Iterable[Finding], fixed: Finding, replacement: str) -> list[Finding]:
    """The other findings after `fixed` was replaced by `replacement`: later ones shift, overlapping ones go."""
    delta = len(replacement) - (fixed.end - fixed.start)
    out: list[Finding] = []
    for f in findings:
        if f is fixed or f == fixed:
            continue
        if f.end <= fixed.start:
            out.append(f)
        elif f.start >= fixed.end:
            out.append(Finding(f.start + delta, f.end + delta, f.text, f.rule, f.level, f.reason,
                               f.message, f.suggestions))
    return out


@lru_cache(maxsize=4)
def _checker_for(root: str) -> Checker:
    return Checker.from_content(load_content(root))


def check(text: str, context: CheckContext | None = None, root: Path | str | None = None) -> list[Finding]:
    """Convenience: check `text` with the rules of a content root (default: the bundled content)."""
    from app.core.paths import bundled_content_root

    return _checker_for(str(Path(root) if root else bundled_content_root())).check(text, context)


def rule_spec_problems(content: Content, checker: Checker | None = None) -> list[Problem]:
    """`zhida validate`'s rule check: each rule's own specs (rule-file format problems come with them).

    Pass the checker already compiled from `content` to avoid compiling the rules a second time."""
    checker = checker or Checker.from_content(content)
    return checker.problems + checker.run_specs()
