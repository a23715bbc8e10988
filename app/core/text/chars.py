"""Character classes every text comparison shares: CJK ideographs, and what a phrase match may skip."""

from __future__ import annotations

import re
import unicodedata

CJK_RUN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002a6df]+")
LATIN_RUN = re.compile(r"[^\W\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002a6df_]+")


def is_cjk(ch: str) -> bool:
    """True for a CJK unified ideograph (the characters that segmentation and bigrams apply to)."""
    code = ord(ch)
    return (
        0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF or 0x20000 <= code <= 0x2A6DF or 0xF900 <= code <= 0xFAFF
    )


_LATIN_LETTER = re.compile(r"[A-Za-z]")


def is_mostly_latin(text: str) -> bool:
    """True for English (or other Latin-script) text that only quotes a few Chinese words (示例商城)."""
    return len(_LATIN_LETTER.findall(text)) > 2 * sum(1 for ch in text if is_cjk(ch))


def has_cjk(text: str) -> bool:
    """True when `text` contains at least one CJK ideograph."""
    return any(is_cjk(ch) for ch in text)


def is_ignorable(ch: str) -> bool:
    """Characters a phrase match may skip: spaces, punctuation, symbols, zero-width and format characters."""
    if ch.isspace():
        return True
    category = unicodedata.category(ch)
    return category[0] in "PSZ" or category in ("Cf", "Mn")


# A half-width , ? ! ; : written after a Chinese character and before another (or at the end of a line): Chinese
# text takes full-width punctuation (，？！；：). Digits around it (1,000 / 16:00) are not Chinese text.
_HALF_WIDTH_MARK = re.compile(r"[,?!;:]")


def half_width_punctuation(text: str, limit: int = 0) -> list[tuple[int, str]]:
    """(1-based line, the character) for each half-width , ? ! ; : in Chinese text (the first `limit` if given)."""
    found: list[tuple[int, str]] = []
    line, scanned = 1, 0
    for m in _HALF_WIDTH_MARK.finditer(text):
        at = m.start()
        if not at or not is_cjk(text[at - 1]):
            continue
        after = text[at + 1 : at + 2]
        if after and not is_cjk(after):
            end = text.find("\n", at + 1)
            if text[at + 1 : end if end >= 0 else len(text)].strip():
                continue  # not before a Chinese character and not at the end of the line
        line += text.count("\n", scanned, at)
        scanned = at
        found.append((line, m.group(0)))
        if limit and len(found) >= limit:
            break
    return found
