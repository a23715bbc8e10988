"""The editor's forms: an article's front matter and body, a script's fields — to and from file text.

`article_form(text)` reads what the editor shows; `article_text(form, original)` writes it back through the
round-trip editor, so only the fields the form changed change in the file. New items start from
`new_article_text` / `new_script_fields` with the section template.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from typing import Any

from app.core.authoring.roundtrip import RoundTripError, edit_front_matter, edit_script, load, script_fields
from app.core.content.loader import split_front_matter
from app.core.content.model import ARTICLE_ORDER, SCRIPT_ORDER
from app.core.vocab import CONCLUSION, DRAFT, EXPLANATION, GENERAL_TYPE, INQUIRY, PITFALLS, PUBLISHED, STEPS

# What each body section is for, inserted by the editor's section buttons.
SECTION_TEMPLATES = {
    CONCLUSION: "一句话回答客户的问题(时效、金额、能否办理)。",
    EXPLANATION: "为什么是这样、有哪些例外。",
    STEPS: "1. 第一步\n2. 第二步",
    PITFALLS: "- 坐席容易说错的地方",
}
MAX_SIMILAR = 200  # as many 相似问法 per question as the hosted FAQ tools allow


@dataclass
class ArticleForm:
    """What the article editor's form holds; lists are lists of non-empty strings."""

    id: str = ""
    title: str = ""
    category: str = ""
    type: str = INQUIRY
    tags: list[str] = field(default_factory=list)
    similar: list[str] = field(default_factory=list)
    audiences: list[str] = field(default_factory=list)
    channels: list[str] = field(default_factory=list)
    owner: str = ""
    status: str = DRAFT
    review_by: str = ""
    updated: str = ""
    related: list[str] = field(default_factory=list)
    body: str = ""

    def fields(self) -> dict[str, Any]:
        """Front-matter values in file order (empty ones are removed from the file)."""
        return {key: getattr(self, key) for key in ARTICLE_ORDER}


@dataclass
class ScriptForm:
    """What the script editor's form holds."""

    id: str = ""
    title: str = ""
    text: str = ""
    type: str = GENERAL_TYPE
    stage: str = ""
    tags: list[str] = field(default_factory=list)
    channels: list[str] = field(default_factory=list)
    shortcut: str = ""
    variants: dict[str, str] = field(default_factory=dict)

    def fields(self) -> dict[str, Any]:
        """Script fields in file order."""
        return {key: getattr(self, key) for key in SCRIPT_ORDER}


def _str(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, _dt.date):
        return value.isoformat()
    return str(value).strip()


def _list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return [_str(v) for v in value if _str(v)]
    text = _str(value)
    return [text] if text else []


def article_form(text: str) -> ArticleForm:
    """The form for an article's file text; front matter that does not parse raises RoundTripError."""
    parts = split_front_matter(text.replace("\r\n", "\n"))
    if parts is None:
        return ArticleForm(body=text)
    fm, body, _ = parts
    meta = load(fm, first_line=2) if fm.strip() else {}
    if not isinstance(meta, dict):
        raise RoundTripError("front matter must be key: value pairs", 2)
    return ArticleForm(
        id=_str(meta.get("id")),
        title=_str(meta.get("title")),
        category=_str(meta.get("category")),
        type=_str(meta.get("type")) or INQUIRY,
        tags=_list(meta.get("tags")),
        similar=_list(meta.get("similar")),
        audiences=_list(meta.get("audiences")),
        channels=_list(meta.get("channels")),
        owner=_str(meta.get("owner")),
        status=_str(meta.get("status")) or PUBLISHED,
        review_by=_str(meta.get("review_by")),
        updated=_str(meta.get("updated")),
        related=_list(meta.get("related")),
        body=body,
    )


def article_text(form: ArticleForm, original: str = "") -> str:
    """The file text for the form: `original` edited in place (only changed fields touched), or a new file."""
    changes = form.fields()
    if original and (parts := split_front_matter(original.replace("\r\n", "\n"))) is not None:
        meta = load(parts[0], first_line=2) or {}
        if isinstance(meta, dict):
            if "type" not in meta and form.type == INQUIRY:
                changes["type"] = None  # the default: keep it implicit as the author had it
            if "status" not in meta and form.status == PUBLISHED:
                changes["status"] = None
    return edit_front_matter(original.replace("\r\n", "\n"), changes, body=form.body, order=ARTICLE_ORDER)


def new_article_text(form: ArticleForm, sections: bool = True) -> str:
    """A new article's file: the form's fields and, with an empty body, the four section headings."""
    if not form.body.strip() and sections:
        form.body = "".join(f"## {name}\n\n" for name in SECTION_TEMPLATES).rstrip("\n") + "\n"
    return edit_front_matter("", form.fields(), body=form.body, order=ARTICLE_ORDER)


def script_form(text: str, script_id: str) -> ScriptForm | None:
    """The form for one script of a script file, or None when the file has no script with that id."""
    raw = script_fields(text, script_id)
    if raw is None:
        return None
    variants = raw.get("variants")
    return ScriptForm(
        id=_str(raw.get("id")),
        title=_str(raw.get("title")),
        text=_str(raw.get("text")),
        type=_str(raw.get("type")) or GENERAL_TYPE,
        stage=_str(raw.get("stage")),
        tags=_list(raw.get("tags")),
        channels=_list(raw.get("channels")),
        shortcut=_str(raw.get("shortcut")),
        variants={_str(k): _str(v) for k, v in variants.items() if _str(v)} if isinstance(variants, dict) else {},
    )


def script_file_text(form: ScriptForm, original: str, old_id: str | None) -> str:
    """The script file's text with this script written (replacing `old_id`, or appended)."""
    changes = form.fields()
    if form.type == GENERAL_TYPE and old_id is not None:
        raw = script_fields(original, old_id) if original.strip() else None
        if raw is not None and "type" not in raw:
            changes["type"] = None
    return edit_script(original, old_id, changes, order=SCRIPT_ORDER)


def section_template(name: str) -> str:
    """The heading and hint text the editor inserts for one of the four sections."""
    return f"## {name}\n{SECTION_TEMPLATES.get(name, '')}\n"
