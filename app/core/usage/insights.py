"""The team's insights from shared usage: rates over time, content gaps, what is used, flags, the 问题台账.

Input: `TeamUsage` read from the share, the loaded content, and the period. Output: plain dataclasses
that the 数据看板, `zhida report` and its JSON/CSV/HTML forms all show the same way. A query text is shown
only when at least MIN_AGENTS distinct agents searched it; fewer, and the row says how many without it.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from typing import Any

from app.core.content.model import Content
from app.core.text.squeeze import squeeze
from app.core.usage.aggregate import days_before, iter_days
from app.core.usage.cluster import Member, cluster_texts
from app.core.usage.records import (
    APPROVE_SIMILAR,
    CURATE_CASE,
    IGNORE_GAP,
    RESOLVE_FLAG,
    Case,
    Decision,
    Flag,
    latest_decisions,
)
from app.core.usage.share import TeamUsage
from app.core.vocab import CASE_APPROVED, FLAG_OPEN, PUBLISHED

MIN_AGENTS = 3
UNUSED_DAYS = 60
TOP = 20


@dataclass
class DayPoint:
    """One day of the team's searching."""

    day: str
    searches: int = 0
    no_result: int = 0
    no_click: int = 0

    @property
    def no_result_rate(self) -> float:
        """Share of searches with no result."""
        return self.no_result / self.searches if self.searches else 0.0

    @property
    def no_click_rate(self) -> float:
        """Share of searches whose results were not used."""
        return self.no_click / self.searches if self.searches else 0.0


@dataclass
class Gap:
    """A content gap: normalized queries that found nothing or nothing useful, clustered."""

    key: str  # the heaviest member's text (what 忽略 records)
    text: str | None  # shown only with MIN_AGENTS agents, else None
    agents: int
    count: int
    no_result: int
    no_click: int
    gap_reports: int  # 「记录为知识缺口」 among them
    variants: list[str] = field(default_factory=list)  # other texts with MIN_AGENTS agents
    hidden_variants: int = 0
    types: dict[str, int] = field(default_factory=dict)


@dataclass
class Used:
    """An article or script and how often it was opened or copied."""

    id: str
    title: str
    kind: str
    count: int
    agents: int


@dataclass
class Suggestion:
    """A phrasing agents used before opening and copying an article: a candidate 相似问法 (never automatic)."""

    article: str
    title: str
    phrase: str
    agents: int
    count: int


@dataclass
class VoiceItem:
    """A customer's 建议 (masked), de-duplicated, with how often it came in."""

    text: str
    count: int
    first_day: str
    last_day: str


