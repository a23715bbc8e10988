"""Article and script ids from titles: a pinyin slug (退款多久到账? → tuikuan-duojiu-daozhang), unique, short.

An id is derived while an item is new and frozen once it is published (links, usage counts, sync history
and reviews refer to it), so `derive_id` is only called for items that have never been published.
"""

from __future__ import annotations

import re
from collections.abc import Container

from app.core.text.chars import has_cjk
from app.core.text.fold import fold
from app.core.text.pinyin import char_pinyin
from app.core.text.segment import words

MAX_LENGTH = 48
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def slug(title: str) -> str:
    """The pinyin slug of a title: one part per word, Latin words and digits kept, lower case, '-' between."""
    parts: list[str] = []
    for word, _, _ in words(fold(title)):
        part = "".join(char_pinyin(word)) if has_cjk(word) else _NOT_SLUG.sub("-", word.lower()).strip("-")
        if part:
            parts.append(part)
    text = "-".join(parts)
    if len(text) > MAX_LENGTH:
        text = text[:MAX_LENGTH].rsplit("-", 1)[0] or text[:MAX_LENGTH]
    return text.strip("-")


def unique_id(base: str, taken: Container[str], prefix: str = "") -> str:
    """`base` (or `prefix` + 'item' when empty), with -2, -3 … appended until no other item has it."""
    base = base or "item"
    candidate = f"{prefix}{base}" if prefix and not base.startswith(prefix) else base
    if candidate not in taken:
        return candidate
    number = 2
    while f"{candidate}-{number}" in taken:
        number += 1
    return f"{candidate}-{number}"


def derive_id(title: str, taken: Container[str], prefix: str = "") -> str:
    """A unique id for a new item with this title (scripts get the prefix 's-', as the bundled ones do)."""
    return unique_id(slug(title), taken, prefix)
