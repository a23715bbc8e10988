"""Text folding shared by search and the checker: 繁→简, Kangxi radicals and compatibility ideographs to
unified ideographs, full-width→half-width, lower case.

`fold` keeps the length of its input (one character in, one out), so an offset found in the folded
text is the same offset in the original: the checker marks the phrase the agent actually typed.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

_FULLWIDTH_OFFSET = 0xFEE0  # U+FF01..U+FF5E map to U+0021..U+007E


# Every CJK character that can be traditional: the unified ideographs and their extension A, plus
# compatibility ideographs. Characters beyond the BMP are rare in customer text and kept as they are.
_CJK_RANGES = ((0x3400, 0x4DC0), (0x4E00, 0xA000), (0xF900, 0xFB00))


@lru_cache(maxsize=1)
def _table() -> dict[int, str]:
    """One translate table: traditional→simplified (OpenCC, character by character), widths, case."""
    import opencc  # imported on first use: converting needs it, importing this module should not

    chars = [chr(code) for start, end in _CJK_RANGES for code in range(start, end)]
    # One character per line: OpenCC's phrase rules cannot join characters across a line break,
    # so each line converts alone and the mapping stays one character for one character.
    converted = opencc.OpenCC("t2s").convert("\n".join(chars)).split("\n")
    table: dict[int, str] = {}
    if len(converted) == len(chars):
        for original, simplified in zip(chars, converted):
            if simplified != original and len(simplified) == 1:
                table[ord(original)] = simplified
    # Kangxi radicals (⾃ ⼦ ⽆), radical supplements and compatibility ideographs look like ordinary characters
    # and are pasted to slip past filters: NFKC maps each to one unified ideograph, then 繁→简 as above.
    for start, end in ((0x2E80, 0x2EFA), (0x2F00, 0x2FD6), (0xF900, 0xFADA), (0x2F800, 0x2FA1E)):
        for code in range(start, end):
            nfkc = unicodedata.normalize("NFKC", chr(code))
            if len(nfkc) == 1 and nfkc != chr(code):
                table[code] = table.get(ord(nfkc), nfkc)
    for code in range(0xFF01, 0xFF5F):
        table[code] = chr(code - _FULLWIDTH_OFFSET).lower()
    table[0x3000] = " "  # ideographic space
    # Simplified text still writes 帐 for 账 (帐户, 到帐, 对帐单); both sides folding to 账 lets either find the other.
    table[ord("帐")] = "账"
    for code in range(ord("A"), ord("Z") + 1):
        table[code] = chr(code).lower()
    return table


@lru_cache(maxsize=1)
def _converter():
    import opencc

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Traditional→simplified with OpenCC's phrase rules (帳戶→账户), one character for one character.

    A line whose conversion would change its length (rare phrase rules) falls back to the
    character table, so offsets in the result are offsets in the input.
    """
    if text.isascii():
        return text
    try:
        converted = _converter().convert(text)
    except UnicodeEncodeError:  # lone surrogates (broken paste): characters one by one
        return text.translate(_table())
    if len(converted) == len(text):
        return converted
    out = []
    for line in text.split("\n"):
        phrase = _converter().convert(line)
        out.append(phrase if len(phrase) == len(line) else line.translate(_table()))
    return "\n".join(out)


def fold(text: str) -> str:
    """Traditional→simplified, full-width→half-width and lower case, one character for one character."""
    folded = to_simplified(text).translate(_table())
    if not folded.isascii():
        # Fast path (the checker folds a whole draft on every keystroke): str.lower in C gives the same
        # result as lowering char by char when no character expands and no final-sigma rule applies.
        lowered = folded.lower()
        if len(lowered) == len(folded) and "\u03a3" not in folded:
            return lowered
        # Letters outside ASCII (É, Ω …) lower-case to one character almost always; keep length if not.
        folded = "".join(ch if len(ch.lower()) != 1 else ch.lower() for ch in folded)
    return folded
