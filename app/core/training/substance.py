"""Whether a reply engages with this customer's matter or only strings service phrases together.

A sentence is grounded when, after the rubric's cue phrases are taken out of it, it still shares
specific words with the customer's message or the drill's article: character bigrams weighted by how
rare they are across the knowledge base (inverse document frequency over articles and scripts), so
「玻璃杯」「积分抵运费」 count and 「帮您」「可以」「订单」 do not. Stating one of the drill's key facts
also grounds a sentence. A reply with no grounded sentence does not answer.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field

from app.core.content.model import Article, Content
from app.core.text.ngrams import run_bigrams
from app.core.training.sentences import Cue, Sentence, cue_spans, fact_form, has_fact

# One rare shared word (seen in ~2% of documents) or two ordinary topical ones.
GROUNDED = 4.0
# Function characters: a bigram holding one (的建, 您的, 我们) straddles words or says nothing specific.
_FUNCTION = frozenset("的了是您你我他她们在和与及或有会就也都吗呢吧啊呀这那个把被给对为让请")


@dataclass
class Grounding:
    """Bigram rarity over one content root's articles and scripts, built once per load."""

    documents: int = 0
    frequency: Counter[str] = field(default_factory=Counter)

    @classmethod
    def build(cls, content: Content) -> Grounding:
        """Count in how many articles and scripts each bigram occurs."""
        frequency: Counter[str] = Counter()
        texts = [a.title + " " + " ".join(a.similar) + " " + a.body for a in content.articles]
        texts.extend(s.text for s in content.scripts)
        for text in texts:
            frequency.update(run_bigrams(text))
        return cls(len(texts), frequency)

    def weight(self, gram: str) -> float:
        """The inverse document frequency of a bigram (a rare one weighs more); single letters weigh nothing."""
        if len(gram) < 2 or gram.isdigit() or gram[0] in _FUNCTION or gram[1] in _FUNCTION:
            return 0.0
        return math.log((self.documents + 1) / (self.frequency.get(gram, 0) + 1))

    def topic(self, message: str, article: Article | None) -> set[str]:
        """The bigrams of what this conversation is about: the customer's words and the article."""
        text = message
        if article is not None:
            text += " " + article.title + " " + " ".join(article.similar) + " " + article.body
        return run_bigrams(text)

    def score(self, sentence: Sentence, topic: set[str], cues: tuple[Cue, ...]) -> float:
        """How specifically the sentence speaks of the topic once its cue phrases are removed."""
        kept = list(sentence.squeezed)
        for start, end in cue_spans(sentence, cues):
            for i in range(start, end):
                kept[i] = " "
        grams = run_bigrams("".join(kept))
        return sum(self.weight(g) for g in grams & topic)


def grounded(
    replies: list[Sentence], grounding: Grounding, topic: set[str], cues: tuple[Cue, ...], facts: tuple[str, ...]
) -> int:
    """Index of the first sentence that engages with the customer's matter, or -1."""
    for i, s in enumerate(replies):
        form = fact_form(s.text)
        if any(has_fact(form, f) for f in facts):
            return i
        if grounding.score(s, topic, cues) >= GROUNDED:
            return i
    return -1
