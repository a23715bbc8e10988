"""Whoosh tokenizers over our segmentation: words with sub-words at one position, and character bigrams."""

from __future__ import annotations

from collections.abc import Iterator

from whoosh.analysis import Token, Tokenizer

from app.core.text.ngrams import bigrams
from app.core.text.segment import is_domain_word, sub_words, words


class ChineseTokenizer(Tokenizer):
    """Whoosh tokenizer: words at consecutive positions, their sub-words at the same position.

    Sharing the position is what makes a quoted phrase work: jieba's own ChineseAnalyzer gives every
    search-mode piece a new position, so "以旧换新" becomes 以旧换新 plus 换新 one position later and
    the phrase query never lines up.
    """

    def __init__(self, subwords: bool = True, singles: bool = True):
        self.subwords = subwords  # also emit 换新 inside 以旧换新 (titles: yes; long bodies: too costly)
        self.singles = singles  # also emit one-character words (的, 险 …)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ChineseTokenizer) and (self.subwords, self.singles) == (other.subwords, other.singles)

    def __hash__(self) -> int:
        return hash((type(self).__name__, self.subwords, self.singles))

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: object,
    ) -> Iterator[Token]:
        """Yield tokens of `value` (whoosh's tokenizer protocol)."""
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        index_side = mode != "query"
        if not tokenize:
            token.original = token.text = value
            token.boost = 1.0
            if positions:
                token.pos = start_pos
            if chars:
                token.startchar, token.endchar = start_char, start_char + len(value)
            yield token
            return
        pos = start_pos
        for word, start, end in words(value):
            if len(word) == 1 and not self.singles:
                pos += 1
                continue
            # A domain word (申请退款) always brings its sub-words: it must not hide 退款 from a search.
            parts = sub_words(word) if index_side and (self.subwords or is_domain_word(word)) else ()
            for text in [word, *parts]:
                token.text = text
                token.boost = 1.0
                token.stopped = False
                if keeporiginal:
                    token.original = text
                if positions:
                    token.pos = pos
                if chars:
                    token.startchar, token.endchar = start_char + start, start_char + end
                yield token
            pos += 1


class BigramTokenizer(Tokenizer):
    """Whoosh tokenizer for the character n-gram fallback field."""

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: object,
    ) -> Iterator[Token]:
        """Yield bigram tokens of `value` (whoosh's tokenizer protocol)."""
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for i, gram in enumerate(bigrams(value) if tokenize else [value]):
            token.text = gram
            token.boost = 1.0
            token.stopped = False
            if keeporiginal:
                token.original = gram
            if positions:
                token.pos = start_pos + i
            if chars:
                token.startchar = token.endchar = start_char
            yield token
