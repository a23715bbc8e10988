"""What agents see of a file: whether a text is live (a published article, a script file) and its items."""

from __future__ import annotations

from app.core.authoring.forms import ArticleForm, article_form, article_text
from app.core.authoring.roundtrip import RoundTripError, load
from app.core.vocab import DRAFT, PUBLISHED


def is_article(rel: str) -> bool:
    """True for an article file (kb/**/*.md)."""
    return rel.startswith("kb/") and rel.lower().endswith(".md")


def is_script_file(rel: str, text: str | None) -> bool:
    """True for a YAML file under scripts_library/ whose top level is a list (scripts, not a library kind)."""
    if not rel.startswith("scripts_library/") or not rel.lower().endswith((".yaml", ".yml")) or text is None:
        return False
    try:
        return isinstance(load(text), list)
    except RoundTripError:
        return False


def is_live(rel: str, text: str | None) -> bool:
    """True when agents would see this text: a published article or a script file. Unparseable: not an item."""
    if text is None:
        return False
    if is_article(rel):
        try:
            return article_form(text).status == PUBLISHED
        except RoundTripError:
            return False
    return is_script_file(rel, text)


def items_of(rel: str, text: str | None) -> tuple[tuple[str, ...], str]:
    """(item ids, a title to show) of a file's text; best effort, () for text that does not parse."""
    if text is None:
        return (), ""
    try:
        if is_article(rel):
            form = article_form(text)
            return ((form.id,) if form.id else ()), form.title
        data = load(text)
    except RoundTripError:
        return (), ""
    if isinstance(data, list):
        ids = tuple(str(item.get("id")) for item in data if isinstance(item, dict) and item.get("id"))
        titles = [str(item.get("title")) for item in data if isinstance(item, dict) and item.get("title")]
        return ids, "、".join(titles[:3]) + ("…" if len(titles) > 3 else "")
    return (), ""


def as_draft(text: str) -> str:
    """An article's text with `status: draft` (everything else kept): what stays on disk while it is reviewed."""
    form: ArticleForm = article_form(text)
    form.status = DRAFT
    return article_text(form, text)
