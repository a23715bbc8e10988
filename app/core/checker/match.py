"""The reply checker: 禁忌话术, over-promises, tone and personal data, with reasons, fixes and better phrasings.

All phrase, word and exception patterns — with their spellings (你/您, X一点, a final particle) and, for
warning and error rules, their pinyin and initials — go into ONE Aho-Corasick automaton, built once. A
draft is folded (繁→简, Kangxi radicals, half width, lower case — same length), squeezed (spaces,
punctuation, zero-width characters, emoji codes and placeholders removed) and run through the
homophone table (不造 → 不知道), with an index map back to the original, so "我 不-知道", "我不造" and
"我不知道" are the same match and the marked span is exactly what the agent typed. Regex rules run on the
same text, only near a literal they require, with a time limit (regexsafe). Exceptions (`unless_text`)
count in the rule's sentence or clause, never across the whole reply (scope).

Longer than ~400 lines on purpose: compiling, the automaton scan, the regex windows and the findings share
one per-check state in the hot path (the bench's 5 ms budget); the pure helpers are at the bottom.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable

import ahocorasick

from app.core.checker.expand import person_regex, phrase_keys, pinyin_keys, pinyin_particle_end
from app.core.checker.findings import CheckContext, Finding, drop_shadowed, non_overlapping
from app.core.checker.prefilter import LiteralPlan, literal_plan, top_level_branches
from app.core.checker.regexsafe import RegexTimeout, SafeRegex, compile_safe
from app.core.checker.rules import Rule
from app.core.checker.scope import Scopes
from app.core.content.model import ERROR, Content, Problem
from app.core.text.fold import fold
from app.core.text.pii import find_pii
from app.core.text.squeeze import squeeze, squeeze_with_map
from app.core.text.variants import VariantTable
from app.core.vocab import AUDIENCES, CHANNELS, GENERAL, LEVEL_RANK, ONLINE, WARNING_LEVEL

__all__ = ["CheckContext", "Checker", "Finding"]

# A natural sentence boundary inside a match means two sentences, not an evasion ("尽快,点击" ≠ "快点").
_STRONG = frozenset(",.!?;:、。!?;:…\n\r，！？；：")
_FULL_STOP = frozenset(".!?;。!?;！？；")
_WINDOW_GAP = 160  # windows closer than this are searched as one
_LOOKAHEAD = 8  # characters past a window's longest match a lookahead may read (a search stops at its end)
_BREAK_MIN = 4  # a phrase this long may be split by one comma or line break and still count
_TAG_PHRASE, _TAG_WORD, _TAG_UNLESS, _TAG_UNLESS_TEXT, _TAG_FACTOR, _TAG_PINYIN, _TAG_UNLESS_SENTENCE = range(7)
_PINYIN_NOTE = "「{match}」像是「{phrase}」的拼音或缩写。"


class Checker:
    """Rules compiled once; `check` runs them over a draft in a few milliseconds."""

    def __init__(self, rules: Iterable[Rule], problems: Iterable[Problem] = (), variants: VariantTable | None = None):
        self.rules: list[Rule] = list(rules)
        self.problems: list[Problem] = list(problems)
        self.variants = variants or VariantTable()
        self._by_id = {r.id: i for i, r in enumerate(self.rules)}
        # (rule index, compiled branch, needs a literal hit, its prefilter plan): a regex is split at its
        # outermost | so each alternative runs only near its own literals, and only where its other
        # required literals are present too.
        self._regex: list[tuple[int, SafeRegex, bool, LiteralPlan]] = []
        self._unfiltered: list[int] = []  # regex branches with no literal to wait for: run on every check
        self._broken: set[int] = set()  # rules whose regex ran out of time: off until the rules are reloaded
        self._detect = [i for i, r in enumerate(self.rules) if r.detect]
        self._active_cache: dict[tuple[str, str], list[bool]] = {}
        keys: dict[str, list[tuple[int, int, object]]] = {}
        spelling: dict[str, list[tuple[int, int, object]]] = {}  # rules about how a word is spelled (木有)

        def add(key: str, tag: int, index: int, extra: object = False) -> None:
            if self.rules[index].spelling and tag != _TAG_FACTOR:
                entries = spelling.setdefault(key, [])  # matched on the text before the homophone table
            else:
                key = self.variants.apply(key)[0]  # a rule written 木有 meets the text, where 木有 became 没有
                entries = keys.setdefault(key, [])
            if (tag, index, extra) not in entries:
                entries.append((tag, index, extra))

        for i, rule in enumerate(self.rules):
            for tag, items in ((_TAG_PHRASE, rule.phrases), (_TAG_WORD, rule.words)):
                for p in items:
                    for key, at_end in phrase_keys(p, rule.person):
                        add(key, tag, i, at_end)
            for u in rule.unless:
                for key, _ in phrase_keys(u, rule.person):
                    add(key, _TAG_UNLESS, i)
            for tag, items in ((_TAG_UNLESS_TEXT, rule.unless_text), (_TAG_UNLESS_SENTENCE, rule.unless_sentence)):
                for u in items:
                    for key, _ in phrase_keys(u, rule.person):
                        add(key, tag, i)
            if rule.pinyin and not rule.raw and LEVEL_RANK[rule.level] >= LEVEL_RANK[WARNING_LEVEL]:
                for p in rule.phrases:
                    for key in pinyin_keys(p):
                        add(key, _TAG_PINYIN, i, p)
            if rule.regex:
                pattern = person_regex(rule.regex) if rule.person and not rule.raw else rule.regex
                try:
                    branches = [(p, compile_safe(p)) for p in top_level_branches(pattern)]
                except ValueError as exc:
                    self.problems.append(Problem(rule.path, rule.line, ERROR, f"rule '{rule.id}': {exc}"))
                    continue
                for branch, compiled in branches:
                    plan = literal_plan(branch)
                    literals = plan.literals
                    if rule.raw and literals and any(squeeze(lit, folded=True) != fold(lit) for lit in literals):
                        literals = None  # a raw literal with punctuation in it (^_^) is not in the squeezed text
                    for lit in literals or ():
                        add(fold(lit), _TAG_FACTOR, i, len(self._regex))
                    if not literals:
                        self._unfiltered.append(len(self._regex))
                    self._regex.append((i, compiled, bool(literals), plan))
        # Keys and text go in as UTF-16 bytes spelled as Latin-1 characters: with a 256-letter alphabet the
        # automaton's nodes stay small and a scan is about 4 times faster than over Chinese characters.
        # Spelling keys are in the main automaton too: when the homophone table changed nothing in a draft
        # (almost always) one pass finds everything; otherwise a second pass reads the text as typed.
        for key, entries in spelling.items():
            merged = keys.setdefault(key, [])
            merged.extend(x for x in entries if x not in merged)
        self._automaton = _build(keys)
        self._spelling = _build(spelling)

    @classmethod
    def from_content(cls, content: Content) -> Checker:
        """The default rules plus the content root's own (`kind: rules` files); broken rules end up in `.problems`."""
        from app.core.checker.ruleset import load_rules

        rules, variants, problems = load_rules(content)
        return cls(rules, problems, variants)

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
        return drop_shadowed(self._check(text, context))

    def _check(self, text: str, context: CheckContext | None) -> list[Finding]:
        if not text or not self.rules:
            return []
        active = self._active(context or CheckContext())
        rules = self.rules
        folded = fold(text)
        squeezed, kept = squeeze_with_map(folded)
        norm, index = self.variants.apply(squeezed)
        pos = kept if index is None else [kept[i] for i in index]  # matching text → folded/original offset
        scopes = Scopes(folded)
        spans: dict[int, list[tuple[int, int]]] = {}  # rule index → original spans
        pinyin: dict[int, list[tuple[int, int, str]]] = {}
        unless: dict[int, list[tuple[int, int]]] = {}
        near: dict[int, list[tuple[int, int]]] = {}
        clause: dict[int, list[tuple[int, int]]] = {}
        triggered: dict[int, list[tuple[int, int]]] = {}  # regex branch → literal hits in the matching text
        # exceptions are kept raw (matching-text offsets) and only resolved for rules that found something
        raw_exceptions: list[tuple[int, int, tuple[tuple[int, int], ...], list[int]]] = []
        found_in = (spans, pinyin, triggered, raw_exceptions)
        if norm and self._automaton is not None:
            self._scan(self._automaton, norm, pos, kept, folded, active, scopes, found_in)
        if index is not None and self._spelling is not None:
            self._scan(self._spelling, squeezed, kept, kept, folded, active, scopes, found_in)
        # only the branches whose literal was seen, and those that have none: not a loop over every regex
        menu = scopes if scopes.menu_breaks else None
        for k in sorted([*triggered, *self._unfiltered]):
            ri, pattern, _, plan = self._regex[k]
            if not active[ri] or ri in self._broken:
                continue
            try:
                found = self._run_regex(ri, pattern, folded, norm, pos, triggered.get(k), plan, index is None, menu)
            except (RegexTimeout, TimeoutError):
                self._broken.add(ri)
                rule = rules[ri]
                self.problems.append(
                    Problem(rule.path, rule.line, ERROR, f"rule '{rule.id}': regex ran too long and was switched off")
                )
                continue
            if found:
                spans.setdefault(ri, []).extend(found)
        masks = self._personal_data(folded, active, spans)
        for s, e, exceptions, where in raw_exceptions:
            for tag, ri in exceptions:
                if ri not in spans:
                    continue
                span = (where[s], where[e - 1] + 1)
                if tag == _TAG_UNLESS_TEXT:
                    near.setdefault(ri, []).append(span)
                elif tag == _TAG_UNLESS_SENTENCE:
                    clause.setdefault(ri, []).append(span)
                elif _natural(folded, where, s, e, False):  # an `unless` never reaches across a break
                    unless.setdefault(ri, []).append(span)
        findings: list[Finding] = []
        for ri, found in spans.items():
            excepted = (unless.get(ri, []), near.get(ri, []), clause.get(ri, []))
            findings.extend(self._findings(rules[ri], text, found, excepted, scopes, masks))
        for ri, hits in pinyin.items():
            findings.extend(self._pinyin_findings(rules[ri], text, hits, spans.get(ri, ())))
        return findings

    def _scan(
        self,
        automaton: ahocorasick.Automaton,
        matching: str,
        pos: list[int],
        kept: list[int],
        folded: str,
        active: list[bool],
        scopes: Scopes,
        found_in: tuple,
    ) -> None:
        """One pass of an automaton over the matching text: phrase hits judged now, the rest noted."""
        spans, pinyin, triggered, raw_exceptions = found_in
        rules = self.rules
        # where no homophone changed a length, offsets strictly increase and one subtraction proves a span
        # has nothing skipped inside; otherwise two characters can share an offset and each gap is looked at
        exact = pos is kept
        menu = bool(scopes.menu_breaks)
        raw = _as_bytes_text(matching)
        # two bytes per UTF-16 unit: a key's end offset halves to a character offset, except past a character
        # outside the BMP (two units); then a map from units to characters is made once
        units = _unit_map(matching) if len(raw) != 2 * len(matching) else None
        for byte_end, (length, entries, factors, exceptions) in automaton.iter(raw):
            if not byte_end & 1:
                continue  # the key's bytes straddle two characters: not a match of its characters
            e = (byte_end + 1) >> 1
            if units is not None:
                e = units[e]
                if e < 0:
                    continue  # ends inside a surrogate pair
            s = e - length
            if exceptions:
                raw_exceptions.append((s, e, exceptions, pos))
            if factors:
                hit = (s, e)
                for k in factors:
                    noted = triggered.get(k)
                    if noted is None:
                        triggered[k] = [hit]
                    else:
                        noted.append(hit)
            if not entries:
                continue  # most hits are only literals and exceptions: nothing to judge now
            # nothing skipped inside: natural (the quick test only holds where no homophone changed a length)
            contiguous = length < 2 or (exact and pos[e - 1] - pos[s] == length - 1)
            for tag, ri, extra in entries:
                if (
                    not active[ri]
                    or ri in self._broken
                    or not (contiguous or _natural(folded, pos, s, e, rules[ri].breaks and length >= _BREAK_MIN))
                ):
                    continue
                span = (pos[s], pos[e - 1] + 1)
                if menu and scopes.crosses_menu(*span):
                    continue  # 「包-退款」: two menu names, not one phrase
                if tag == _TAG_PINYIN:
                    if _pinyin_word(folded, span):
                        pinyin.setdefault(ri, []).append((*span, str(extra)))
                elif extra and not scopes.at_sentence_end(span[1]):
                    continue  # 等着吧 without its particle counts only where a sentence ends (等着呗。)
                elif tag == _TAG_PHRASE or _whole_word(folded, span, matching[s:e]):
                    spans.setdefault(ri, []).append(span)

    def _run_regex(
        self,
        ri: int,
        pattern: SafeRegex,
        folded: str,
        norm: str,
        pos: list[int],
        hits: list[tuple[int, int]] | None,
        plan: LiteralPlan,
        exact: bool,
        menu: Scopes | None = None,
    ) -> list[tuple[int, int]]:
        if self.rules[ri].raw:  # on the folded text itself; a literal hit maps there through `pos`
            hits_folded = [(pos[s], pos[e - 1] + 1) for s, e in hits] if hits else None
            return [
                m.span()
                for lo, hi in _windows(hits_folded, plan, folded)
                for m in pattern.finditer(folded, lo, hi)
                if m.end() > m.start()
            ]
        allow = self.rules[ri].breaks
        found = []
        for lo, hi in _windows(hits, plan, norm):
            start: int | None = lo
            while start is not None:
                at, start = start, None
                for m in pattern.finditer(norm, at, hi):
                    s, e = m.span()
                    if e <= s:
                        continue
                    if menu is not None and menu.crosses_menu(pos[s], pos[e - 1] + 1):
                        # across a menu-path separator (【订单-包裹-退款】): two names, not what the rule means;
                        # a match may still begin after the separator
                        start = next(k for k in range(s + 1, e) if menu.crosses_menu(pos[s], pos[k] + 1))
                        break
                    if (exact and pos[e - 1] - pos[s] == e - s - 1) or _natural(
                        folded, pos, s, e, allow and e - s >= _BREAK_MIN
                    ):
                        found.append((pos[s], pos[e - 1] + 1))
                        continue
                    # the match ran across a sentence break: search again from just after the break, where
                    # a shorter match may begin (「…卖给您。\n再这样就封您的号」)
                    start = _after_break(folded, pos, s, e)
                    break
        return found

    def _personal_data(
        self, folded: str, active: list[bool], spans: dict[int, list[tuple[int, int]]]
    ) -> dict[tuple[int, int], str]:
        """Detector hits added to `spans`; returns each hit's masked form (its one-click fix)."""
        detect_active = [ri for ri in self._detect if active[ri] and ri not in self._broken]
        masks: dict[tuple[int, int], str] = {}
        if not detect_active:
            return masks
        kinds = tuple({d for ri in detect_active if (d := self.rules[ri].detect)})
        hits = find_pii(folded, kinds)
        for ri in detect_active:
            rule = self.rules[ri]
            for hit in hits:
                if hit.kind != rule.detect:
                    continue
                written = folded[hit.start : hit.end]
                if any(exception in written for exception in rule.unless_raw):
                    continue  # a company address listed in the rule's `unless` (service@…)
                spans.setdefault(ri, []).append((hit.start, hit.end))
                masks[(hit.start, hit.end)] = hit.masked
        return masks

    def _findings(
        self,
        rule: Rule,
        text: str,
        found: list[tuple[int, int]],
        exceptions: tuple[Iterable[tuple[int, int]], ...],
        scopes: Scopes,
        masks: dict[tuple[int, int], str],
    ) -> list[Finding]:
        overlapping, near, clause = (list(e) for e in exceptions)
        chosen = non_overlapping(_outside(found, overlapping))
        if near:
            chosen = _not_near(chosen, near, scopes, rule.within)
        if clause:
            chosen = _not_near(chosen, clause, scopes, "around")  # this sentence or the one before it
        if rule.unless_question:
            chosen = [s for s in chosen if not scopes.is_question(s[0])]
        if rule.lang is not None:  # 「log in」 in an English reply is plain English, not jargon
            chosen = [s for s in chosen if scopes.language(s[0]) == rule.lang]
        if rule.limit is not None:
            chosen = chosen[rule.limit :]
        out = []
        for start, end in chosen:
            original = text[start:end]
            fixes = rule.suggest
            if rule.detect:
                fixes = (masks.get((start, end), "****"), *rule.suggest)
            elif rule.fix_pronoun and not fixes:
                polite = original.replace("你们", "\x00").replace("你", "您").replace("\x00", "你们")
                fixes = (polite,) if polite != original else ()
            message = rule.message.replace("{match}", original)
            out.append(Finding(start, end, original, rule.id, rule.level, rule.reason, message, fixes, rule.better))
        return out

    def _pinyin_findings(
        self, rule: Rule, text: str, hits: list[tuple[int, int, str]], plain: Iterable[tuple[int, int]]
    ) -> list[Finding]:
        """Pinyin or initials of a rule phrase: a warning (it may be a name), never a one-click fix."""
        taken = list(plain)
        level = rule.level if LEVEL_RANK[rule.level] <= LEVEL_RANK[WARNING_LEVEL] else WARNING_LEVEL
        out = []
        for start, end, phrase in sorted(set(hits), key=lambda h: (h[0], -h[1])):
            if any(s < end and start < e for s, e in taken):
                continue
            taken.append((start, end))
            original = text[start:end]
            message = _PINYIN_NOTE.format(match=original, phrase=phrase) + rule.message.replace("{match}", phrase)
            out.append(Finding(start, end, original, rule.id, level, rule.reason, message, (), rule.better))
        return out

    def run_specs(self, own_only: bool = False) -> list[Problem]:
        """Check every rule (with `own_only`, not the defaults shipped with the app) against its own specs;
        a contradiction, or a fix whose result differs from a `fixed:` spec, is an error at the spec's line."""
        from app.core.checker.fixes import apply_fix

        problems: list[Problem] = []
        for rule in self.rules:
            if own_only and rule.base:
                continue
            for spec in rule.specs:
                context = CheckContext(
                    audience=spec.audience or (sorted(rule.audiences)[0] if rule.audiences else GENERAL),
                    channel=spec.channel or (sorted(rule.channels)[0] if rule.channels else ONLINE),
                )
                own = [f for f in self._check(spec.text, context) if f.rule == rule.id]
                if bool(own) != spec.flag:
                    what = "should be flagged but is not" if spec.flag else "must not be flagged but is"
                    problems.append(
                        Problem(
                            rule.path, spec.line, ERROR, f"rule '{rule.id}' contradicts its spec: {spec.text!r} {what}"
                        )
                    )
                elif spec.to is not None:
                    fixable = [f for f in own if f.suggestions]
                    result = apply_fix(spec.text, fixable[0], 0) if fixable else spec.text
                    if result != spec.to:
                        problems.append(
                            Problem(
                                rule.path,
                                spec.line,
                                ERROR,
                                f"rule '{rule.id}': the fix turns {spec.text!r} into {result!r}, not {spec.to!r}",
                            )
                        )
        return problems


