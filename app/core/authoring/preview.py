"""The editor's live preview: sanitized article HTML, re-rendering only the sections that changed.

Python-Markdown takes tens of milliseconds for a 5,000-character article; a keystroke changes one section.
The body is split at headings (outside fenced code), each block is rendered by the same sanitizing
renderer the agent's article view uses (`content.render.render_markdown`) and cached by its text, so a
preview after an edit renders one block (docs/workbench.md has the timings).
"""

from __future__ import annotations

import re
from collections import OrderedDict

from app.core.content.render import render_markdown

_HEADING = re.compile(r"^#{1,6}[ \t]")
_FENCE = re.compile(r"^[ \t]{0,3}(```|~~~)")
CACHE_BLOCKS = 256


def blocks(body: str) -> list[str]:
    """The body cut before each heading that is not inside a fenced code block."""
    out: list[str] = []
    current: list[str] = []
    in_fence = False
    for line in body.split("\n"):
        if _FENCE.match(line):
            in_fence = not in_fence
        if not in_fence and _HEADING.match(line) and current:
            out.append("\n".join(current))
            current = []
        current.append(line)
    if current:
        out.append("\n".join(current))
    return out


class PreviewRenderer:
    """Markdown → sanitized HTML with a per-block cache (one renderer per editor)."""

    def __init__(self) -> None:
        self._cache: OrderedDict[str, str] = OrderedDict()

    def render(self, body: str) -> str:
        """The sanitized HTML of the whole body (unchanged blocks come from the cache)."""
        parts: list[str] = []
        for block in blocks(body):
            html = self._cache.get(block)
            if html is None:
                html = render_markdown(block)
                self._cache[block] = html
                if len(self._cache) > CACHE_BLOCKS:
                    self._cache.popitem(last=False)
            else:
                self._cache.move_to_end(block)
            parts.append(html)
        return "\n".join(parts)
