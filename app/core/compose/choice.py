"""Choosing the article a reply is built from, with an honest confidence.

Search ranks the knowledge base; this module asks of each of its first candidates how much of what the
customer said the article actually answers (its *support*: the share of the message's telling words —
weighted by how rare they are in the knowledge base — found in the article's questions, tags and body).
The verdict is one of:

- ``sure``  — the best article answers the message and no other comes close: build from it;
- ``close`` — two articles answer about equally well: build from the first, show the top three;
- ``weak``  — something matches, but little of the message: build from it, show the top three, say so;
- ``none``  — nothing answers: say 「知识库里没有找到对应文章」 and build from generic scripts.

Words of the product the customer names (空气净化器) and of the type cues (我要投诉) are not topic
evidence: a knowledge base answers "how do I get it repaired" for every product it does not list.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from app.core.compose.words import topic_words
from app.core.content.model import Article, Content
from app.core.search.hits import Searcher
from app.core.text.fold import fold
from app.core.text.ngrams import run_bigrams
from app.core.vocab import PUBLISHED

SURE, CLOSE, WEAK, NONE, GIVEN = "sure", "close", "weak", "none", "given"
CANDIDATES = 10  # search hits examined
SHOWN = 3  # candidates shown to the agent when unsure
SURE_SUPPORT = 0.55
WEAK_SUPPORT = 0.30
CLOSE_GAP = 0.08
BODY_WEIGHT = 0.6
GRAM_WEIGHT = 0.5


@dataclass(frozen=True)
class Candidate:
    """One article the message may be about, with its search rank and support (0–1)."""

    article: Article
    rank: int
    support: float

    def to_dict(self) -> dict[str, object]:
        """JSON form."""
        return {
            "id": self.article.id,
            "title": self.article.title,
            "rank": self.rank,
            "support": round(self.support, 3),
        }


@dataclass(frozen=True)
class ArticleChoice:
    """The article the draft is built from (or None), how sure that is, and the alternatives to offer."""

    article: Article | None
    status: str
    candidates: tuple[Candidate, ...] = ()
    via: str = ""

    @property
    def unsure(self) -> bool:
        """True when the agent should see the candidates (close, weak) or be told nothing fits (none)."""
        return self.status in (CLOSE, WEAK, NONE)

    def to_dict(self) -> dict[str, object]:
        """JSON form."""
        return {"status": self.status, "via": self.via, "candidates": [c.to_dict() for c in self.candidates]}


class ArticleEvidence:
    """Per-load statistics for support: the words and bigrams of each article's questions and body."""

    def __init__(self, content: Content):
        self._questions: dict[str, frozenset[str]] = {}
        self._bodies: dict[str, frozenset[str]] = {}
        self._grams: dict[str, frozenset[str]] = {}
        df: dict[str, int] = {}
        articles = [a for a in content.articles if a.status == PUBLISHED]
        for a in articles:
            questions = " ".join([a.title, *a.similar, *a.tags, a.category])
            q_words = topic_words(questions)
            b_words = topic_words(a.body) - q_words
            self._questions[a.id], self._bodies[a.id] = q_words, b_words
            self._grams[a.id] = frozenset(run_bigrams(questions + "\n" + a.body))
            for w in q_words | b_words:
                df[w] = df.get(w, 0) + 1
        self._n = max(1, len(articles))
        self._idf = {w: math.log((self._n + 1) / (d + 0.5)) for w, d in df.items()}
        self._unknown = math.log(self._n + 1)  # a word no article uses is as telling as the rarest

    def weight(self, word: str) -> float:
        """How telling a word is: its idf over the articles (words no article uses count as the rarest)."""
        return self._idf.get(word, self._unknown)

    def support(self, article: Article, words: frozenset[str]) -> float:
        """The weighted share of `words` the article answers: in its questions (1), its body, or as bigrams."""
        total = sum(self.weight(w) for w in words)
        if total <= 0:
            return 0.0
        questions = self._questions.get(article.id, frozenset())
        body = self._bodies.get(article.id, frozenset())
        grams = self._grams.get(article.id, frozenset())
        got = 0.0
        for w in words:
            if w in questions:
                got += self.weight(w)
            elif w in body:
                got += BODY_WEIGHT * self.weight(w)
            else:
                parts = [w[i : i + 2] for i in range(len(w) - 1)]
                if parts:
                    got += GRAM_WEIGHT * self.weight(w) * sum(p in grams for p in parts) / len(parts)
        return got / total


def message_words(message: str, skip: list[tuple[int, int]]) -> frozenset[str]:
    """The telling words of the message, without the spans in `skip` (type cues, the product's name)."""
    if skip:
        chars = list(message)
        for start, end in skip:
            for i in range(max(0, start), min(len(chars), end)):
                chars[i] = " "
        message = "".join(chars)
    return topic_words(fold(message))


def choose(
    query: str,
    words: frozenset[str],
    content: Content,
    searcher: Searcher | None,
    evidence: ArticleEvidence,
    via: str,
) -> ArticleChoice:
    """Search for `query`, weigh the first candidates by their support for `words`, and give the verdict."""
    if searcher is None:
        return ArticleChoice(None, NONE)
    found: list[Candidate] = []
    seen: set[str] = set()
    for rank, hit in enumerate(searcher.search(query, limit=CANDIDATES, kind="article")):
        article = content.article(getattr(hit, "id", ""))
        if article is None or article.status != PUBLISHED or article.id in seen:
            continue
        seen.add(article.id)
        found.append(Candidate(article, rank, evidence.support(article, words)))
    if not found:
        return ArticleChoice(None, NONE, (), via)
    # Search order breaks ties in support; a candidate far down the list needs clearly more support.
    ranked = sorted(found, key=lambda c: -(c.support - 0.02 * c.rank))
    best = ranked[0]
    shown = tuple(ranked[:SHOWN])
    if best.support < WEAK_SUPPORT:
        return ArticleChoice(None, NONE, shown, via)
    if best.support < SURE_SUPPORT:
        return ArticleChoice(best.article, WEAK, shown, via)
    second = ranked[1] if len(ranked) > 1 else None
    if (
        second is not None
        and best.support - second.support < CLOSE_GAP
        and best.article.id not in second.article.related
    ):
        return ArticleChoice(best.article, CLOSE, shown, via)
    return ArticleChoice(best.article, SURE, shown, via)


def given(content: Content, article_id: str) -> ArticleChoice:
    """The agent's own choice: raises KeyError when no article has this id."""
    article = content.article(article_id)
    if article is None:
        raise KeyError(article_id)
    return ArticleChoice(article, GIVEN, (Candidate(article, 0, 1.0),), GIVEN)
