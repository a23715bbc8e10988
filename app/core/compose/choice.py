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
from app.core.search.documents import synonym_groups
from app.core.search.hits import Searcher
from app.core.search.query import synonym_map
from app.core.text.fold import fold
from app.core.text.ngrams import run_bigrams
from app.core.vocab import PUBLISHED

SURE, CLOSE, WEAK, NONE, GIVEN = "sure", "close", "weak", "none", "given"
# Bigrams of the way questions are asked (怎么办, 可以吗 …): they say nothing about which question.
_ASKING = frozenset(
    run_bigrams("怎么办 怎么样 怎么 如何 多久 什么时候 为什么 可以吗 能不能 是不是 有没有 请问 一下 客户 怎样")
)
CANDIDATES = 10  # search hits examined
SHOWN = 3  # candidates shown to the agent when unsure
# Tuned on tests/data/compose/dev.jsonl with `python -m app.bench.compose_eval` (docs/builder.md); the held-out
# set judges. Which candidate: the share of one of its own questions the message asks, of the message's words it
# answers, the search's fused score, its semantic similarity; the rank breaks near-ties.
RANK_ASKED, RANK_SUPPORT, RANK_FUSED, RANK_SIMILAR, RANK_COST = 0.4, 0.2, 0.2, 0.6, 0.01
# Whether it answers at all: evidence of the same kinds, without the rank (a first hit can be off-topic).
ANSWER_ASKED, ANSWER_SUPPORT, ANSWER_SIMILAR = 0.5, 0.25, 0.5
# Verdict thresholds on that evidence; without the semantic retriever (model loading or missing) the scale is
# smaller and the thresholds with it.
NONE_BELOW, SURE_FROM = 0.34, 0.60
LEXICAL_NONE_BELOW, LEXICAL_SURE_FROM = 0.14, 0.40
CLOSE_GAP = 0.10  # ranking scores this close: show the top three even when the first is strong
BODY_WEIGHT = 0.6
GRAM_WEIGHT = 0.5


@dataclass(frozen=True)
class Candidate:
    """One article the message may be about: its search rank, the score it is ranked by among the candidates
    (`support`), and the evidence that it answers the message at all (`answers`, ≈0–1)."""

    article: Article
    rank: int
    support: float
    answers: float = 0.0

    def to_dict(self) -> dict[str, object]:
        """JSON form."""
        return {
            "id": self.article.id,
            "title": self.article.title,
            "rank": self.rank,
            "support": round(self.support, 3),
            "answers": round(self.answers, 3),
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
        self._asked: dict[str, list[frozenset[str]]] = {}  # each question's bigrams (title and 相似问法)
        df: dict[str, int] = {}
        gram_df: dict[str, int] = {}
        articles = [a for a in content.articles if a.status == PUBLISHED]
        for a in articles:
            asked = [
                frozenset(g for g in run_bigrams(q) if len(g) == 2 and g not in _ASKING) for q in (a.title, *a.similar)
            ]
            self._asked[a.id] = [g for g in asked if g]
            for g in frozenset().union(*asked) if asked else ():
                gram_df[g] = gram_df.get(g, 0) + 1
            questions = " ".join([a.title, *a.similar, *a.tags, a.category])
            q_words = topic_words(questions)
            b_words = topic_words(a.body) - q_words
            self._questions[a.id], self._bodies[a.id] = q_words, b_words
            self._grams[a.id] = frozenset(run_bigrams(questions + "\n" + a.body))
            for w in q_words | b_words:
                df[w] = df.get(w, 0) + 1
        # 相似词 (synonyms.yaml) bridge the customer's words to the articles' (refund → 退款, 退钱 → 退款).
        self._synonyms = synonym_map(synonym_groups(content.library))
        self._n = max(1, len(articles))
        self._idf = {w: math.log((self._n + 1) / (d + 0.5)) for w, d in df.items()}
        self._gram_idf = {g: math.log((self._n + 1) / (d + 0.5)) for g, d in gram_df.items()}
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
            same = (w, *self._synonyms.get(w, ()))
            if any(x in questions for x in same):
                got += self.weight(w)
            elif any(x in body for x in same):
                got += BODY_WEIGHT * self.weight(w)
            else:
                parts = [w[i : i + 2] for i in range(len(w) - 1)]
                if parts:
                    got += GRAM_WEIGHT * self.weight(w) * sum(p in grams for p in parts) / len(parts)
        return got / total

    def asked(self, article: Article, message: str) -> float:
        """How much of one of the article's own questions the message asks: the best share (weighted by rarity)
        of a question's character bigrams found in the message — robust to how either side is segmented."""
        have = run_bigrams(message)
        for word in topic_words(fold(message)):
            for other in self._synonyms.get(word, ()):
                have |= run_bigrams(other)
        best = 0.0
        for grams in self._asked.get(article.id, ()):
            total = sum(self._gram_idf.get(g, 0.0) for g in grams)
            if total > 0:
                best = max(best, sum(self._gram_idf.get(g, 0.0) for g in grams if g in have) / total)
        return best


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
    message: str = "",
) -> ArticleChoice:
    """Search for `query`, weigh the first candidates by how much of the message they answer, and give the
    verdict."""
    if searcher is None:
        return ArticleChoice(None, NONE)
    found: list[Candidate] = []
    seen: set[str] = set()
    hits = list(searcher.search(query, limit=CANDIDATES, kind="article"))
    top = max((getattr(h, "score", 0.0) for h in hits), default=0.0) or 1.0
    semantic = any(getattr(h, "similarity", 0.0) > 0 for h in hits)
    for rank, hit in enumerate(hits):
        article = content.article(getattr(hit, "id", ""))
        if article is None or article.status != PUBLISHED or article.id in seen:
            continue
        seen.add(article.id)
        asked = evidence.asked(article, message or query)
        support = evidence.support(article, words)
        similar = max(0.0, getattr(hit, "similarity", 0.0))
        ranked_by = (
            RANK_ASKED * asked
            + RANK_SUPPORT * support
            + RANK_FUSED * max(0.0, getattr(hit, "score", 0.0)) / top
            + RANK_SIMILAR * similar
            - RANK_COST * rank
        )
        answers = ANSWER_ASKED * asked + ANSWER_SUPPORT * support + ANSWER_SIMILAR * similar
        found.append(Candidate(article, rank, round(ranked_by, 4), round(answers, 4)))
    if not found:
        return ArticleChoice(None, NONE, (), via)
    none_below, sure_from = (NONE_BELOW, SURE_FROM) if semantic else (LEXICAL_NONE_BELOW, LEXICAL_SURE_FROM)
    ranked = sorted(found, key=lambda c: -c.support)
    best = ranked[0]
    shown = tuple(ranked[:SHOWN])
    if best.answers < none_below:
        return ArticleChoice(None, NONE, shown, via)
    if best.answers < sure_from:
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
