"""Near-duplicate questions: a new title or 相似问法 that is closer to another article's questions than a
tuned threshold (character n-gram TF-IDF cosine), and 相似问法 collisions.

Each question (an article's title and every 相似问法) is folded (繁→简, width, case) and cut into CJK
unigrams and bigrams plus Latin words; weights are sublinear tf × idf^IDF_POWER × a unigram factor,
L2-normalised, so a question's score against an article is the cosine with the closest of that article's
questions. Tuned on bq-dev, the best setting weighs every n-gram alike (IDF_POWER 0): plain TF-IDF let a
rare typo character (微立贷, 微利贷) outweigh the shared meaning and found half as many duplicates at the
same precision (docs/workbench.md has both curves).
The index is an inverted file held in numpy arrays: a check of one question against 20,000 articles
(≈ 60,000 questions) touches only the postings of its own n-grams (see docs/workbench.md for timings).
THRESHOLD was tuned on bq-dev's same-intent pairs (`zhida bench workbench`; precision/recall in docs/workbench.md).
"""

from __future__ import annotations

import math
import operator
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from app.core.text.chars import CJK_RUN, LATIN_RUN, is_cjk
from app.core.text.fold import fold
from app.core.vocab import ARCHIVED

THRESHOLD = 0.55  # tuned on bq-dev with the two weights below (see the module docstring and the bench)
UNIGRAM_WEIGHT = 1.0  # a shared character counts as much as a shared bigram (tuned)
IDF_POWER = 0.0  # 1: TF-IDF; 0: every n-gram counts the same: on bq-dev, rare typos outweighed meaning


def features(text: str, folded: bool = False) -> Counter[str]:
    """The n-gram features of one question: CJK bigrams and unigrams, and Latin words (all folded)."""
    text = text if folded else fold(text)
    grams: Counter[str] = Counter()
    for run in CJK_RUN.findall(text):
        grams.update(run)  # unigrams: one CJK character (never equal to a Latin word or a bigram)
        grams.update(map(operator.add, run, run[1:]))
    grams.update(LATIN_RUN.findall(text))
    return grams


def _is_unigram(gram: str) -> bool:
    return len(gram) == 1 and is_cjk(gram)


def _folded(texts: list[str], chunk: int = 2000) -> list[str]:
    """`fold` of many short texts at once (one call per chunk: OpenCC's per-call cost dominates short texts)."""
    out: list[str] = []
    for start in range(0, len(texts), chunk):
        part = [t.replace("\n", " ") for t in texts[start : start + chunk]]
        folded = fold("\n".join(part)).split("\n")
        out.extend(folded if len(folded) == len(part) else [fold(t) for t in part])
    return out


@dataclass(frozen=True)
class Match:
    """Another article's question that is close to the checked one."""

    item: str
    question: str
    score: float


