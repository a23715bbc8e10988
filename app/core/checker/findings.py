"""What the checker reports: `CheckContext` in, `Finding`s out, and the clean-up that keeps them readable."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from app.core.vocab import GENERAL, LEVEL_RANK, ONLINE


@dataclass(frozen=True)
class CheckContext:
    """Who the reply is for and where it is sent: rules with `when` conditions depend on it."""

    audience: str = GENERAL
    channel: str = ONLINE


@dataclass(frozen=True)
class Finding:
    """One problem in the checked text; `start`/`end` are character offsets into that text.

    `suggestions` are one-click fixes, each a whole-phrase rewrite the rule's specs prove (`fixed:`), a
    pronoun change (你→您) or a masked number; `better` are phrasings to copy by hand: they would not fit
    in place of the span, so the app shows them and never substitutes them."""

    start: int
    end: int
    text: str
    rule: str
    level: str
    reason: str
    message: str
    suggestions: tuple[str, ...] = ()
    better: tuple[str, ...] = ()

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
            "better": list(self.better),
        }


def non_overlapping(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Leftmost-longest spans that do not overlap, in order."""
    chosen: list[tuple[int, int]] = []
    for span in sorted(set(spans), key=lambda s: (s[0], -s[1])):
        if not chosen or span[0] >= chosen[-1][1]:
            chosen.append(span)
    return chosen


def drop_shadowed(findings: list[Finding]) -> list[Finding]:
    """Drop a finding inside a longer one of the same or a higher level ("不知道" inside "我不知道").

    One sweep in start order: for each level, the kept finding reaching furthest right is all that can
    cover the next one, so the cost is linear in the number of findings (10 MB of text stays seconds)."""
    findings.sort(key=lambda f: (f.start, -f.end, -LEVEL_RANK[f.level], f.rule))
    ranks = sorted(set(LEVEL_RANK.values()))
    reach: dict[int, tuple[int, int]] = {}  # rank → (end, start) of the kept finding reaching furthest
    kept: list[Finding] = []
    for f in findings:
        rank = LEVEL_RANK[f.level]
        covered = False
        for r in ranks:
            if r < rank or r not in reach:
                continue
            end, start = reach[r]
            if end > f.end or (end == f.end and start < f.start):
                covered = True
                break
        if covered:
            continue
        kept.append(f)
        best = reach.get(rank)
        if best is None or f.end > best[0]:
            reach[rank] = (f.end, f.start)
    kept.sort(key=lambda f: (f.start, f.end, f.rule))
    return kept
