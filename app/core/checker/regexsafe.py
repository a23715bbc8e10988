"""Regexes from content, made safe to run on every keystroke: refused when their shape can backtrack
catastrophically, and run by the `regex` engine with a time limit as a backstop.

Why `regex` and not RE2: the 禁语 families need backreferences (「爱买不买」 is 爱X不X, 「退什么退」 is
X什么X) and look-behind (「预计明天到账」 is not a promise), which RE2 does not have. So a pattern is
written in Python `re` syntax, checked statically here (a repeat inside an unbounded repeat — `(您+)+`,
`(a*)*` — or an unbounded repeat of alternatives that can start with the same character — `(a|ab)+` —
is refused with the reason), and matched by `regex` with a timeout proportional to the text: a shape
the check misses costs at most that, and the rule is then switched off and reported.
"""

from __future__ import annotations

import itertools
import re
import re._constants as _c  # the parser `re` itself uses (Python 3.11+): the shape check reads its tree
import re._parser as _p
from collections.abc import Iterator
from typing import Any

import regex

_UNBOUNDED = 16  # a repeat whose maximum is above this counts as unbounded for the shape check
_MANY = 4  # a repeat of more rounds than this makes an ambiguous body expensive (bounded or not)
TIMEOUT_BASE = 0.05  # seconds a regex may take on a short text
TIMEOUT_PER_CHAR = 2e-7  # plus this per character searched (10 MB → 2 s)


class RegexTimeout(Exception):
    """A rule's regex ran past its time limit."""


def unsafe_reason(pattern: str) -> str | None:
    """Why `pattern` can take exponential time (in Chinese, for the author), or None when its shape is safe.

    Refused: a variable-length repeat inside a repeat when the inner one can eat what starts the next round
    (`(您+)+`, `(a*)*`, `(x+x+)+`, `(.*a){12}`), and a repeat of alternatives that can start alike
    (`(\\w|\\d)+`). `(?:[一-龥][^一-龥]*){6,}` is fine: the inner part never eats what starts a round."""
    try:
        parsed = _p.parse(pattern)
    except (re.error, RecursionError, OverflowError):
        return None  # reported as an invalid regex elsewhere
    try:
        return _walk(list(parsed), None, False)
    except RecursionError:
        return "正则嵌套太深(nested too deeply)"


_REPEATS = tuple(op for op in (_c.MAX_REPEAT, _c.MIN_REPEAT, getattr(_c, "POSSESSIVE_REPEAT", None)) if op is not None)
_NESTED = "重复里套着可变长的重复，而且能吃掉下一轮开头的字(nested quantifier, e.g. (a+)+): 可能卡死检查"
_OVERLAP = "重复的几个分支能以同一个字开头(overlapping alternation under a quantifier, e.g. (\\w|\\d)+)"


def _walk(items: list[Any], outer_first: CharSet | None, outer_unbounded: bool) -> str | None:
    """`outer_first`: what can start a round of the enclosing repeat (None outside any repeat)."""
    for op, av in items:
        if op in _REPEATS:
            low, high, body = av
            body_items = list(body)
            unbounded = high == _c.MAXREPEAT or high > _UNBOUNDED
            if (
                outer_first is not None
                and (outer_unbounded or unbounded)
                and low != high
                and _charset(body_items).overlaps(outer_first)
            ):
                return _NESTED
            if (unbounded or high > _MANY) and _overlapping_branches(body_items):
                return _OVERLAP
            if high == _c.MAXREPEAT or high > 1:  # a real repeat: its rounds can collide
                first = _first_set(body_items) or _charset(body_items)
                found = _walk(body_items, first, unbounded or high > _MANY or outer_unbounded)
            else:
                found = _walk(body_items, outer_first, outer_unbounded)
            if found:
                return found
        elif op is _c.SUBPATTERN:
            found = _walk(list(av[-1]), outer_first, outer_unbounded)
            if found:
                return found
        elif op is _c.BRANCH:
            alts = [list(alt) for alt in av[1]]
            if (
                outer_first is not None
                and outer_unbounded
                and len({_width(alt) for alt in alts}) > 1
                and _charset([item for alt in alts for item in alt]).overlaps(outer_first)
            ):
                return _NESTED  # 「您(您)?」 repeated: the optional part can also start the next round
            for alt in alts:
                found = _walk(alt, outer_first, outer_unbounded)
                if found:
                    return found
        elif op in (_c.ASSERT, _c.ASSERT_NOT):
            found = _walk(list(av[1]), None, False)
            if found:
                return found
    return None


def _width(items: list[Any]) -> tuple[int, int]:
    """(shortest, longest) match of a sequence."""
    try:
        return _p.SubPattern(_p.State(), items).getwidth()
    except Exception:
        return (0, -1)


