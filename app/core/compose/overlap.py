"""Article choice when the search index is not available: idf-weighted bigram overlap."""

from __future__ import annotations

import math
from typing import Any

from app.core.content.model import Content
from app.core.search.hits import Hit
from app.core.text.ngrams import run_bigrams
from app.core.vocab import CONCLUSION, PUBLISHED


class OverlapSearcher:
    """Article choice when the search index is not available: idf-weighted bigram overlap of the message
    with each article's title, similar questions and tags (its 结论 counts a little)."""

    MIN_SCORE = 2.0

    def __init__(self, content: Content):
        self._articles = [a for a in content.articles if a.status == PUBLISHED]
        self._keys = [run_bigrams(" ".join([a.title, *a.similar, *a.tags])) for a in self._articles]
        self._bodies = [run_bigrams(a.section(CONCLUSION)) for a in self._articles]
        df: dict[str, int] = {}
        for key, body in zip(self._keys, self._bodies):
            for gram in key | body:
                df[gram] = df.get(gram, 0) + 1
        n = max(1, len(self._articles))
        self._idf = {g: math.log(1 + n / d) for g, d in df.items()}

    def search(self, query: str, limit: int = 10, kind: str | None = None, **_: Any) -> list[Hit]:
        """Articles sharing the most (rare) bigrams with the query, best first."""
        if kind not in (None, "article"):
            return []
        grams = run_bigrams(query)
        hits = []
        for article, key, body in zip(self._articles, self._keys, self._bodies):
            score = sum(self._idf.get(g, 0.0) * (1.0 if g in key else 0.3 if g in body else 0.0) for g in grams)
            if score >= self.MIN_SCORE:
                hits.append(
                    Hit(
                        article.id,
                        "article",
                        article.title,
                        round(score, 3),
                        snippet="",
                        category=article.category,
                        type=article.type,
                        path=article.path,
                    )
                )
        hits.sort(key=lambda h: -h.score)
        return hits[:limit]
