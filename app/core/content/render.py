"""Article Markdown to HTML that is safe to show: no scripts, no remote loads, raw HTML sanitized."""

from __future__ import annotations

import html
import re

import markdown
import nh3

ALLOWED_TAGS = {
    "p",
    "br",
    "hr",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "strong",
    "em",
    "b",
    "i",
    "u",
    "s",
    "del",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "a",
    "span",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}


_LIST_ITEM = re.compile(r"^\s{0,3}([-*+]|\d+[.)])\s")
_FENCE = re.compile(r"^\s{0,3}(```|~~~)")


def loosen_lists(text: str) -> str:
    """Start a list after a paragraph line: knowledge teams write lists without the blank line
    Python-Markdown needs, and the items would otherwise run together into one paragraph."""
    out: list[str] = []
    in_fence = False
    previous = ""
    for line in text.split("\n"):
        if _FENCE.match(line):
            in_fence = not in_fence
        if (
            not in_fence
            and _LIST_ITEM.match(line)
            and previous.strip()
            and not _LIST_ITEM.match(previous)
            and not previous.startswith((" ", "\t", "#"))
        ):
            out.append("")
        out.append(line)
        previous = line
    return "\n".join(out)


def render_markdown(text: str) -> str:
    """Markdown → sanitized HTML fragment. Images are dropped (they would be remote loads)."""
    raw = markdown.markdown(
        loosen_lists(text), extensions=["tables", "fenced_code", "sane_lists"], output_format="html"
    )
    return nh3.clean(
        raw,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )


def escape(text: str) -> str:
    """Plain text for insertion into HTML."""
    return html.escape(text, quote=True)
