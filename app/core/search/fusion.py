"""Fusing the lexical and the semantic ranking: weighted reciprocal rank fusion (RRF).

RRF adds w / (K + rank) over the retrievers that found a document, so it needs no calibration between
BM25 scores and cosines, and a document both retrievers agree on rises above one only either found.
K and the weights were chosen on the dev sets (docs/search.md «Semantic retriever»): K = 5 and the
semantic side at 0.75 of the lexical was best or within 0.003 of best on both bq-dev (short
paraphrases) and baoxian dev (pasted messages) with the default model, so short and long queries
share them; the two constants stay so either can be retuned.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import TypeVar

K = 5
LEXICAL = "lexical"
SEMANTIC = "semantic"
SHORT_SEMANTIC_WEIGHT = 0.75  # queries the re-ranker handles (≤ LONG_QUERY_CHARS Chinese characters)
LONG_SEMANTIC_WEIGHT = 0.75
SEMANTIC_DEPTH = 50  # semantic candidates fused

D = TypeVar("D", bound=Hashable)


def fuse(
    lexical: Sequence[tuple[D, float]], semantic: Sequence[tuple[D, float]], semantic_weight: float, k: int = K
) -> list[tuple[D, float, tuple[str, ...]]]:
    """(document, fused score, retrievers that found it), best first; ties keep the lexical order."""
    scores: dict[D, float] = {}
    found: dict[D, list[str]] = {}
    for rank, (doc, _) in enumerate(lexical, 1):
        scores[doc] = scores.get(doc, 0.0) + 1.0 / (k + rank)
        found.setdefault(doc, []).append(LEXICAL)
    for rank, (doc, _) in enumerate(semantic, 1):
        scores[doc] = scores.get(doc, 0.0) + semantic_weight / (k + rank)
        found.setdefault(doc, []).append(SEMANTIC)
    order = {doc: i for i, doc in enumerate(scores)}
    ranked = sorted(scores, key=lambda d: (-scores[d], order[d]))
    return [(d, scores[d], tuple(found[d])) for d in ranked]
