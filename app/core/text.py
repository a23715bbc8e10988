"""Text folding shared by search and the checker: 繁→简, full-width→half-width, lower case.

`fold` keeps the length of its input (one character in, one out), so an offset found in the folded
text is the same offset in the original: the checker marks the phrase the agent actually typed.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from importlib import resources

_FULLWIDTH_OFFSET = 0xFEE0  # U+FF01..U+FF5E map to U+0021..U+007E


@lru_cache(maxsize=1)
def _table() -> dict[int, str]:
    """One translate table: traditional→simplified (OpenCC's character dictionary), widths, case."""
    table: dict[int, str] = {}
    data = resources.files("opencc").joinpath("dictionary/TSCharacters.txt").read_text(encoding="utf-8")
    for line in data.splitlines():
        parts = line.split("\t")
        if len(parts) == 2 and len(parts[0]) == 1:
            simplified = parts[1].split(" ")[0]
            if len(simplified) == 1:
                table[ord(parts[0])] = simplified
    for code in range(0xFF01, 0xFF5F):
        table[code] = chr(code - _FULLWIDTH_OFFSET).lower()
    table[0x3000] = " "  # ideographic space
    for code in range(ord("A"), ord("Z") + 1):
        table[code] = chr(code).lower()
    return table


def fold(text: str) -> str:
    """Traditional→simplified, full-width→half-width and lower case, one character for one character."""
    folded = text.translate(_table())
    if not folded.isascii():
        # Fast path (the checker folds a whole draft on every keystroke): str.lower in C gives the same
        # result as lowering char by char when no character expands and no final-sigma rule applies.
        lowered = folded.lower()
        if len(lowered) == len(folded) and "\u03a3" not in folded:
            return lowered
        # Letters outside ASCII (É, Ω …) lower-case to one character almost always; keep length if not.
        folded = "".join(ch if len(ch.lower()) != 1 else ch.lower() for ch in folded)
    return folded


def is_ignorable(ch: str) -> bool:
    """Characters a phrase match may skip: spaces, punctuation, symbols, zero-width and format characters."""
    if ch.isspace():
        return True
    category = unicodedata.category(ch)
    return category[0] in "PSZ" or category in ("Cf", "Mn")
