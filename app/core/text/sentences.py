"""Sentence splitting: one rule for where a sentence ends, shared by the reply builder and the training scorer.

A sentence ends after a run of 。！？!?；; (「好的！！」 is one sentence), at a line break, and between English
sentences (a full stop, ! or ? after a letter, digit or bracket, white space, then a capital letter). The
pieces cover the text end to end, so joining them gives the text back.
"""

from __future__ import annotations

import re
from itertools import pairwise

# Full-width forms are written as escapes so no editor or tool can silently turn them into ASCII.
SENTENCE_END = "\u3002\uff01\uff1f!?\uff1b;"
_PIECE = re.compile("[^" + SENTENCE_END + "\n]*(?:[" + SENTENCE_END + "]+|\n|$)")
# "…refund. Please…": the white space stays with the sentence before, so the pieces still join back.
_EN_END = re.compile(r"(?<=[a-z0-9)\"'\u201d][.!?])[ \t]+(?=[A-Z])")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of `text`; the spans follow each other and cover the whole text."""
    spans: list[tuple[int, int]] = []
    for match in _PIECE.finditer(text):
        start, end = match.span()
        if start == end:
            continue
        cuts = [start] + [start + m.end() for m in _EN_END.finditer(match.group(0))] + [end]
        spans.extend(pairwise(cuts))
    return spans


def split_sentences(text: str) -> list[str]:
    """The sentences of `text` as they are written (spaces and line breaks kept); they join back to `text`."""
    return [text[a:b] for a, b in sentence_spans(text)]
