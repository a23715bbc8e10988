"""The search-regression check before publishing: replay questions against the index before and after a change.

Replayed: the article's own questions (title and 相似问法, before and after the edit) and the team's most
frequent searches from the usage log. "Before" and "after" are ranked the same way: among the articles the
real index returns for those queries (its top 10 each) plus both versions of the changed article, in a
scratch index built with the real search code and the content root's synonyms and user dictionary
(public `SearchIndex.update`/`search` only; the real index is never touched). The result says what would
move; an article that stops being found for one of its own questions is a warning.
"""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from app.core.authoring.forms import article_form, article_text
from app.core.authoring.roundtrip import RoundTripError
from app.core.paths import zhida_home
from app.core.search.documents import content_paths, is_synonyms_name, is_userdict
from app.core.search.index import SearchIndex
from app.core.usage.log import USAGE_FILE, UsageLog
from app.core.vocab import PUBLISHED

POOL = 10  # hits taken from the real index per query
FOUND = 3  # "found for its own question": in the first three hits
TEAM_QUERIES = 50
_BEFORE = "~before"


@dataclass(frozen=True)
class Movement:
    """Where the changed article ranks for one query before and after (None: not in the first results)."""

    query: str
    source: str  # own | team
    before: int | None
    after: int | None
    top_before: str = ""
    top_after: str = ""

    @property
    def lost(self) -> bool:
        """Found (top 3) before, not after."""
        return self.before is not None and self.before <= FOUND and (self.after is None or self.after > FOUND)

    @property
    def gained(self) -> bool:
        """Found after, not before."""
        return self.after is not None and self.after <= FOUND and (self.before is None or self.before > FOUND)


@dataclass
class ReplayReport:
    """What would move, and the warnings a knowledge manager must see before publishing."""

    movements: list[Movement] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def moved(self) -> list[Movement]:
        """Only the queries whose result changed."""
        return [m for m in self.movements if m.before != m.after or m.top_before != m.top_after]


def team_queries(home: Path | None = None, limit: int = TEAM_QUERIES) -> list[str]:
    """The team's most frequent searches on this client (`UsageLog.top_queries`); none when there is no log yet."""
    if not (home or zhida_home()).joinpath(USAGE_FILE).exists():
        return []  # a fresh home: opening UsageLog would create the log just to read nothing
    try:
        return [query for query, _n in UsageLog(home).top_queries(limit)]
    except (sqlite3.Error, OSError):
        return []  # a locked or damaged log only means no team queries to replay


def _questions(text: str | None) -> list[str]:
    if not text:
        return []
    try:
        form = article_form(text)
    except RoundTripError:
        return []
    return [q for q in (form.title, *form.similar) if q.strip()]


def _renamed(text: str, new_id: str) -> str:
    form = article_form(text)
    form.id = new_id
    form.status = PUBLISHED
    return article_text(form, text)


def replay(
    index: SearchIndex,
    root: Path,
    rel: str,
    item_id: str,
    before: str | None,
    after: str | None,
    team: list[str] | None = None,
) -> ReplayReport:
    """Rank the changed article for its own questions and the team's queries, before and after the change."""
    own = list(dict.fromkeys(_questions(before) + _questions(after)))
    queries = [(q, "own") for q in own] + [(q, "team") for q in (team or []) if q not in own]
    report = ReplayReport()
    if not queries:
        return report
    paths = content_paths(Path(root))
    candidates: set[str] = set()
    for query, _ in queries:
        for hit in index.search(query, limit=POOL, kind="article"):
            if hit.path and hit.path != rel and hit.path in paths:
                candidates.add(hit.path)
    scratch = Path(tempfile.mkdtemp(prefix="zhida-replay-"))
    try:
        work = scratch / "content"
        for sub in candidates | {r for r in paths if is_synonyms_name(r) or is_userdict(r)}:
            target = work / sub
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(paths[sub], target)
        (work / "kb").mkdir(parents=True, exist_ok=True)
        if before is not None:
            (work / "kb" / "zz-before.md").write_text(_renamed(before, item_id + _BEFORE), encoding="utf-8")
        if after is not None:
            target = work / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(_renamed(after, item_id), encoding="utf-8")
        mini = SearchIndex(work, home=scratch / "home", personal=False)
        try:
            mini.update()
            for query, source in queries:
                hits = mini.search(query, limit=POOL + 2, kind="article", include_drafts=True)
                ids = [h.id for h in hits]
                titles = {h.id: h.title for h in hits}
                old = [i for i in ids if i != item_id]
                new = [i for i in ids if i != item_id + _BEFORE]
                rank_before = old.index(item_id + _BEFORE) + 1 if item_id + _BEFORE in old else None
                rank_after = new.index(item_id) + 1 if item_id in new else None
                top_b = titles.get(old[0], "") if old else ""
                top_a = titles.get(new[0], "") if new else ""
                report.movements.append(Movement(query, source, rank_before, rank_after, top_b, top_a))
        finally:
            mini.close()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    for m in report.movements:
        if m.lost and m.source == "own" and after is not None:
            where = f"排名 {m.before} → " + (f"{m.after}" if m.after else "找不到")
            report.warnings.append(f"本文的问题「{m.query}」将搜不到本文({where}),排在前面的是「{m.top_after}」")
        elif m.lost and m.source == "team":
            report.warnings.append(f"团队常搜「{m.query}」将不再找到本文(排名 {m.before} → {m.after or '找不到'})")
    return report
