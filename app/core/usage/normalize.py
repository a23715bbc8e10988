"""A query as it is counted and shared: NFKC, folded (繁→简, width, case), greetings and filler dropped, masked.

Two agents who type 「您好,请问退款多久到账啊?」 and 「退款多久到賬」 searched the same thing; the team
report must count them as one. Personal data is masked *before* the text is cut into words, so a phone
number split by the segmenter is still caught, and a query that contained any is marked private: its
text stays on the agent's machine.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from app.core.text.chars import is_cjk
from app.core.text.pii import mask_personal_data
from app.core.text.segment import FILLER, FILLER_EN, words

MAX_QUERY_CHARS = 120
_STARS = re.compile(r"\*(?:[\s\-.]*\*)*")  # one masked run, spaces inside included
_MASK_TOKEN = "***"


@dataclass(frozen=True)
class NormalizedQuery:
    """The counted form of a query; `private` when it contained personal data (never shared)."""

    text: str
    private: bool


def normalize_query(raw: str) -> NormalizedQuery:
    """Mask, then NFKC + fold, drop greetings, filler and punctuation; '' when nothing meaningful is left."""
    raw = unicodedata.normalize("NFKC", raw or "").strip()
    masked = mask_personal_data(raw)
    private = masked != raw
    # A masked run becomes one placeholder word, so it is neither cut into pieces nor mistaken for text.
    marked = _STARS.sub(" \x00 ", masked)
    tokens: list[str] = []
    for chunk in marked.split("\x00"):
        tokens.extend(w for w, _, _ in words(chunk) if w not in FILLER and w not in FILLER_EN)
        tokens.append(_MASK_TOKEN)
    tokens.pop()  # the chunk loop adds one placeholder too many
    text = _join(tokens)[:MAX_QUERY_CHARS].strip()
    if mask_personal_data(text) != text:  # a number assembled by joining: never trust the pieces
        text, private = mask_personal_data(text), True
    if not _has_words(text):
        return NormalizedQuery("", private)
    return NormalizedQuery(text, private or _MASK_TOKEN in text)


def _join(tokens: list[str]) -> str:
    """Chinese words run together; a space only between two Latin/digit words."""
    out: list[str] = []
    for token in tokens:
        if out and out[-1] and token and not is_cjk(out[-1][-1]) and not is_cjk(token[0]):
            out.append(" ")
        out.append(token)
    return "".join(out)


def _has_words(text: str) -> bool:
    return any(ch.isalnum() for ch in text.replace(_MASK_TOKEN, ""))


def mask_text(text: str, limit: int = 2000) -> str:
    """Free text (a comment, a customer's message, a reply) masked for storage and sharing, cut to `limit`."""
    return mask_personal_data(unicodedata.normalize("NFKC", text or "").strip())[:limit]
