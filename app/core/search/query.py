"""From what an agent typed to a whoosh query: filler dropped, synonyms expanded, phrases, pinyin, n-grams.

A query is an OR of weighted evidence, so a partial match still ranks and nothing is "no results" just
because one word is missing: words in the title count most, then 相似问法, tags, then body; character
bigrams catch words the segmenter cut differently; pinyin keys catch `tkgz`, `tuikuan` and 发漂→发票.
A pasted customer message is cut down to its rarer words first (at most LONG_QUERY_TERMS), so it is answered
about as fast as a short query.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from whoosh import query as wq

from app.core.text.chars import is_cjk
from app.core.text.fold import fold
from app.core.text.ngrams import bigrams
from app.core.text.pinyin import char_sounds
from app.core.text.segment import FILLER, FILLER_EN, LIGHT, sub_words, words

# Field weights: the questions an article answers (title, 相似问法, tags) matter most, its body least.
WEIGHTS = {"q": 3.0, "body": 0.6}
GRAM_WEIGHT = 0.5
PINYIN_WEIGHT = 2.0
HOMOPHONE_WEIGHT = 0.6
SYNONYM_FACTOR = 0.7
SUBWORD_FACTOR = 0.5
LONG_QUERY_CHARS = 40
# A pasted message keeps its 30 rarest words: cutting it to 10 lost the right article for one long question in
# nine on baoxian dev (R@5 0.564 → 0.671 with 30; more adds nothing and costs postings).
LONG_QUERY_TERMS = 30
PRUNE_MIN_DOCS = 1000
PRUNE_SHARE = 0.05
PRUNE_Q_SHARE = 0.25
PREFIX_TERMS = 20

_QUOTED = re.compile(r'"([^"]+)"|“([^”]+)”|「([^」]+)」|『([^』]+)』')

Leaf = tuple[str, str, float]


@dataclass
class Plan:
    """What to score: weighted (field, term) leaves, pinyin prefixes, required phrases, terms to mark."""

    leaves: list[Leaf] = field(default_factory=list)
    prefixes: list[Leaf] = field(default_factory=list)
    required: wq.Query | None = None
    terms: list[str] = field(default_factory=list)
    phrases: list[str] = field(default_factory=list)
    synonyms: list[str] = field(default_factory=list)  # words added from synonyms.yaml (the re-ranker counts them too)

    @property
    def empty(self) -> bool:
        """True when there is nothing to search for."""
        return not self.leaves and not self.prefixes and self.required is None


def _phrase(words_: list[str]) -> wq.Query:
    # Candidates have every word of the phrase in their questions or their body; that the words stand
    # together is then checked on the stored text (Plan.phrases), exactly and cheaper than indexing positions.
    q_words = [wq.Term("q", w) for w in words_]
    body_words = [wq.Term("body", w) for w in words_ if len(w) > 1]
    options = [wq.And(q_words) if len(q_words) > 1 else q_words[0]]
    if body_words:
        options.append(wq.And(body_words) if len(body_words) > 1 else body_words[0])
    return wq.Or(options) if len(options) > 1 else options[0]


def compact(text: str) -> str:
    """Folded text without spaces and punctuation, for checking that a phrase really occurs."""
    return "".join(ch for ch in fold(text) if ch.isalnum())


def build(
    text: str,
    synonyms: dict[str, list[str]],
    doc_frequency: Callable[[str], int] | None = None,
    doc_count: int = 0,
    field_frequency: Callable[[str, str], int] | None = None,
) -> Plan:
    """The plan for `text`; `doc_frequency(term)` lets a long message keep its rarest words, and
    `field_frequency(field, term)` lets a big index skip body and n-gram postings of very common words."""
    folded = fold(text).strip()
    plan = Plan()
    several = False
    if not folded:
        return plan

    def common(name: str, term: str) -> bool:
        # In a big index a word found in most bodies adds little but costs thousands of postings to score.
        # In titles and 相似问法 only a word in a quarter of them is skipped, and only beside other words.
        if field_frequency is None or doc_count < PRUNE_MIN_DOCS:
            return False
        if name == "q":
            return several and field_frequency(name, term) > doc_count * PRUNE_Q_SHARE
        return name in ("body", "gram", "py") and field_frequency(name, term) > doc_count * PRUNE_SHARE

    def add_word(word: str, weight: float) -> None:
        for name, w in WEIGHTS.items():
            if name == "body" and len(word) < 2:
                continue  # bodies index words of two or more characters only
            if not common(name, word):
                plan.leaves.append((name, word, w * weight))

    required: list[wq.Query] = []
    for match in _QUOTED.finditer(folded):
        phrase = next(g for g in match.groups() if g)
        phrase_words = [w for w, _, _ in words(phrase)]
        if phrase_words:
            required.append(_phrase(phrase_words))
            plan.terms.append(fold(phrase).strip())
            if len(phrase_words) > 1:
                plan.phrases.append(compact(phrase))
    if required:
        plan.required = required[0] if len(required) == 1 else wq.And(required)
    rest = _QUOTED.sub(" ", folded)
    tokens = [w for w, _, _ in words(rest)]
    ascii_tokens = [t for t in tokens if t.isascii()]
    if any(t not in FILLER_EN for t in ascii_tokens):
        ascii_tokens = [t for t in ascii_tokens if t not in FILLER_EN]  # "how long does a refund take" → refund
    cjk = [t for t in tokens if not t.isascii()]
    meaningful = [t for t in cjk if t not in FILLER]
    if not meaningful and not ascii_tokens and not required:
        meaningful = cjk  # a query of filler only: better to search for it than for nothing
    long_query = sum(1 for ch in rest if is_cjk(ch)) > LONG_QUERY_CHARS
    if long_query:
        meaningful = _key_terms(meaningful, doc_frequency, doc_count)

    several = len(set(meaningful)) > 1
    seen: set[str] = set()
    for word in meaningful:
        if word in seen:
            continue
        seen.add(word)
        weight = 0.3 if word in LIGHT else (0.5 if len(word) == 1 else 1.0)
        add_word(word, weight)
        plan.terms.append(word)
        for part in sub_words(word):
            if part not in seen:
                add_word(part, weight * SUBWORD_FACTOR)
                plan.terms.append(part)
        for syn in synonyms.get(word, ()):
            if syn not in seen:
                add_word(syn, weight * SYNONYM_FACTOR)
                plan.terms.append(syn)
                plan.synonyms.append(syn)
    if not long_query:
        # Bigrams across the kept words (filler removed) catch what segmentation split differently.
        kept = "".join(w if w in seen else " " for w in cjk)
        for gram in dict.fromkeys(bigrams(kept)):
            if not common("gram", gram):
                plan.leaves.append(("gram", gram, GRAM_WEIGHT))
        # A typo like 发漂 is cut into single characters: their run is sounded out together (fapiao).
        sounded = [w for w in meaningful if len(w) > 1] + _single_runs(cjk, seen)
        for piece in dict.fromkeys(sounded):
            syllables = char_sounds(piece)
            if len(syllables) > 1 and not common("py", "".join(syllables)):
                plan.leaves.append(("py", "".join(syllables), HOMOPHONE_WEIGHT))
    for token in dict.fromkeys(ascii_tokens):
        plan.leaves.append(("py", token, PINYIN_WEIGHT))
        add_word(token, 1.0)
        for syn in synonyms.get(token, ()):  # an English word listed beside its Chinese ones (refund → 退款)
            if syn not in seen:
                seen.add(syn)
                add_word(syn, SYNONYM_FACTOR)
                plan.terms.append(syn)
                plan.synonyms.append(syn)
        # Only the last word can be pinyin still being typed: in "I paid twice", paid must not grow into paidui (排队).
        if len(token) >= 2 and token.isalpha() and token == ascii_tokens[-1]:
            plan.prefixes.append(("py", token, PINYIN_WEIGHT * 0.5))
        plan.terms.append(token)
    plan.terms = [t for t in dict.fromkeys(plan.terms) if t]
    return plan


def _single_runs(tokens: list[str], kept: set[str]) -> list[str]:
    """Runs of two or more consecutive kept single-character words."""
    runs, current = [], ""
    for token in [*tokens, ""]:
        if len(token) == 1 and token in kept:
            current += token
            continue
        if len(current) > 1:
            runs.append(current)
        current = ""
    return runs


def _key_terms(candidates: list[str], doc_frequency: Callable[[str], int] | None, doc_count: int) -> list[str]:
    """The rarest few words of a long message (words absent from the index are dropped)."""
    unique = [w for w in dict.fromkeys(candidates) if len(w) > 1 and w not in LIGHT]
    if doc_frequency is None:
        return unique[:LONG_QUERY_TERMS]
    scored = []
    for order, word in enumerate(unique):
        df = doc_frequency(word)
        if df == 0:
            continue
        scored.append((math.log((doc_count + 1) / df), -order, word))
    scored.sort(reverse=True)
    return [w for _, _, w in scored[:LONG_QUERY_TERMS]]


def synonym_map(groups: list[list[str]]) -> dict[str, list[str]]:
    """word → the other words of its groups."""
    result: dict[str, list[str]] = {}
    for group in groups:
        for word in group:
            others = result.setdefault(word, [])
            others.extend(w for w in group if w != word and w not in others)
    return result
