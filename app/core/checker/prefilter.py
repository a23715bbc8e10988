"""The literal prefilter of regex rules: strings one of which every match must contain.

The checker looks these up in the same Aho-Corasick automaton as the phrases and runs a regex only
near a hit, like the literal prefilter of Hyperscan or RE2.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any


def required_literals(pattern: str) -> set[str] | None:
    """Strings one of which every match of `pattern` must contain, or None when none can be derived.

    The checker looks these up in the same automaton as the phrases and runs the regex only near a
    hit, like the literal prefilter of Hyperscan or RE2. Rare, long literals are preferred.
    """
    return regex_info(pattern)[0]


def regex_info(pattern: str) -> tuple[set[str] | None, int]:
    """(required literals or None, longest possible match or 0 when unbounded), from one parse."""
    plan = literal_plan(pattern)
    return plan.literals, plan.width


_UNBOUNDED_WIDTH = 1000  # a match (or a part of one) that may be longer than this counts as unbounded


@dataclass(frozen=True)
class LiteralPlan:
    """Where a regex can match, read from its parse tree once, when the rules are loaded.

    `literals`: the cheapest set of strings one of which every match contains (looked up by the automaton);
    `others`: further such sets, each compiled to one literal alternation: a stretch of text is searched
    only when it contains one string of every set (the AND of the prefilter, as in RE2's FilteredRE2);
    `before` / `after`: how many characters a match can have before the primary literal starts and after
    it ends (None: unbounded), so the search around a hit is as narrow as the pattern allows;
    `width`: the longest match, or 0 when unbounded."""

    literals: set[str] | None
    others: tuple[re.Pattern[str], ...] = ()
    before: int | None = None
    after: int | None = None
    width: int = 0


_MAX_OTHERS = 3


def literal_plan(pattern: str) -> LiteralPlan:
    """The prefilter plan of `pattern` (LiteralPlan); nothing is claimed for a pattern that cannot be parsed."""
    try:
        parsed = re._parser.parse(pattern)
        width = parsed.getwidth()[1]
        flags = re.compile(pattern).flags
    except Exception:
        return LiteralPlan(None)
    items = list(parsed)
    candidates = _top_candidates(items)
    width = width if width < _UNBOUNDED_WIDTH else 0
    if not candidates:
        return LiteralPlan(None, width=width)
    best = min(range(len(candidates)), key=lambda k: _cost(candidates[k][0]))
    found, first, last, nested = candidates[best]
    if not (found and all(found)):
        return LiteralPlan(None, width=width)
    state = parsed.state
    if nested:  # somewhere inside item `first`: it may lie anywhere in that item's span
        inner = _span_width(state, items[first : first + 1])
        slack = None if inner is None else inner - min(map(len, found))
        before = _add(_span_width(state, items[:first]), slack)
        after = _add(slack, _span_width(state, items[first + 1 :]))
    else:  # a run of exact items: the literal starts where item `first` starts
        before = _span_width(state, items[:first])
        after = _span_width(state, items[last + 1 :])
    others: tuple[re.Pattern[str], ...] = ()
    if not flags & re.IGNORECASE:  # literals compared as written: not valid when case is ignored
        rest = sorted((c[0] for k, c in enumerate(candidates) if k != best and c[0] and all(c[0])), key=_cost)
        others = tuple(
            re.compile("|".join(re.escape(x) for x in sorted(lits, key=lambda x: (-len(x), x))))
            for lits in rest[:_MAX_OTHERS]
        )
    return LiteralPlan(set(found), others, before, after, width)


def _add(a: int | None, b: int | None) -> int | None:
    return None if a is None or b is None else a + b


def _span_width(state, items: list) -> int | None:
    """The longest text `items` can match, or None when unbounded."""
    if not items:
        return 0
    try:
        longest = re._parser.SubPattern(state, items).getwidth()[1]
    except Exception:
        return None
    return longest if longest < _UNBOUNDED_WIDTH else None


def _top_candidates(items: list) -> list[tuple[set[str], int, int, bool]]:
    """Every literal set a match must contain, found in the top-level sequence `items`, with the first and
    last item it spans and whether it comes from inside one item (nested) rather than a run of exact items."""
    candidates: list[tuple[set[str], int, int, bool]] = []
    run: set[str] | None = None
    start = 0

    def close(last: int) -> None:
        if run and "" not in run:
            candidates.append((run, start, last, False))

    for j, (op, av) in enumerate(items):
        sub = _exact(op, av)
        if sub is not None:
            product = {a + b for a in (run or {""}) for b in sub}
            if len(product) <= _MAX_EXACT:
                if run is None:
                    start = j
                run = product
                continue
            close(j - 1)
            run, start = sub, j
            continue
        close(j - 1)
        run = None
        found = _item_literals(op, av)
        if found and "" not in found:
            candidates.append((found, j, j, True))
    close(len(items) - 1)
    return candidates


_MAX_EXACT = 32


def _cost(literals: set[str]) -> float:
    """How often a set of literals can be expected to occur: single characters are the worst."""
    return sum(1.0 if len(x) == 1 else 0.15 if len(x) == 2 else 0.03 for x in literals)


def _exact(op, av) -> set[str] | None:
    """The complete set of strings one parsed item matches, when it is small and finite."""
    c = re._constants
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


def _item_literals(op: object, av: Any) -> set[str] | None:
    """The literal set one of a group, an alternation or a required repeat must contain (None when unknown)."""
    c = re._constants
    if op is c.SUBPATTERN:
        return _seq_literals(list(av[-1]))
    if op is c.BRANCH:
        alts = [_seq_literals(list(alt)) for alt in av[1]]
        return None if any(a is None for a in alts) else set().union(*alts)  # type: ignore[arg-type]
    if op in (c.MAX_REPEAT, c.MIN_REPEAT) and av[0] >= 1:
        return _seq_literals(list(av[2]))
    return None


def _seq_literals(items: list) -> set[str] | None:
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
        found = _item_literals(op, av)
        if found and "" not in found:
            candidates.append(found)
    close()
    if not candidates:
        return None
    return min(candidates, key=_cost)


_GLOBAL_FLAGS = re.compile(r"^\(\?[aiLmsux]+\)")
_NUMBERED_BACKREF = re.compile(r"(?<!\\)\\[1-9]")


def top_level_branches(pattern: str) -> list[str]:
    """The alternatives of a pattern's outermost `|`, each a pattern of its own, so each runs only near its
    own literals; the whole pattern when splitting could change its meaning (numbered backreferences,
    global flags)."""
    if "|" not in pattern or _NUMBERED_BACKREF.search(pattern) or _GLOBAL_FLAGS.match(pattern):
        return [pattern]
    parts: list[str] = []
    depth, in_class, start, i = 0, False, 0, 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            i += 2
            continue
        if in_class:
            if ch == "]":
                in_class = False
        elif ch == "[":
            in_class = True
            if pattern[i + 1 : i + 2] == "]" or pattern[i + 1 : i + 3] == "^]":
                i += 2 if pattern[i + 1] == "]" else 3  # a leading ] is a literal inside the class
                continue
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            parts.append(pattern[start:i])
            start = i + 1
        i += 1
    parts.append(pattern[start:])
    if len(parts) < 2 or any(not p for p in parts):
        return [pattern]
    try:
        for p in parts:
            re.compile(p)
    except re.error:
        return [pattern]
    return parts
