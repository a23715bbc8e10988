"""Character n-grams: the evidence that survives a segmenter cutting a word differently on two sides."""

from __future__ import annotations

from app.core.text.chars import CJK_RUN, LATIN_RUN, is_ignorable
from app.core.text.fold import fold


def bigrams(text: str, folded: bool = False) -> list[str]:
    """Overlapping character bigrams of each CJK run (a single character stays a unigram); Latin words whole."""
    text = text if folded else fold(text)
    grams: list[str] = []
    for match in CJK_RUN.finditer(text):
        run = match.group()
        if len(run) == 1:
            grams.append(run)
        else:
            grams.extend(run[i : i + 2] for i in range(len(run) - 1))
    grams.extend(LATIN_RUN.findall(text))
    return grams


def unigrams(text: str, folded: bool = False) -> list[str]:
    """The CJK characters of `text`, folded (the re-ranker's character evidence)."""
    return [ch for run in CJK_RUN.findall(text if folded else fold(text)) for ch in run]


def run_bigrams(text: str) -> set[str]:
    """Character bigrams of folded text within runs of letters (a lone letter stays a unigram): no bigram
    spans punctuation or a space, so 繁/简 and widths match and sentence boundaries do not."""
    grams: set[str] = set()
    run: list[str] = []
    for ch in fold(text) + " ":
        if not is_ignorable(ch):
            run.append(ch)
            continue
        if len(run) == 1:
            grams.add(run[0])
        grams.update(run[i] + run[i + 1] for i in range(len(run) - 1))
        run = []
    return grams
