"""Squeezing: folded text without the characters a phrase match may skip, with a map back to the original.

"我 不-知道" and "我不知道" squeeze to the same letters, so the checker, the training scorer and the
rule compiler compare what was written, not how it was spaced or punctuated.
"""

from __future__ import annotations

import re
from itertools import compress, repeat
from operator import ne

from app.core.text.chars import is_ignorable
from app.core.text.fold import fold

# Tokens skipped as a whole when matching phrases: chat emoji codes like [微笑] and placeholders {订单号}.
TOKEN = re.compile(r"\[[^\[\]\s]{1,6}\]|\{[^{}\s]{1,20}\}")

_SENTINEL = "\x00"
_ign_seen: set[str] = set()
_ign_chars: list[str] = ["\x00"]
_ign_regex: list[re.Pattern[str]] = [re.compile("\x00")]


def _ignorable_pattern(folded: str) -> re.Pattern[str]:
    new = set(folded) - _ign_seen
    if new:  # classify each character once per process; a draft repeats the same few hundred
        found = [ch for ch in new if is_ignorable(ch)]
        if found:  # the pattern is replaced before the characters count as seen: safe across threads
            chars = sorted(set(_ign_chars) | set(found))
            _ign_regex[0] = re.compile("[" + re.escape("".join(chars)) + "]")
            _ign_chars[:] = chars
        _ign_seen.update(new)
    return _ign_regex[0]


def squeeze(text: str, folded: bool = False) -> str:
    """`text` folded (unless `folded` says it already is), with ignorable characters removed."""
    folded_text = text if folded else fold(text)
    return _ignorable_pattern(folded_text).sub("", folded_text)


def squeeze_with_map(folded: str, tokens: bool = True) -> tuple[str, list[int]]:
    """The folded text without ignorable characters (and, with `tokens`, emoji codes and placeholders),
    and each kept character's index in `folded`."""
    masked = _ignorable_pattern(folded).sub(_SENTINEL, folded)
    if tokens and ("[" in folded or "{" in folded):
        spans = [m.span() for m in TOKEN.finditer(folded)]
        if spans:
            parts, last = [], 0
            for start, end in spans:
                parts.append(masked[last:start])
                parts.append(_SENTINEL * (end - start))
                last = end
            parts.append(masked[last:])
            masked = "".join(parts)
    kept = list(compress(range(len(masked)), map(ne, masked, repeat(_SENTINEL))))
    return masked.replace(_SENTINEL, ""), kept
