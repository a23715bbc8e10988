"""Text helpers of training: a reply cut into sentences, cue phrases found in them, facts in comparable form.

Everything compares folded text (繁→简, full-width→half-width, lower case) with spaces and punctuation
squeezed out, so a traditional or full-width reply scores like a simplified one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from app.core.compose.composer import fill
from app.core.text.fold import fold
from app.core.text.ngrams import run_bigrams
from app.core.text.sentences import sentence_spans
from app.core.text.squeeze import squeeze

# A "sentence" shorter than this ("核实。" "理解您。") is a keyword, not something said to a customer.
MIN_SENTENCE = 4


@dataclass(frozen=True)
class Cue:
    """One cue of a rubric element: a phrase (squeezed, folded) or a regex on the folded sentence."""

    phrase: str = ""
    pattern: re.Pattern[str] | None = None


@dataclass(frozen=True)
class Sentence:
    """A sentence of a reply with its offsets and its folded and squeezed forms."""

    start: int
    end: int
    text: str
    squeezed: str
    folded: str


def sentences(text: str) -> list[Sentence]:
    """The sentences of `text` (text.sentences decides where one ends) with offsets, folded and squeezed."""
    out = []
    for start, end in sentence_spans(text):
        part = text[start:end]
        if part.strip():
            out.append(Sentence(start, end, part.strip(), squeeze(part), fold(part)))
    return out


def cue_hit(
    sentence: Sentence, cues: Iterable[Cue], negations: tuple[str, ...] = (), unless: tuple[str, ...] = ()
) -> str:
    """The first cue said (not negated) in the sentence, or ''."""
    if unless and any(u and u in sentence.squeezed for u in unless):
        return ""
    if len(sentence.squeezed) < MIN_SENTENCE:
        return ""
    for cue in cues:
        if cue.pattern is not None:
            match = cue.pattern.search(sentence.folded)
            if match:
                return match.group(0)
            continue
        start = sentence.squeezed.find(cue.phrase)
        while start >= 0:
            before = sentence.squeezed[max(0, start - 5) : start]
            if not any(n and n in before for n in negations):
                return cue.phrase
            start = sentence.squeezed.find(cue.phrase, start + 1)
    return ""


def cue_spans(sentence: Sentence, cues: Iterable[Cue]) -> list[tuple[int, int]]:
    """Where the cues occur in the sentence's squeezed form (phrases) — what is boilerplate in it."""
    spans = []
    for cue in cues:
        if cue.pattern is not None or not cue.phrase:
            continue
        start = sentence.squeezed.find(cue.phrase)
        while start >= 0:
            spans.append((start, start + len(cue.phrase)))
            start = sentence.squeezed.find(cue.phrase, start + 1)
    return spans


_CN_DIGIT = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNIT = {"十": 10, "百": 100, "千": 1000}
_CN_NUMBER = re.compile(r"[零〇一二两三四五六七八九十百千]+")
_RANGE = re.compile(r"(?<=\d)(?:到|至|~|-|—|–|－|～)(?=\d)")


def _cn_number(match: re.Match[str]) -> str:
    s = match.group(0)
    if not any(c in _CN_UNIT for c in s):
        return "".join(str(_CN_DIGIT[c]) for c in s)  # 二〇二六 → 2026
    total, current = 0, 0
    for c in s:
        if c in _CN_UNIT:
            total += (current or 1) * _CN_UNIT[c]
            current = 0
        elif current:
            return s  # 三四十: not one number
        else:
            current = _CN_DIGIT[c]
    return str(total + current)


def digits(text: str) -> str:
    """Folded text with Chinese numerals written as digits (一到三 → 1到3, 十五 → 15)."""
    return _CN_NUMBER.sub(_cn_number, fold(text))


def fact_form(text: str) -> str:
    """Text as facts are compared: folded, 一到三 → 1-3 → 13, no spaces or punctuation."""
    folded = _RANGE.sub("", digits(text))
    return squeeze(folded, folded=True)


def has_fact(text_form: str, fact: str) -> bool:
    """True when one of the fact's `|`-separated forms occurs in text already in `fact_form`."""
    return any(fact_form(alt) and fact_form(alt) in text_form for alt in fact.split("|"))


def overlaps(sentence: Sentence, section_grams: set[str], share: float = 0.45) -> bool:
    """True when most of the sentence's bigrams occur in `section_grams` (it restates that text)."""
    grams = run_bigrams(sentence.text)
    return len(grams) >= 4 and len(grams & section_grams) / len(grams) >= share


def filled(text: str, values: Iterable[tuple[str, str]]) -> str:
    """`text` with the drill's placeholder values filled in (the builder's own fill)."""
    return fill(text, dict(values))


def short(text: str, width: int = 30) -> str:
    """One line of at most `width` characters (an ellipsis when cut)."""
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"
