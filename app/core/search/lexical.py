"""The lexical retriever: one searcher's ranking of what the agent typed (words, pinyin, n-grams, phrases).

Candidates come from term-at-a-time BM25 (scoring.py) over the weighted leaves of the query plan
(query.py), restricted by the filters; short questions are then re-ranked by their best phrasing
(rerank.py). The result is a ranked list of (docnum, score) for fusion with the semantic retriever.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from whoosh import query as wq

from app.core.search.query import LONG_QUERY_CHARS, PREFIX_TERMS, Plan, build, compact
from app.core.search.rerank import rerank
from app.core.search.scoring import ScoreCache, top_docs
from app.core.text.chars import is_cjk
from app.core.text.fold import fold
from app.core.vocab import ARCHIVED, DRAFT

RERANK_POOL = 30


@dataclass(frozen=True)
class Filters:
    """What the agent narrowed the search to."""

    kind: str | None = None
    category: str | None = None
    type: str | None = None
    tag: str | None = None
    channel: str | None = None
    include_drafts: bool = False


class Lexical:
    """Lexical ranking over one whoosh searcher, with its filter sets and field lengths cached."""

    def __init__(self, searcher: Any, synonyms: dict[str, list[str]], char_df: dict[str, int]):
        self.searcher = searcher
        self.synonyms = synonyms
        self.char_df = char_df
        self.cache = ScoreCache(searcher)

    def allowed(self, filters: Filters) -> tuple[set[int] | None, set[int]]:
        """(documents the filters allow, or None for all; documents never shown: drafts, deleted)."""
        cache = self.cache
        allowed = None
        for name, value in (
            ("kind", filters.kind),
            ("f_category", filters.category),
            ("f_type", filters.type),
            ("f_tag", filters.tag),
        ):
            if value:
                value = fold(value).strip()
                allowed = _meet(allowed, cache.docs((name, value), wq.Term(name, value)))
        if filters.channel:
            value = fold(filters.channel).strip()
            allowed = _meet(
                allowed,
                cache.docs(("f_channel", value), wq.Or([wq.Term("f_channel", value), wq.Term("f_channel", "*")])),
            )
        blocked = (
            set()
            if filters.include_drafts
            else cache.docs("hidden", wq.Or([wq.Term("status", DRAFT), wq.Term("status", ARCHIVED)]))
        )
        return allowed, blocked | cache.deleted

    def plan(self, text: str) -> Plan:
        """The query plan of `text` against this index's statistics."""
        searcher = self.searcher

        def doc_frequency(term: str) -> int:
            return sum(searcher.doc_frequency(name, term) for name in ("q", "body"))

        return build(text, self.synonyms, doc_frequency, searcher.doc_count(), searcher.doc_frequency)

    def rank(
        self, text: str, plan: Plan, limit: int, allowed: set[int] | None, blocked: set[int]
    ) -> list[tuple[int, float]]:
        """The best `limit` (docnum, score) pairs for `text`; short questions re-ranked by their best phrasing."""
        searcher, cache = self.searcher, self.cache
        if plan.required is not None:
            allowed = _meet(allowed, set(searcher.docs_for_query(plan.required)))
        leaves = list(plan.leaves)
        reader = searcher.reader()
        for name, prefix, boost in plan.prefixes:
            expanded = list(itertools.islice(reader.expand_prefix(name, prefix), PREFIX_TERMS))
            leaves.extend(
                (name, t.decode("utf-8") if isinstance(t, bytes) else t, boost) for t in expanded if t != prefix
            )
        rerankable = 0 < sum(1 for ch in text if is_cjk(ch)) <= LONG_QUERY_CHARS
        pool = max(limit, RERANK_POOL) if rerankable else limit
        if plan.phrases:
            pool = max(pool, limit * 5)
        if leaves:
            ranked = top_docs(cache, leaves, pool, allowed, blocked)
        else:  # only a quoted phrase: every document that has it, in index order
            ranked = [(d, 1.0) for d in sorted(allowed or ()) if d not in blocked][:pool]
        if plan.phrases:
            ranked = [(d, s) for d, s in ranked if _has_phrases(searcher.stored_fields(d), plan.phrases)]
        if rerankable and len(ranked) > 1:
            stored = [searcher.stored_fields(d) for d, _ in ranked]
            scores = rerank(
                text,
                [([f.get("title", ""), *f.get("similar", "").split("\n")], s) for f, (_, s) in zip(stored, ranked)],
                self._idf(),
                plan.synonyms,
            )
            ranked = sorted(((d, new) for (d, _), new in zip(ranked, scores)), key=lambda item: -item[1])
        return ranked

    def _idf(self) -> Callable[[str], float]:
        """Rarity of a re-ranker feature (w: word, b: bigram, u: character) from the index's own statistics."""
        chars, searcher = self.char_df, self.searcher
        doc_count = searcher.doc_count()

        def idf(feature: str) -> float:
            kind, term = feature[0], feature[1:]
            df = chars.get(term, 0) if kind == "u" else searcher.doc_frequency("q" if kind == "w" else "gram", term)
            return max(0.0, math.log((doc_count + 1) / (min(df, doc_count) + 0.5)))

        return idf


def _meet(current: set[int] | None, more: set[int]) -> set[int]:
    return set(more) if current is None else current & more


def _has_phrases(stored: dict[str, Any], phrases: list[str]) -> bool:
    text = "\n".join(compact(stored.get(name, "")) for name in ("title", "similar", "body"))
    return all(p in text for p in phrases)
