"""Re-ranking the first candidates by how closely the query matches ONE of an article's questions.

Whoosh scores each field as a whole, so an article whose title and 相似问法 each share a word with the
query can beat one whose single phrasing says the same thing as the query. The re-ranker scores the
query against every phrasing separately (BM25 over words, character bigrams and characters, rarity
taken from the index) and keeps the best phrasing plus a little of the others: for short FAQ-style
questions this is what moves the right article into the first few results.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from functools import lru_cache

from app.core.search.query import SYNONYM_FACTOR
from app.core.text.fold import fold
from app.core.text.ngrams import bigrams, unigrams
from app.core.text.segment import vocabulary_generation, words

K1 = 1.2
B = 0.75
OTHERS = 0.3  # weight of the sum over all phrasings next to the best one
WHOOSH_SHARE = 0.25  # how much of the first-stage score (body, tags, pinyin) is kept


def features(text: str) -> Counter:
    """Words, character bigrams and characters of a phrasing, each marked with its kind (cached: the same
    popular articles come back query after query)."""
    return _features(text, vocabulary_generation())


@lru_cache(maxsize=20000)
def _features(text: str, generation: int) -> Counter:
    # Keyed on the segmenter's vocabulary too: words taught later (another root's userdict) cut text anew.
    folded = fold(text)
    found: Counter = Counter()
    found.update("w" + w for w, _, _ in words(folded, folded=True))
    found.update("b" + g for g in bigrams(folded, folded=True) if len(g) == 2)
    found.update("u" + c for c in unigrams(folded, folded=True))
    return found


def rerank(
    query: str, candidates: list[tuple[list[str], float]], idf: Callable[[str], float], synonyms: Iterable[str] = ()
) -> list[float]:
    """New scores for candidates given as (phrasings, first-stage score), in the same order.

    `synonyms` are words the query was expanded with (碎了 → 破损): a phrasing saying 破损 then matches too,
    at SYNONYM_FACTOR of the weight.
    """
    q = features(query)
    if not q or not candidates:
        return [score for _, score in candidates]
    weights = {f: idf(f) for f in q}
    for word in synonyms:
        for feature in features(word):
            if feature[0] == "w" and feature not in weights:
                weights[feature] = SYNONYM_FACTOR * idf(feature)
    phrasing_feats = [[features(p) for p in phrasings if p] for phrasings, _ in candidates]
    lengths = [sum(f.values()) for feats in phrasing_feats for f in feats]
    avg = (sum(lengths) / len(lengths)) if lengths else 1.0
    top_first = max((s for _, s in candidates), default=0.0) or 1.0
    raw = []
    for feats in phrasing_feats:
        scores = []
        for f in feats:
            length = sum(f.values())
            norm = K1 * (1 - B + B * length / avg)
            scores.append(sum(weights[t] * c * (K1 + 1) / (c + norm) for t, c in f.items() if t in weights))
        raw.append(max(scores, default=0.0) + OTHERS * sum(scores))
    top_raw = max(raw) or 1.0
    return [(1 - WHOOSH_SHARE) * r / top_raw + WHOOSH_SHARE * s / top_first for r, (_, s) in zip(raw, candidates)]
