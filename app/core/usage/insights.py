"""The team's insights from shared usage: rates over time, content gaps, what is used, flags, the 问题台账.

Input: `TeamUsage` read from the share, the loaded content, and the period. Output: plain dataclasses
that the 数据看板, `zhida report` and its JSON/CSV/HTML forms all show the same way. A query text is shown
only when at least MIN_AGENTS distinct agents searched it; fewer, and the row says how many without it.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable
from typing import Any

from app.core.content.model import Content
from app.core.text.squeeze import squeeze
from app.core.usage.aggregate import days_before, iter_days
from app.core.usage.cluster import Member, cluster_texts
from app.core.usage.model import DayPoint, Gap, Insights, Suggestion, Used, VoiceItem
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
from app.core.usage.store import OPENS
from app.core.vocab import CASE_APPROVED, FLAG_OPEN, PUBLISHED

MIN_AGENTS = 3
GAP_SHARE = 0.3  # a query is a gap when this share of its searches found nothing or was not used
UNUSED_DAYS = 60
TOP = 20
MAX_CHECKED = 300  # suggestions checked against the index (one search each)
TopHit = Callable[[str], "str | None"]


def weekly(per_day: dict[str, int]) -> dict[str, int]:
    """Day counts summed per ISO week (the week's Monday)."""
    out: Counter[str] = Counter()
    for day, n in per_day.items():
        d = dt.date.fromisoformat(day)
        out[(d - dt.timedelta(days=d.weekday())).isoformat()] += n
    return dict(sorted(out.items()))


TOPIC_QUERIES = 400  # topics cluster the most searched texts only


def build_insights(
    team: TeamUsage,
    content: Content | None,
    since: str,
    until: str,
    extra_decisions: list[Decision] | None = None,
    retention_days: int = 90,
    top_hit: TopHit | None = None,
) -> Insights:
    """Compute the 看板 for days `since`..`until` from what the team shared (plus this manager's own decisions).

    Texts (queries, phrasings, customers' words) count only from days inside the retention period. With
    `top_hit` (the article a search puts first), a suggested 相似问法 that already finds its article is left
    out: approving it would change nothing, and every extra phrasing can pull other questions its way."""
    db = team.store
    text = db.texts()
    blank = {i for i, t in text.items() if t == ""}
    decided = latest_decisions(team.decisions + list(extra_decisions or []))
    texts_from = max(since, days_before(until, max(1, retention_days)))
    daily = {day: DayPoint(day) for day in iter_days(since, until)}
    private = 0
    for day, searches, zero, noclick, priv in db.rows(
        "SELECT day, SUM(searches), SUM(no_result), SUM(no_click), SUM(private) FROM days "
        "WHERE day BETWEEN ? AND ? GROUP BY day",
        since,
        until,
    ):
        point = daily[day]
        point.searches, point.no_result, point.no_click = searches, zero, noclick
        private += priv
    totals: Counter[str] = Counter()
    for point in daily.values():
        totals["searches"] += point.searches
        totals["no_result"] += point.no_result
        totals["no_click"] += point.no_click

    # One pass over the period's queries: per text [searches, no result, no click, clients, gap reports, types].
    stats: dict[int, list[Any]] = {}
    for q, client, n, zero, noclick in db.rows(
        "SELECT q, client, SUM(n), SUM(zero), SUM(noclick) FROM queries WHERE day BETWEEN ? AND ? GROUP BY q, client",
        texts_from,
        until,
    ):
        entry = stats.get(q)
        if entry is None:
            entry = stats[q] = [0, 0, 0, set(), 0, Counter()]
        entry[0] += n
        entry[1] += zero
        entry[2] += noclick
        entry[3].add(client)
    for q, client, kind, n in db.rows(
        "SELECT q, client, type, SUM(n) FROM gaps WHERE day BETWEEN ? AND ? GROUP BY q, client, type",
        texts_from,
        until,
    ):
        if q in blank:
            continue
        entry = stats.get(q)
        if entry is None:
            entry = stats[q] = [0, 0, 0, set(), 0, Counter()]
        entry[3].add(client)
        entry[4] += n
        if text[kind]:
            entry[5][text[kind]] += n
    queries = {text[q]: entry for q, entry in stats.items()}
    ignored = {target for (kind, target) in decided if kind == IGNORE_GAP}
    gap_members = [Member(t, e[1] + e[2] + e[4], e[3]) for t, e in queries.items() if _is_gap(e)]
    gaps = [
        g
        for g in (_gap(c.members, queries) for c in cluster_texts(gap_members))
        if g.key not in ignored and not any(v in ignored for v in g.variants)
    ]
    heaviest = sorted(queries.items(), key=lambda kv: -kv[1][0])[:TOPIC_QUERIES]
    topics = [_gap(c.members, queries) for c in cluster_texts([Member(t, e[0], e[3]) for t, e in heaviest])[:TOP]]

    titles = _titles(content)
    opens: dict[str, tuple[int, int]] = {}
    copies: dict[str, tuple[int, int]] = {}
    for kind, item, n, clients in db.rows(
        "SELECT kind, item, SUM(n), COUNT(DISTINCT client) FROM items WHERE day BETWEEN ? AND ? GROUP BY kind, item",
        since,
        until,
    ):
        (opens if kind == OPENS else copies)[text[item]] = (n, clients)
    cutoff = days_before(until, UNUSED_DAYS - 1)
    used_recently = {text[item] for item, day in db.db.execute("SELECT item, day FROM seen") if day >= cutoff}
    articles = content.articles if content else []
    unused = [
        Used(a.id, a.title, "article", 0, 0) for a in articles if a.status == PUBLISHED and a.id not in used_recently
    ]
    stale_hot = sorted(
        (
            Used(a.id, a.title, "article", opens.get(a.id, (0, 0))[0], opens.get(a.id, (0, 0))[1])
            for a in articles
            if a.review_by and a.review_by < until
        ),
        key=lambda u: (-u.count, u.id),
    )

    drafts_by_type: dict[str, dict[str, int]] = defaultdict(dict)
    drafts_by_category: Counter[str] = Counter()
    for kind, category, day, n in db.rows(
        "SELECT type, category, day, SUM(n) FROM drafts WHERE day BETWEEN ? AND ? GROUP BY type, category, day",
        since,
        until,
    ):
        label = text[kind] or "未分类"
        drafts_by_type[label][day] = drafts_by_type[label].get(day, 0) + n
        drafts_by_category[text[category] or "未分类"] += n
    totals["drafts"] = sum(drafts_by_category.values())

    voice: dict[str, VoiceItem] = {}
    for t, day in db.rows("SELECT text, day FROM voice WHERE day BETWEEN ? AND ? ORDER BY day", texts_from, until):
        words = text[t]
        key = squeeze(words)
        item = voice.get(key)
        if item is None:
            voice[key] = VoiceItem(words, 1, day, day)
        else:
            item.count += 1
            item.last_day = day
    learned = {
        (text[q], text[article]): (n, clients)
        for q, article, n, clients in db.rows(
            "SELECT q, article, SUM(n), COUNT(DISTINCT client) FROM learned WHERE day BETWEEN ? AND ? "
            "GROUP BY q, article",
            texts_from,
            until,
        )
    }
    suggestions, hidden = _suggestions(learned, content, decided, top_hit)
    (clients,) = db.rows("SELECT COUNT(DISTINCT client) FROM days WHERE day BETWEEN ? AND ?", since, until)[0]
    return Insights(
        since=since,
        until=until,
        clients=clients,
        totals=dict(totals),
        daily=list(daily.values()),
        gaps=gaps[:200],
        top_opened=_top(opens, titles, "article"),
        top_copied=_top(copies, titles, "script"),
        unused=unused,
        stale_hot=stale_hot,
        flags=apply_answers(team.flags, decided, content),
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


def _is_gap(entry: list[Any]) -> bool:
    """Reported as a gap, or at least GAP_SHARE of its searches found nothing or nothing worth opening."""
    searches, zero, noclick, _clients, reports = entry[:5]
    return reports > 0 or (searches > 0 and (zero + noclick) / searches >= GAP_SHARE)


def _gap(members: list[Member], queries: dict[str, list[Any]]) -> Gap:
    """A cluster as a row: counts summed over its texts, text shown only with MIN_AGENTS agents."""
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


def _top(counts: dict[str, tuple[int, int]], titles: dict[str, str], kind: str) -> list[Used]:
    rows = [Used(item, titles.get(item, item), kind, n, clients) for item, (n, clients) in counts.items()]
    rows.sort(key=lambda u: (-u.count, -u.agents, u.id))
    return rows[:TOP]


def apply_answers(flags: list[Flag], decided: dict[tuple[str, str], Decision], content: Content | None) -> list[Flag]:
    """Flags with their owner's latest answer and the article's current title, newest first."""
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
    learned: dict[tuple[str, str], tuple[int, int]],
    content: Content | None,
    decided: dict[tuple[str, str], Decision],
    top_hit: TopHit | None = None,
) -> tuple[list[Suggestion], int]:
    articles = {a.id: a for a in content.articles} if content else {}
    out = []
    hidden = 0
    keys: dict[str, set[str]] = {}
    for (phrase, article_id), (count, clients) in learned.items():
        article = articles.get(article_id)
        if content is not None and article is None:
            continue  # the article is gone
        if (APPROVE_SIMILAR, f"{article_id}\t{phrase}") in decided:
            continue
        if clients < MIN_AGENTS:
            hidden += 1
            continue
        if article is not None:
            if article_id not in keys:
                keys[article_id] = {_key(t) for t in (article.title, *article.similar)}
            if _key(phrase) in keys[article_id]:
                continue  # already one of its questions
        out.append(
            Suggestion(
                article_id,
                article.title if article else article_id,
                phrase,
                clients,
                count,
            )
        )
    out.sort(key=lambda s: (-s.agents, -s.count, s.article, s.phrase or ""))
    if top_hit is not None:
        out = [s for s in out[:MAX_CHECKED] if top_hit(s.phrase) != s.article]
    return out[:200], hidden


def _cases(cases: list[Case], decided: dict[tuple[str, str], Decision]) -> list[Case]:
    for case in cases:
        curation = decided.get((CURATE_CASE, case.id))
        if curation is not None:
            case.status = curation.value.get("status", case.status)
            case.polarity = curation.value.get("polarity", "")
            case.tags = list(curation.value.get("tags", []))
    return sorted(cases, key=lambda c: (c.status != CASE_APPROVED, -c.ts))
