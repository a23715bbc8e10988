"""Round-trip YAML edits (ruamel.yaml): change the fields a form changed, keep everything else byte-stable.

Untouched fields keep their order, their quoting, their flow or block style and their comments; a changed
list keeps the style it had; new fields are appended in block style; a field set to empty is removed.
ruamel's round-trip loader builds only plain mappings, lists and scalars (unknown tags stay inert tagged
scalars), so editing never constructs objects from content; validation still reads with the safe loader.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError

from app.core.content.loader import split_front_matter

Value = str | list[str] | dict[str, str] | None


class RoundTripError(ValueError):
    """The YAML being edited does not parse: the message names the line (1-based, in the edited text)."""

    def __init__(self, message: str, line: int = 1):
        super().__init__(message)
        self.line = line


def _yaml(indent: tuple[int, int, int] = (2, 4, 2)) -> YAML:
    yaml = YAML(typ="rt")
    yaml.width = 4096  # never fold a long Chinese line
    yaml.indent(mapping=indent[0], sequence=indent[1], offset=indent[2])
    yaml.preserve_quotes = True
    yaml.allow_unicode = True
    return yaml


def guess_indent(text: str) -> tuple[int, int, int]:
    """(mapping, sequence, offset) indentation as the file writes it, so a rewrite does not re-indent it."""
    dash = re.search(r"^( *)- ", text, re.MULTILINE)
    if dash is None:
        return (2, 4, 2)
    offset = len(dash.group(1))
    after = re.search(r"^( *)- [^\n]*\n( +)[^ -]", text[dash.start() :], re.MULTILINE)
    sequence = (len(after.group(2)) - len(after.group(1))) + offset if after else offset + 2
    return (2, max(sequence, offset + 2), offset)


def load(text: str, first_line: int = 1) -> Any:
    """Parse YAML for editing; RoundTripError with the line when it does not parse."""
    try:
        return _yaml().load(text)
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = (mark.line + first_line) if mark is not None else first_line
        raise RoundTripError(f"YAML does not parse: {getattr(exc, 'problem', None) or exc}", line) from None


def dump(data: Any, like: str = "") -> str:
    """YAML text of an edited document (LF line ends), indented the way `like` (the original text) was."""
    out = io.StringIO()
    _yaml(guess_indent(like) if like else (2, 4, 2)).dump(data, out)
    return out.getvalue()


def _empty(value: Value) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _styled(old: Any, value: Value) -> Any:
    """The new value in the style the old one had (a flow list stays a flow list)."""
    if isinstance(value, list):
        seq = CommentedSeq(value)
        if isinstance(old, CommentedSeq) and old.fa.flow_style():
            seq.fa.set_flow_style()
        else:
            seq.fa.set_block_style()
        return seq
    if isinstance(value, dict):
        mapping = CommentedMap(value)
        if isinstance(old, CommentedMap) and old.fa.flow_style():
            mapping.fa.set_flow_style()
        return mapping
    return value


def _same(old: Any, value: Value) -> bool:
    if isinstance(value, list):
        return isinstance(old, list) and [str(v) for v in old] == value
    if isinstance(value, dict):
        return isinstance(old, dict) and {str(k): str(v) for k, v in old.items()} == value
    return old is not None and str(old) == value


def apply_changes(mapping: CommentedMap, changes: Mapping[str, Value], order: tuple[str, ...] = ()) -> None:
    """Set, replace or remove fields in place; a value equal to the current one is not touched at all."""
    for key, value in changes.items():
        if _empty(value):
            if key in mapping:
                del mapping[key]
            continue
        if key in mapping:
            if not _same(mapping[key], value):
                mapping[key] = _styled(mapping[key], value)
            continue
        position = _insert_position(mapping, key, order)
        mapping.insert(position, key, _styled(None, value))


def _insert_position(mapping: CommentedMap, key: str, order: tuple[str, ...]) -> int:
    """A new field goes after the last present field that comes before it in `order`, else at the end."""
    if key not in order:
        return len(mapping)
    keys = list(mapping.keys())
    before = order[: order.index(key)]
    positions = [keys.index(k) for k in before if k in keys]
    return max(positions) + 1 if positions else 0 if any(k in keys for k in order) else len(mapping)


def edit_front_matter(
    text: str, changes: Mapping[str, Value], body: str | None = None, order: tuple[str, ...] = ()
) -> str:
    """An article's file text with these front-matter changes (and the new body, when given).

    A file without front matter gets one. Raises RoundTripError when the existing front matter does not parse.
    """
    parts = split_front_matter(text) if text else None
    if parts is None:
        mapping = CommentedMap()
        fm_text = ""
        old_body = text if text and not text.startswith("---") else ""
    else:
        fm, old_body, _ = parts
        fm_text = fm
        loaded = load(fm, first_line=2) if fm.strip() else CommentedMap()
        if not isinstance(loaded, CommentedMap):
            raise RoundTripError("front matter must be key: value pairs", 2)
        mapping = loaded
    apply_changes(mapping, changes, order)
    new_body = old_body if body is None else body
    if new_body and not new_body.endswith("\n"):
        new_body += "\n"
    return f"---\n{dump(mapping, fm_text) if mapping else ''}---\n{new_body}"


def edit_script(text: str, script_id: str | None, changes: Mapping[str, Value], order: tuple[str, ...] = ()) -> str:
    """A script file's text with one script changed (or appended, when `script_id` is None or absent)."""
    data = load(text) if text.strip() else CommentedSeq()
    if data is None:
        data = CommentedSeq()
    if not isinstance(data, CommentedSeq):
        raise RoundTripError("a script file must be a list of scripts (- id: …)", 1)
    target = next((item for item in data if isinstance(item, CommentedMap) and str(item.get("id")) == script_id), None)
    if target is None:
        target = CommentedMap()
        data.append(target)
    apply_changes(target, changes, order)
    return dump(data, text or "- x\n  y: z\n")


def remove_script(text: str, script_id: str) -> str:
    """A script file's text without one script (comments of the others kept)."""
    data = load(text)
    if not isinstance(data, CommentedSeq):
        raise RoundTripError("a script file must be a list of scripts (- id: …)", 1)
    for index, item in enumerate(data):
        if isinstance(item, CommentedMap) and str(item.get("id")) == script_id:
            del data[index]
            break
    return dump(data, text) if len(data) else "[]\n"


def script_fields(text: str, script_id: str) -> dict[str, Any] | None:
    """The raw fields of one script in a file (for the editor's form), or None."""
    data = load(text)
    if not isinstance(data, CommentedSeq):
        return None
    for item in data:
        if isinstance(item, CommentedMap) and str(item.get("id")) == script_id:
            return dict(item)
    return None