def _build(keys: dict[str, list[tuple[int, int, object]]]) -> ahocorasick.Automaton | None:
    """One automaton over `keys`, or None without keys.

    Keys go in as UTF-16 bytes spelled as Latin-1 characters: with a 256-letter alphabet the automaton's
    nodes stay small and a scan is about 4 times faster than over Chinese characters. Each key carries
    its entries in three groups, so the hot loop does the least per hit: matches to judge now, regex
    literals to note, and exceptions to keep raw until a rule has found something."""
    if not keys:
        return None
    automaton = ahocorasick.Automaton()
    for key, entries in keys.items():
        main = tuple(x for x in entries if x[0] in (_TAG_PHRASE, _TAG_WORD, _TAG_PINYIN))
        factors = tuple(x[2] for x in entries if x[0] == _TAG_FACTOR)  # regex branch numbers
        exceptions = tuple(
            (x[0], x[1]) for x in entries if x[0] in (_TAG_UNLESS, _TAG_UNLESS_TEXT, _TAG_UNLESS_SENTENCE)
        )
        automaton.add_word(_as_bytes_text(key), (len(key), main, factors, exceptions))
    automaton.make_automaton()
    return automaton


def _as_bytes_text(text: str) -> str:
    """`text` as UTF-16 (big-endian) bytes, one Latin-1 character per byte (what the automaton is built over).

    Fixed width, unlike UTF-8: a hit's character offset is its byte offset halved, with no decoding per hit."""
    return text.encode("utf-16-be", "surrogatepass").decode("latin-1")