class CharSet:
    """The characters one regex item can match, as a membership test plus characters worth probing."""

    def __init__(self, test: Any, probes: set[str]):
        self.test = test
        self.probes = probes

    def overlaps(self, other: CharSet) -> bool:
        """True when some character is in both (checked on the characters either set names)."""
        return any(self.test(ch) and other.test(ch) for ch in self.probes | other.probes)


_GENERIC = {"a", "z", "0", "9", " ", "_", "\n", "中", "一", "\u9fff", "!", "，", "。", "😀"}


def _item_set(op: Any, av: Any) -> CharSet | None:
    """The characters of one single-character item (literal, class, any), or None for anything longer."""
    if op is _c.LITERAL:
        ch = chr(av)
        return CharSet(lambda x, ch=ch: x == ch, {ch})
    if op is _c.NOT_LITERAL:
        ch = chr(av)
        return CharSet(lambda x, ch=ch: x != ch, {ch} | _GENERIC)
    if op is _c.ANY:
        return CharSet(lambda x: x != "\n", set(_GENERIC))
    if op is _c.IN:
        probes = set(_GENERIC)
        for kind, value in av:
            if kind is _c.LITERAL:
                probes.add(chr(value))
            elif kind is _c.RANGE:
                probes.update(chr(v) for v in (value[0], value[1], max(0, value[0] - 1), value[1] + 1))
        compiled = re.compile(_class_source(av))
        return CharSet(lambda x, r=compiled: r.fullmatch(x) is not None, probes)
    return None


def _class_source(av: Any) -> str:
    """A character class as regex source again (to test membership with `re`)."""
    parts, negate = [], False
    for kind, value in av:
        if kind is _c.NEGATE:
            negate = True
        elif kind is _c.LITERAL:
            parts.append(re.escape(chr(value)))
        elif kind is _c.RANGE:
            parts.append(f"{re.escape(chr(value[0]))}-{re.escape(chr(value[1]))}")
        elif kind is _c.CATEGORY:
            parts.append(_CATEGORY.get(value, r"\w"))
    return "[" + ("^" if negate else "") + "".join(parts) + "]"


_CATEGORY = {
    _c.CATEGORY_DIGIT: r"\d",
    _c.CATEGORY_NOT_DIGIT: r"\D",
    _c.CATEGORY_SPACE: r"\s",
    _c.CATEGORY_NOT_SPACE: r"\S",
    _c.CATEGORY_WORD: r"\w",
    _c.CATEGORY_NOT_WORD: r"\W",
}


def _charset(items: list[Any]) -> CharSet:
    """Every character anywhere in `items` (an over-approximation: what a repeat of them can eat)."""
    sets: list[CharSet] = []

    def collect(seq: list[Any]) -> None:
        for op, av in seq:
            found = _item_set(op, av)
            if found is not None:
                sets.append(found)
            elif op in _REPEATS:
                collect(list(av[2]))
            elif op is _c.SUBPATTERN:
                collect(list(av[-1]))
            elif op is _c.BRANCH:
                for alt in av[1]:
                    collect(list(alt))
            elif op in (_c.GROUPREF, _c.GROUPREF_EXISTS):
                sets.append(CharSet(lambda x: True, set(_GENERIC)))

    collect(items)
    probes: set[str] = set().union(*(s.probes for s in sets)) if sets else set()
    return CharSet(lambda x: any(s.test(x) for s in sets), probes)


def _first_set(items: list[Any]) -> CharSet | None:
    """What a sequence can start with, or None when it can start empty (then nothing is claimed)."""
    for op, av in items:
        found = _item_set(op, av)
        if found is not None:
            return found
        if op is _c.SUBPATTERN:
            return _first_set(list(av[-1]))
        if op is _c.BRANCH:
            alts = [_first_set(list(alt)) for alt in av[1]]
            if any(a is None for a in alts):
                return None
            sets = [a for a in alts if a is not None]
            return CharSet(lambda x, sets=sets: any(s.test(x) for s in sets), set().union(*(s.probes for s in sets)))
        if op in _REPEATS:
            if av[0] >= 1:
                return _first_set(list(av[2]))
            return None
        if op in (_c.AT, _c.ASSERT, _c.ASSERT_NOT):
            continue
        if op in (_c.GROUPREF, _c.GROUPREF_EXISTS):
            return CharSet(lambda x: True, set(_GENERIC))
        return None
    return None


