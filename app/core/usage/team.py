"""Load the team's insights for a period: read the share, add this manager's own decisions, build."""

from __future__ import annotations

import datetime as dt
import re
import time
from dataclasses import dataclass
from pathlib import Path

from app.core.content.model import Content
from app.core.usage.aggregate import days_before
from app.core.usage.insights import UNUSED_DAYS, Insights, TopHit, apply_answers, build_insights
from app.core.usage.log import UsageLog
from app.core.usage.records import Flag, latest_decisions
from app.core.usage.share import read_team, share_id
from app.core.usage.store import TeamStore

_SINCE = re.compile(r"^(\d{1,4})\s*([dw])$")


def index_top_hit(index: object) -> TopHit:
    """`top_hit` for `build_insights` from a search index: the id of the first article hit, or None."""

    def top(phrase: str) -> str | None:
        hits = index.search(phrase, limit=1, kind="article")  # type: ignore[attr-defined]
        return hits[0].id if hits else None

    return top


@dataclass
class Loaded:
    """Insights and what loading them cost (files read, seconds)."""

    insights: Insights
    files_read: int
    seconds: float
    days_read: int = 0


def parse_since(value: str, until: str) -> str:
    """'30d', '12w' or a date YYYY-MM-DD → the first day of the period; ValueError when neither."""
    value = value.strip().lower()
    match = _SINCE.match(value)
    if match:
        n = int(match.group(1)) * (7 if match.group(2) == "w" else 1)
        if n < 1:
            raise ValueError("the period must be at least one day")
        return days_before(until, n - 1)
    try:
        return dt.date.fromisoformat(value).isoformat()
    except ValueError:
        raise ValueError(f"'{value}' is not a period like 30d, 12w or a date like 2026-11-01") from None


def store_for(share: Path, home: Path) -> TeamStore:
    """The manager's local store of this share's aggregates (under $ZHIDA_HOME/usage/)."""
    return TeamStore(home / "usage" / f"team-{share_id(share)}.sqlite3")


def load_insights(
    share: Path,
    content: Content | None,
    since: str,
    until: str,
    log: UsageLog | None = None,
    retention_days: int = 90,
    top_hit: TopHit | None = None,
) -> Loaded:
    """Refresh the local store from the share for `since`..`until` (and the 60 days "no view" needs), then build.

    With a `log` the store lives beside it (incremental); without, in memory (everything is read)."""
    started = time.perf_counter()
    first = min(since, days_before(until, UNUSED_DAYS - 1))
    share = Path(share)
    store = store_for(share, log.home) if log is not None else TeamStore()
    try:
        team = read_team(share, first, until, store=store)
        insights = build_insights(
            team,
            content,
            since,
            until,
            extra_decisions=log.decisions() if log else None,
            retention_days=retention_days,
            top_hit=top_hit,
        )
    finally:
        store.close()
    return Loaded(insights, team.files_read, time.perf_counter() - started, team.days_read)


def team_flags(share: Path, content: Content | None, log: UsageLog | None = None) -> list[Flag]:
    """Every flag on the share with its current answer (this manager's own unsent decisions included),
    newest first: what the workbench shows an article's owner. Resolve one with
    `log.record_decision(RESOLVE_FLAG, flag.id, {"status": FLAG_RESOLVED, "note": …})`."""
    team = read_team(Path(share), "", "", days=False)
    decided = latest_decisions(team.decisions + (log.decisions() if log else []))
    return apply_answers(team.flags, decided, content)
