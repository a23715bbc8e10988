"""Values derived from one loaded content root, computed once per load.

A reload builds new `Content` objects and lists, so a cache keyed on the identity of what was loaded
picks up edits by itself; one entry is enough because the app works on one content root at a time.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any, Callable, TypeVar

from app.core.content import Content, load_content
from app.core.paths import bundled_content_root

T = TypeVar("T")
R = TypeVar("R")


def per_load(size: Callable[[Any], int] | None = None) -> Callable[[Callable[[T], R]], Callable[[T], R]]:
    """Cache a function of one loaded object (a Content or one of its lists) by the object's identity.

    The entry keeps the object alive, so its id cannot be reused; `size`, when given, also rebuilds the
    value when the object grew or shrank since (a list appended to in place).
    """
    def wrap(fn: Callable[[T], R]) -> Callable[[T], R]:
        entry: list[tuple[Any, int, Any]] = []

        @functools.wraps(fn)
        def cached(obj: T) -> R:
            n = size(obj) if size is not None else 0
            if entry and entry[0][0] is obj and entry[0][1] == n:
                return entry[0][2]
            value = fn(obj)
            entry[:] = [(obj, n, value)]
            return value

        return cached

    return wrap


@functools.lru_cache(maxsize=1)
def bundled_content() -> Content:
    """The bundled sample content, loaded once: what a content root lacks (templates, cues, scoring) comes from it."""
    return load_content(bundled_content_root())


def is_bundled(content: Content) -> bool:
    """True when `content` was loaded from the bundled content root itself."""
    return Path(content.root).resolve() == bundled_content_root().resolve()
