"""From one client's events to the daily aggregates it shares: counts, normalized queries, derived events.

Two events are derived here rather than recorded, because they are about what did *not* happen:
- **no-click**: results were shown (hits > 0) and nothing was opened, copied or built into a draft
  within 60 s;
- **learned phrasing**: after a query the agent opened article X and copied it (a draft built on X) and
  did not search again within 60 s: the query is a candidate 相似问法 for X (never added automatically).

A query that held personal data counts in the totals; its text is never part of an aggregate.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from typing import Any

from app.core.usage.log import COPY, DRAFT, GAP, OPEN, SEARCH, UsageEvent

FORMAT = 1
NO_CLICK_S = 60.0
QUIET_S = 60.0
ACTIONS = (OPEN, COPY, DRAFT)
MAX_ITEMS = 2000  # per list in one day's document: a runaway client cannot make a file huge


def day_of(ts: float) -> str:
    """The local calendar day of a timestamp, as YYYY-MM-DD (an agent's day is their shift)."""
    return dt.datetime.fromtimestamp(ts).date().isoformat()


def aggregate_days(events: list[UsageEvent], role: str, now: float) -> dict[str, dict[str, Any]]:
    """Day → the document to share, for every day that has events (events oldest first)."""
    by_day: dict[str, _Day] = {}
    searches = [i for i, e in enumerate(events) if e.kind == SEARCH]
    for position, i in enumerate(searches):
        event = events[i]
        nxt = events[searches[position + 1]].ts if position + 1 < len(searches) else None
        follow = events[i + 1 : searches[position + 1] if position + 1 < len(searches) else len(events)]
        day = by_day.setdefault(day_of(event.ts), _Day())
        day.searches += 1
        zero = (event.hits or 0) == 0
        acted = any(e.kind in ACTIONS and e.ts - event.ts <= NO_CLICK_S for e in follow)
        settled = (nxt is not None) or now - event.ts > NO_CLICK_S
        no_click = not zero and not acted and settled
        day.no_result += zero
        day.no_click += no_click
        if event.private or not event.query:
            day.private += 1
            continue
        q = day.queries.setdefault(event.query, [0, 0, 0])
        q[0] += 1
        q[1] += zero
        q[2] += no_click
        learned = _learned_article(follow, nxt, now)
        if learned:
            day.learned[(event.query, learned)] += 1
    for e in events:
        if e.kind == SEARCH:
            continue
        day = by_day.setdefault(day_of(e.ts), _Day())
        if e.kind == OPEN and e.item:
            day.opens[e.item] += 1
        elif e.kind == COPY and e.item:
            day.copies[e.item] += 1
        elif e.kind == DRAFT:
            day.drafts[(str(e.extra.get("type", "")), str(e.extra.get("category", "")), e.item or "")] += 1
            voice = e.extra.get("voice")
            if isinstance(voice, str) and voice:
                day.voice.setdefault(voice, None)
        elif e.kind == GAP and e.query:
            day.gaps[(e.query, str(e.extra.get("type", "")))] += 1
    return {name: day.document(name, role) for name, day in sorted(by_day.items())}


def _learned_article(follow: list[UsageEvent], next_search: float | None, now: float) -> str | None:
    """The article opened and then copied after a query, when no new search came within QUIET_S of the copy."""
    opened: set[str] = set()
    for e in follow:
        if e.kind == OPEN and e.item:
            opened.add(e.item)
        elif e.kind in (COPY, DRAFT) and e.item in opened:
            quiet_until = e.ts + QUIET_S
            if (next_search is None and now >= quiet_until) or (next_search is not None and next_search > quiet_until):
                return e.item
            return None
    return None


class _Day:
    def __init__(self) -> None:
        self.searches = self.no_result = self.no_click = self.private = 0
        self.queries: dict[str, list[int]] = {}
        self.opens: Counter[str] = Counter()
        self.copies: Counter[str] = Counter()
        self.drafts: Counter[tuple[str, str, str]] = Counter()
        self.gaps: Counter[tuple[str, str]] = Counter()
        self.learned: Counter[tuple[str, str]] = Counter()
        self.voice: dict[str, None] = {}

    def document(self, day: str, role: str) -> dict[str, Any]:
        top = sorted(self.queries.items(), key=lambda kv: -kv[1][0])[:MAX_ITEMS]
        return {
            "format": FORMAT,
            "day": day,
            "role": role,
            "searches": self.searches,
            "no_result": self.no_result,
            "no_click": self.no_click,
            "private_searches": self.private,
            "queries": [{"q": q, "n": n, "zero": z, "noclick": c} for q, (n, z, c) in top],
            "opens": dict(self.opens.most_common(MAX_ITEMS)),
            "copies": dict(self.copies.most_common(MAX_ITEMS)),
            "drafts": [{"type": t, "category": c, "article": a, "n": n} for (t, c, a), n in self.drafts.items()],
            "gaps": [{"q": q, "type": t, "n": n} for (q, t), n in self.gaps.most_common(MAX_ITEMS)],
            "learned": [{"q": q, "article": a, "n": n} for (q, a), n in self.learned.most_common(MAX_ITEMS)],
            "voice": list(self.voice)[:MAX_ITEMS],
        }


def strip_texts(document: dict[str, Any]) -> dict[str, Any]:
    """The same day without any text typed by an agent or a customer (retention): the counts stay."""
    out = dict(document)
    out["queries"] = []
    out["learned"] = []
    out["voice"] = []
    out["gaps"] = [{"q": "", "type": g.get("type", ""), "n": g.get("n", 0)} for g in document.get("gaps", [])]
    out["texts_removed"] = True
    return out


def days_before(day: str, days: int) -> str:
    """The day `days` before `day` (YYYY-MM-DD)."""
    return (dt.date.fromisoformat(day) - dt.timedelta(days=days)).isoformat()


def day_start(day: str) -> float:
    """The local timestamp at which `day` begins."""
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time()).timestamp()


def iter_days(first: str, last: str) -> Iterable[str]:
    """Every day from `first` to `last`, inclusive."""
    d, end = dt.date.fromisoformat(first), dt.date.fromisoformat(last)
    while d <= end:
        yield d.isoformat()
        d += dt.timedelta(days=1)