def _unit_map(text: str) -> list[int]:
    """For each UTF-16 unit offset of `text`, the character offset there (-1 inside a surrogate pair)."""
    out = []
    for k, ch in enumerate(text):
        out.append(k)
        if ord(ch) > 0xFFFF:
            out.append(-1)
    out.append(len(text))
    return out


def _windows(hits: list[tuple[int, int]] | None, plan: LiteralPlan, text: str) -> list[tuple[int, int]]:
    """Stretches of `text` a match containing one of `hits` can lie in — from `plan.before` characters
    before a hit to `plan.after` after it, and only where one of each of the pattern's other required
    literal sets is present too — merged (also across short gaps: one search over a little more text
    costs less than two searches)."""
    before, after, others = plan.before, plan.after, plan.others
    length = len(text)
    if not hits or (before is None and after is None):
        if others and not all(o.search(text) for o in others):
            return []
        return [(0, length)]
    windows: list[tuple[int, int]] = []
    for start, end in sorted(hits) if len(hits) > 1 else hits:
        lo = 0 if before is None or start <= before else start - before
        hi = length if after is None else end + after + _LOOKAHEAD
        if hi > length:
            hi = length
        missing = False
        for other in others:
            if other.search(text, lo, hi) is None:
                missing = True  # a match here needs a string of every required set: one is not here
                break
        if missing:
            continue
        if windows and lo <= windows[-1][1] + _WINDOW_GAP:
            windows[-1] = (windows[-1][0], max(windows[-1][1], hi))
        else:
            windows.append((lo, hi))
    return windows