class NearDupIndex:
    """Questions of many articles, indexed for fast cosine lookups (rebuild when the content reloads)."""

    def __init__(
        self, questions: Iterable[tuple[str, str]], unigram_weight: float = UNIGRAM_WEIGHT, idf_power: float = IDF_POWER
    ):
        """`questions`: (item id, question text) pairs — an article's title and each of its 相似问法."""
        self.unigram_weight = unigram_weight
        self.idf_power = idf_power
        self.items: list[str] = []
        self.texts: list[str] = []
        all_grams: list[str] = []
        all_counts: list[int] = []
        lengths: list[int] = []
        pairs = list(questions)
        for (item, text), folded in zip(pairs, _folded([t for _, t in pairs])):
            bag = features(folded, folded=True)
            if not bag:
                continue
            self.items.append(item)
            self.texts.append(text)
            all_grams.extend(bag.keys())  # C-speed list and dict operations: no Python loop per n-gram
            all_counts.extend(bag.values())
            lengths.append(len(bag))
        vocab = {gram: gid for gid, gram in enumerate(dict.fromkeys(all_grams))}
        gram_ids = list(map(vocab.__getitem__, all_grams))
        doc_ids = np.repeat(np.arange(len(lengths), dtype=np.int32), lengths)
        counts = all_counts
        self.n = n = len(self.items)
        self.vocab = vocab
        grams = np.asarray(gram_ids, dtype=np.int64)
        docs = doc_ids
        df = np.bincount(grams, minlength=len(vocab)) if len(grams) else np.zeros(0)
        self.idf_array = ((np.log((n + 1) / (df + 1)) + 1.0) ** idf_power).astype(np.float32)
        factor = np.ones(len(vocab), dtype=np.float32)
        if unigram_weight != 1.0:
            for gram, gid in vocab.items():
                if _is_unigram(gram):
                    factor[gid] = unigram_weight
        self.factor = factor
        weights = (1.0 + np.log(np.asarray(counts, dtype=np.float32))) * self.idf_array[grams] * factor[grams]
        norms = np.sqrt(np.bincount(docs, weights=weights * weights, minlength=n)) if n else np.zeros(0)
        weights = (weights / np.maximum(norms[docs], 1e-12)).astype(np.float32)
        # Postings by n-gram: doc ids and weights sorted by gram, with the start offset of each gram.
        order = np.argsort(grams, kind="stable")
        self.post_docs = docs[order]
        self.post_weights = weights[order]
        self.offsets = np.zeros(len(vocab) + 1, dtype=np.int64)
        if len(grams):
            np.cumsum(np.bincount(grams, minlength=len(vocab)), out=self.offsets[1:])

    @classmethod
    def from_articles(cls, articles: Iterable) -> NearDupIndex:
        """An index of every article's title and 相似问法 (archived articles are left out)."""
        pairs: list[tuple[str, str]] = []
        for a in articles:
            if getattr(a, "status", "") == ARCHIVED:
                continue
            pairs.append((a.id, a.title))
            pairs.extend((a.id, s) for s in a.similar)
        return cls(pairs)

    def _query(self, question: str, keep_unseen: bool = False) -> list[tuple[int | str, float]]:
        """(gram id, weight) of a question, normalised like the indexed ones (unseen n-grams count in the norm;
        with `keep_unseen` they are returned too, keyed by the n-gram itself)."""
        default = (math.log(self.n + 1) + 1.0) ** self.idf_power  # an n-gram no indexed question has
        known: list[tuple[int | str, float]] = []
        total = 0.0
        for gram, count in features(question).items():
            gid = self.vocab.get(gram)
            idf = float(self.idf_array[gid]) if gid is not None else default
            weight = (1.0 + math.log(count)) * idf * (self.unigram_weight if _is_unigram(gram) else 1.0)
            total += weight * weight
            if gid is not None:
                known.append((gid, weight))
            elif keep_unseen:
                known.append((gram, weight))
        norm = math.sqrt(total) or 1.0
        return [(gid, w / norm) for gid, w in known]

    def similarity(self, a: str, b: str) -> float:
        """The cosine of two questions with this index's weights (for questions that are not indexed)."""
        left, right = dict(self._query(a, keep_unseen=True)), dict(self._query(b, keep_unseen=True))
        return sum(w * right.get(g, 0.0) for g, w in left.items())

    def scores(self, question: str) -> np.ndarray:
        """The cosine of `question` with every indexed question (an array aligned with `self.items`)."""
        scores = np.zeros(self.n, dtype=np.float32)
        offsets, docs, weights = self.offsets, self.post_docs, self.post_weights
        for gid, w in self._query(question):
            assert isinstance(gid, int)
            a, b = offsets[gid], offsets[gid + 1]
            scores[docs[a:b]] += weights[a:b] * np.float32(w)
        return scores

    def nearest(self, question: str, exclude: str | None = None, limit: int = 5, threshold: float = 0.0) -> list[Match]:
        """The closest other articles (one match each, their closest question), best first, above `threshold`."""
        if not self.items:
            return []
        scores = self.scores(question)
        candidates = np.nonzero(scores >= max(threshold, 1e-6))[0]
        order = candidates[np.argsort(-scores[candidates], kind="stable")]
        found: list[Match] = []
        seen: set[str] = set()
        for doc in order:
            item = self.items[doc]
            if item == exclude or item in seen:
                continue
            seen.add(item)
            found.append(Match(item, self.texts[doc], round(float(scores[doc]), 3)))
            if len(found) >= limit:
                break
        return found

    def duplicates(self, question: str, exclude: str | None = None, threshold: float = THRESHOLD) -> list[Match]:
        """Other articles with a question at least `threshold` close to this one: a near-duplicate warning."""
        return self.nearest(question, exclude, limit=5, threshold=threshold)


@dataclass(frozen=True)
class Collision:
    """A 相似问法 of this article that another article's questions match better."""

    similar: str
    own_score: float
    other: Match


def similar_collisions(
    item: str, title: str, similar: list[str], index: NearDupIndex, threshold: float = THRESHOLD
) -> list[Collision]:
    """相似问法 that sit closer to another article (above the threshold) than to this article's own questions."""
    found: list[Collision] = []
    for question in similar:
        others = index.nearest(question, exclude=item, limit=1, threshold=threshold)
        if not others:
            continue
        own = max((index.similarity(question, t) for t in (title, *(s for s in similar if s != question))), default=0.0)
        if others[0].score > own:
            found.append(Collision(question, round(own, 3), others[0]))
    return found
