"""The bundled sample content, loaded once per process: what a content root lacks (templates, cues,
scoring) comes from it."""

from __future__ import annotations

import functools
from pathlib import Path

from app.core.content.loader import load_content
from app.core.content.model import Content
from app.core.paths import bundled_content_root


@functools.lru_cache(maxsize=1)
def bundled_content() -> Content:
    """The bundled sample content, loaded once: read-only, shared by every workspace as the fallback."""
    return load_content(bundled_content_root())


def is_bundled(content: Content) -> bool:
    """True when `content` was loaded from the bundled content root itself."""
    return Path(content.root).resolve() == bundled_content_root().resolve()
