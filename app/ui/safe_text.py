"""Content fields shown as plain text, never as markup: labels, tooltips and list items from the share.

Qt treats a tooltip (and a label in auto format) that merely looks like HTML as rich text, so a title
such as `<img src="file:///…">` would load a local file. `tip()` escapes the text and wraps it in a
paragraph, so it is shown exactly as written.
"""

from __future__ import annotations

import html


def tip(text: str) -> str:
    """A tooltip that shows `text` literally (line breaks kept)."""
    return "<p style='white-space:pre-wrap'>" + html.escape(text, quote=False).replace("\n", "<br>") + "</p>"