def _natural(folded: str, pos: list[int], s: int, e: int, allow_break: bool) -> bool:
    """False when a sentence boundary splits the match, unless every letter is spaced out one by one or the
    rule allows one comma or line break inside a long phrase (「我不知\\n道」「有完，没完」)."""
    if e - s < 2 or all(pos[k + 1] - pos[k] <= 1 for k in range(s, e - 1)):
        return True
    gaps = [folded[pos[k] + 1 : pos[k + 1]] for k in range(s, e - 1)]
    if len([g for g in gaps if g]) >= 2 and all(g for g, k in zip(gaps, range(s, e - 1)) if pos[k + 1] != pos[k]):
        return True  # "我,不,知,道": every letter separated on purpose
    broken = [g for g in gaps if any(ch in _STRONG for ch in g)]
    if not broken:
        return True
    return allow_break and len(broken) == 1 and not any(ch in _FULL_STOP for ch in broken[0])


def _after_break(folded: str, pos: list[int], s: int, e: int) -> int | None:
    """The matching-text index just after the last sentence break inside [s, e), or None."""
    for k in range(e - 1, s, -1):
        gap = folded[pos[k - 1] + 1 : pos[k]]
        if gap and any(ch in _STRONG for ch in gap):
            return k
    return None


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


def _pinyin_word(folded: str, span: tuple[int, int]) -> bool:
    """A pinyin spelling stands alone: no letter glued on the left, and on the right at most a particle (ba)."""
    start, end = span
    if start > 0 and folded[start - 1].isascii() and folded[start - 1].isalnum():
        return False
    if end == len(folded) or not (folded[end].isascii() and folded[end].isalnum()):
        return True
    return pinyin_particle_end(folded, end) != end