@dataclass
class Insights:
    """Everything on the 看板 for one period."""

    since: str
    until: str
    clients: int
    totals: dict[str, int]
    daily: list[DayPoint]
    gaps: list[Gap]
    top_opened: list[Used]
    top_copied: list[Used]
    unused: list[Used]
    stale_hot: list[Used]
    flags: list[Flag]
    suggestions: list[Suggestion]
    drafts_by_type: dict[str, dict[str, int]]  # type → day → drafts
    drafts_by_category: dict[str, int]
    topics: list[Gap]  # the most searched subjects (all queries, clustered)
    voice: list[VoiceItem]
    cases: list[Case]
    errors: list[tuple[str, str]]
    private_searches: int = 0
    hidden_suggestions: int = 0  # phrasings used by fewer than MIN_AGENTS agents: not shown

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (what `zhida report --json` prints)."""
        data = asdict(self)
        for point, raw in zip(self.daily, data["daily"]):
            raw["no_result_rate"] = round(point.no_result_rate, 4)
            raw["no_click_rate"] = round(point.no_click_rate, 4)
        data["errors"] = [{"file": f, "reason": r} for f, r in self.errors]
        return data


def weekly(per_day: dict[str, int]) -> dict[str, int]:
    """Day counts summed per ISO week (the week's Monday)."""
    out: Counter[str] = Counter()
    for day, n in per_day.items():
        d = dt.date.fromisoformat(day)
        out[(d - dt.timedelta(days=d.weekday())).isoformat()] += n
    return dict(sorted(out.items()))


def build_insights(
    team: TeamUsage,
    content: Content | None,
    since: str,
    until: str,
    extra_decisions: list[Decision] | None = None,
) -> Insights:
    """Compute the 看板 for days `since`..`until` from what the team shared (plus this manager's own decisions)."""
    decided = latest_decisions(team.decisions + list(extra_decisions or []))
    in_period = [d for d in team.days if since <= d.day <= until]
    daily = {day: DayPoint(day) for day in iter_days(since, until)}
    totals: Counter[str] = Counter()
    queries: dict[str, list[Any]] = {}  # text → [searches, zero, noclick, clients, gap reports, types]
    opens: dict[str, Counter[str]] = defaultdict(Counter)
    copies: dict[str, Counter[str]] = defaultdict(Counter)
    learned: dict[tuple[str, str], list[Any]] = {}
    drafts_by_type: dict[str, Counter[str]] = defaultdict(Counter)
    drafts_by_category: Counter[str] = Counter()
    voice: dict[str, VoiceItem] = {}
    private = 0
    for rec in in_period:
        data = rec.data
        point = daily[rec.day]
        point.searches += data["searches"]
        point.no_result += data["no_result"]
        point.no_click += data["no_click"]
        private += data["private_searches"]
        for q in data["queries"]:
            if not q["q"]:
                continue
            entry = queries.setdefault(q["q"], [0, 0, 0, set(), 0, Counter()])
            entry[0] += q["n"]
            entry[1] += q["zero"]
            entry[2] += q["noclick"]
            entry[3].add(rec.client)
        for g in data["gaps"]:
            if not g["q"]:
                continue
            entry = queries.setdefault(g["q"], [0, 0, 0, set(), 0, Counter()])
            entry[3].add(rec.client)
            entry[4] += g["n"]
            if g["type"]:
                entry[5][g["type"]] += g["n"]
        for item, n in data["opens"].items():
            opens[item][rec.client] += n
        for item, n in data["copies"].items():
            copies[item][rec.client] += n
        for row in data["learned"]:
            if row["q"] and row["article"]:
                entry = learned.setdefault((row["q"], row["article"]), [0, set()])
                entry[0] += row["n"]
                entry[1].add(rec.client)
        for row in data["drafts"]:
            drafts_by_type[row["type"] or "未分类"][rec.day] += row["n"]
            drafts_by_category[row["category"] or "未分类"] += row["n"]
        for text in data["voice"]:
            key = squeeze(text)
            item = voice.get(key)
            if item is None:
                voice[key] = VoiceItem(text, 1, rec.day, rec.day)
            else:
                item.count += 1
                item.first_day, item.last_day = min(item.first_day, rec.day), max(item.last_day, rec.day)
    for point in daily.values():
        totals["searches"] += point.searches
        totals["no_result"] += point.no_result
        totals["no_click"] += point.no_click
    totals["drafts"] = sum(drafts_by_category.values())

    ignored = {target for (kind, target), _ in decided.items() if kind == IGNORE_GAP}
    gap_members = [Member(text, e[1] + e[2] + e[4], e[3]) for text, e in queries.items() if (e[1] or e[2] or e[4])]
    gaps = [
        g
        for g in (_gap(c.members, queries) for c in cluster_texts(gap_members))
        if g.key not in ignored and not any(v in ignored for v in g.variants)
    ]
    topics = [
        _gap(c.members, queries) for c in cluster_texts([Member(t, e[0], e[3]) for t, e in queries.items()])[:TOP]
    ]

    titles = _titles(content)
    all_opens = _opens_since(team, days_before(until, UNUSED_DAYS - 1), until)
    articles = content.articles if content else []
    unused = [
        Used(a.id, a.title, "article", 0, 0) for a in articles if a.status == PUBLISHED and not all_opens.get(a.id)
    ]
    stale_hot = sorted(
        (
            Used(a.id, a.title, "article", sum(opens[a.id].values()), len(opens[a.id]))
            for a in articles
            if a.review_by and a.review_by < until
        ),
        key=lambda u: (-u.count, u.id),
    )
    suggestions, hidden = _suggestions(learned, content, decided)
    return Insights(
        since=since,
        until=until,
        clients=len({d.client for d in in_period}),
        totals=dict(totals),
        daily=list(daily.values()),
        gaps=gaps[:200],
        top_opened=_top(opens, titles, "article"),
        top_copied=_top(copies, titles, "script"),
        unused=unused,
        stale_hot=stale_hot,
        flags=_flags(team.flags, decided, content),
        suggestions=suggestions,
        drafts_by_type={t: dict(sorted(c.items())) for t, c in sorted(drafts_by_type.items())},
        drafts_by_category=dict(drafts_by_category.most_common()),
        topics=topics,
        voice=sorted(voice.values(), key=lambda v: (-v.count, v.text))[:500],
        cases=_cases(team.cases, decided),
        errors=list(team.errors),
        private_searches=private,
        hidden_suggestions=hidden,
    )


def _gap(members: list[Member], queries: dict[str, list[Any]]) -> Gap:
    shown = [m.text for m in members if len(m.clients) >= MIN_AGENTS]
    clients = set().union(*(m.clients for m in members))
    types: Counter[str] = Counter()
    for m in members:
        types.update(queries[m.text][5])
    return Gap(
        key=members[0].text,
        text=shown[0] if shown else None,
        agents=len(clients),
        count=sum(queries[m.text][0] + queries[m.text][4] for m in members),
        no_result=sum(queries[m.text][1] for m in members),
        no_click=sum(queries[m.text][2] for m in members),
        gap_reports=sum(queries[m.text][4] for m in members),
        variants=shown[1:10],
        hidden_variants=len(members) - len(shown),
        types=dict(types),
    )


def _titles(content: Content | None) -> dict[str, str]:
    if content is None:
        return {}
    titles = {a.id: a.title for a in content.articles}
    titles.update({s.id: s.title for s in content.scripts})
    return titles


def _opens_since(team: TeamUsage, since: str, until: str) -> Counter[str]:
    out: Counter[str] = Counter()
    for rec in team.days:
        if since <= rec.day <= until:
            out.update(rec.data["opens"])
            out.update({k: v for k, v in rec.data["copies"].items()})
            out.update(r["article"] for r in rec.data["drafts"] if r["article"])
    return out


def _top(counts: dict[str, Counter[str]], titles: dict[str, str], default_kind: str) -> list[Used]:
    rows = [Used(item, titles.get(item, item), default_kind, sum(by.values()), len(by)) for item, by in counts.items()]
    rows.sort(key=lambda u: (-u.count, -u.agents, u.id))
    return rows[:TOP]


def _flags(flags: list[Flag], decided: dict[tuple[str, str], Decision], content: Content | None) -> list[Flag]:
    out = []
    titles = _titles(content)
    for flag in sorted(flags, key=lambda f: -f.ts):
        answer = decided.get((RESOLVE_FLAG, flag.id))
        if answer is not None:
            flag.status = answer.value.get("status", FLAG_OPEN)
            flag.note = answer.value.get("note", "")
            flag.resolved_ts = answer.ts
        flag.title = titles.get(flag.article, flag.title)
        out.append(flag)
    return out


def _key(text: str) -> str:
    return squeeze(text)


def _suggestions(
    learned: dict[tuple[str, str], list[Any]], content: Content | None, decided: dict[tuple[str, str], Decision]
) -> tuple[list[Suggestion], int]:
    articles = {a.id: a for a in content.articles} if content else {}
    out = []
    hidden = 0
    for (phrase, article_id), (count, clients) in learned.items():
        article = articles.get(article_id)
        if content is not None and article is None:
            continue  # the article is gone
        if article is not None and _key(phrase) in {_key(t) for t in (article.title, *article.similar)}:
            continue  # already one of its questions
        if (APPROVE_SIMILAR, f"{article_id}\t{phrase}") in decided:
            continue
        if len(clients) < MIN_AGENTS:
            hidden += 1
            continue
        out.append(
            Suggestion(
                article_id,
                article.title if article else article_id,
                phrase,
                len(clients),
                count,
            )
        )
    out.sort(key=lambda s: (-s.agents, -s.count, s.article, s.phrase or ""))
    return out[:200], hidden


def _cases(cases: list[Case], decided: dict[tuple[str, str], Decision]) -> list[Case]:
    for case in cases:
        curation = decided.get((CURATE_CASE, case.id))
        if curation is not None:
            case.status = curation.value.get("status", case.status)
            case.polarity = curation.value.get("polarity", "")
            case.tags = list(curation.value.get("tags", []))
    return sorted(cases, key=lambda c: (c.status != CASE_APPROVED, -c.ts))