def _overlapping_branches(items: list[Any]) -> bool:
    """True when a repeated body holds alternatives two of which can start alike (or both be empty):
    each round can then be matched in more than one way (`(a|a)+`, `(\\w|\\d)+`)."""
    for op, av in items:
        if op is _c.SUBPATTERN and _overlapping_branches(list(av[-1])):
            return True
        if op is _c.BRANCH:
            alts = [list(alt) for alt in av[1]]
            firsts = [_first_set(alt) for alt in alts]
            for i, a in enumerate(firsts):
                for j in range(i + 1, len(firsts)):
                    b = firsts[j]
                    if a is None and b is None:
                        return True  # two ways to match nothing
                    if a is not None and b is not None and a.overlaps(b):
                        return True
            if any(_overlapping_branches(alt) for alt in alts):
                return True
    return False


BOUNDED_PATHS = 1024  # at most this many ways to try a match from one position: plain `re` is provably fast
BOUNDED_SPAN = 65_536  # and only on stretches up to this long; longer ones go to `regex` with its time limit


def path_bound(pattern: str) -> int | None:
    """An upper bound on the ways a backtracking matcher can try `pattern` from one start position, or None
    when it is unbounded (a `+`, `*` or `{n,}`) — then only the time limit bounds it."""
    try:
        return _paths(list(_p.parse(pattern)))
    except (re.error, RecursionError, OverflowError, _UnboundedError):
        return None


class _UnboundedError(Exception):
    pass


def _word(items: list[Any]) -> str | None:
    """The literal string a sequence of plain characters spells, or None."""
    if not items or any(op is not _c.LITERAL for op, _ in items):
        return None
    return "".join(chr(av) for _, av in items)


def _prefix_free(words: list[str]) -> bool:
    ordered = sorted(words)
    return all(not b.startswith(a) for a, b in itertools.pairwise(ordered))


def _paths(items: list[Any]) -> int:
    total = 1
    for op, av in items:
        if op in _REPEATS:
            low, high, body = av
            if high == _c.MAXREPEAT or high > _UNBOUNDED:
                raise _UnboundedError
            inner = _paths(list(body))
            total *= sum(inner**k for k in range(low, high + 1))
        elif op is _c.SUBPATTERN:
            total *= _paths(list(av[-1]))
        elif op is _c.BRANCH:
            words = [_word(list(alt)) for alt in av[1]]
            if all(w for w in words) and _prefix_free(words):  # type: ignore[arg-type]
                continue  # distinct words: at one position at most one of them matches and goes on
            total *= sum(_paths(list(alt)) for alt in av[1])
        elif op in (_c.ASSERT, _c.ASSERT_NOT):
            total *= _paths(list(av[1]))
        elif op is _c.GROUPREF_EXISTS:
            total *= sum(_paths(list(part)) for part in av[1:] if part is not None)
        if total > 1 << 40:
            raise _UnboundedError
    return total


class SafeRegex:
    """A rule's regex, run so that no pattern and no text can hang the checker.

    A pattern with at most BOUNDED_PATHS ways to match from one position (no unbounded repeat: most
    bundled 禁语 families) runs on plain `re` over drafts: its cost is provably linear in the text.
    Anything else — an unbounded repeat, or a stretch longer than BOUNDED_SPAN — runs on `regex` with a
    time limit proportional to the text; past it, iterating raises TimeoutError (the checker then switches
    the rule off and reports it)."""

    __slots__ = ("_compiled", "_fast", "bounded", "pattern")

    def __init__(self, pattern: str):
        self.pattern = pattern
        self._compiled = regex.compile(pattern, regex.VERSION0)
        bound = path_bound(pattern)
        self.bounded = bound is not None and bound <= BOUNDED_PATHS
        self._fast = re.compile(pattern) if self.bounded else None

    def finditer(self, text: str, pos: int = 0, endpos: int | None = None) -> Iterator[Any]:
        """Matches in text[pos:endpos]; iterating raises TimeoutError when a time-limited search runs too long."""
        end = len(text) if endpos is None else endpos
        if self._fast is not None and end - pos <= BOUNDED_SPAN:
            return self._fast.finditer(text, pos, end)
        limit = TIMEOUT_BASE + TIMEOUT_PER_CHAR * max(0, end - pos)
        return self._compiled.finditer(text, pos, end, timeout=limit)


def compile_safe(pattern: str) -> SafeRegex:
    """Compile a content regex, or raise ValueError with the reason (invalid, or a shape that can hang)."""
    try:
        re.compile(pattern)
    except (re.error, RecursionError, OverflowError) as exc:
        raise ValueError(f"invalid regex: {exc}") from None
    reason = unsafe_reason(pattern)
    if reason:
        raise ValueError(f"unsafe regex refused: {reason}")
    try:
        return SafeRegex(pattern)
    except (regex.error, RecursionError, OverflowError) as exc:
        raise ValueError(f"invalid regex: {exc}") from None