def _outside(found: list[tuple[int, int]], exceptions: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """The spans that overlap no exception span (sorted exceptions + running max: linear, not quadratic)."""
    ordered = sorted(exceptions)
    if not ordered:
        return found
    starts = [s for s, _ in ordered]
    reach: list[int] = []
    best = -1
    for _, e in ordered:
        best = max(best, e)
        reach.append(best)
    out = []
    for s, e in found:
        k = bisect.bisect_left(starts, e)  # exceptions that start before this span ends
        if k == 0 or reach[k - 1] <= s:
            out.append((s, e))
    return out


def _not_near(
    chosen: list[tuple[int, int]], near: list[tuple[int, int]], scopes: Scopes, within: str
) -> list[tuple[int, int]]:
    """The spans with no `unless_text` exception in their clause, sentence, or sentence and the next one
    (an exception inside the span itself does not count: 「不可以」 is no 「可以」; the next sentence counts
    only on the same line)."""
    near = sorted(near)
    starts = [s for s, _ in near]
    longest = max(e - s for s, e in near)
    out = []
    for span in chosen:
        lo, hi = scopes.window(span, within)
        i = bisect.bisect_left(starts, lo - longest)
        offered = False
        while i < len(near) and near[i][0] < hi:
            s, e = near[i]
            i += 1
            # 「没办法帮你」: an exception glued to the match is what is refused, not an alternative offered
            if e > lo and not (span[0] <= s and e <= span[1]) and s != span[1]:
                offered = True
                break
        if not offered:
            out.append(span)
    return out
