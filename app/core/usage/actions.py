"""The 看板's content actions: 加为相似问法 (one line of front matter) and 新建文章 from a gap.

Both write a content file the way a careful person would: read it, change the least text possible,
check the result parses to exactly the intended change, make sure nobody changed the file meanwhile,
then replace it atomically. Anything unexpected (not UTF-8, no front matter, an unusual layout) is
refused with a one-line reason, and the file is left as it was. The workbench shows the result; these
functions open nothing.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable
from pathlib import Path

from app.core.content.loader import split_front_matter
from app.core.fileio.atomic import write_bytes_atomic
from app.core.fileio.bounded import read_bounded
from app.core.fileio.limits import DEFAULT_LIMITS
from app.core.fileio.yamlsafe import YamlError, load_yaml
from app.core.paths import is_within
from app.core.text.pinyin import char_pinyin
from app.core.vocab import ARTICLE_TYPES, CONCLUSION, DRAFT, INQUIRY, STATUSES

_PLAIN_OK = re.compile(r"^[^\s\-?:,\[\]{}#&*!|>'\"%@`][^,\[\]{}#:'\"]*(?<!\s)$")
_RESERVED = {"true", "false", "yes", "no", "on", "off", "null", "~"}


class ActionError(Exception):
    """The change could not be made safely; the message names the file and why."""


def yaml_scalar(text: str) -> str:
    """`text` as a YAML flow scalar: plain when that reads back the same, else double-quoted."""
    if _PLAIN_OK.match(text) and text.lower() not in _RESERVED and not re.fullmatch(r"[-+.\d]+", text):
        return text
    return json.dumps(text, ensure_ascii=False)


def _read(path: Path) -> bytes:
    try:
        return read_bounded(path, DEFAULT_LIMITS.for_path(path.name))
    except OSError as exc:
        raise ActionError(f"{path}: cannot read ({exc.strerror or exc})") from None


def add_similar(root: Path, rel: str, phrase: str) -> bool:
    """Add `phrase` to the `similar:` list of the article at `rel`; False when it is already there."""
    phrase = " ".join(phrase.split())
    if not phrase:
        raise ActionError("the phrasing is empty")
    path = _inside(root, rel)
    data = _read(path)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise ActionError(f"{rel}: not UTF-8; add the phrasing in an editor") from None
    newline = "\r\n" if "\r\n" in text else "\n"
    plain = text.replace("\r\n", "\n")
    parts = split_front_matter(plain)
    if parts is None:
        raise ActionError(f"{rel}:1: no front matter")
    fm, _body, _ = parts
    before = _parse(fm, rel)
    similar = before.get("similar") or []
    if not isinstance(similar, list):
        raise ActionError(f"{rel}: 'similar' is not a list")
    if phrase in similar:
        return False
    new_fm = _with_similar(fm, phrase, rel)
    after = _parse(new_fm, rel)
    expected = dict(before, similar=[*similar, phrase])
    if after != expected:
        raise ActionError(f"{rel}: the front matter has an unusual layout; add the phrasing in an editor")
    start = plain.index("\n") + 1
    updated = plain[:start] + new_fm + plain[start + len(fm) :]
    if _read(path) != data:
        raise ActionError(f"{rel}: changed by someone else just now; try again")
    write_bytes_atomic(path, updated.replace("\n", newline).encode("utf-8"))
    return True


def _parse(fm: str, rel: str) -> dict:
    try:
        value = load_yaml(fm, first_line=2)
    except YamlError as exc:
        raise ActionError(f"{rel}:{exc.line}: {exc}") from None
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ActionError(f"{rel}:2: front matter is not key: value pairs")
    return dict(value)


def _with_similar(fm: str, phrase: str, rel: str) -> str:
    scalar = yaml_scalar(phrase)
    body = fm.rstrip()
    if body.lstrip().startswith("{") and body.endswith("}"):  # a flow mapping (some exporters write one)
        match = re.search(r"[{,]\s*similar\s*:\s*\[", body)
        if match is None:
            return body[:-1].rstrip() + f", similar: [{scalar}]}}" + fm[len(body) :]
        end = _closing_bracket(body, match.end())
        if end is None:
            raise ActionError(f"{rel}: 'similar' is written in a form this action does not edit")
        inner = body[match.end() : end].strip()
        return body[:end].rstrip() + (", " if inner else "") + scalar + body[end:] + fm[len(body) :]
    lines = fm.split("\n")
    for i, line in enumerate(lines):
        if not re.match(r"^similar\s*:", line):
            continue
        value = line.split(":", 1)[1]
        comment = ""
        if "#" in value and not re.search(r"['\"]", value):
            value, comment = value.split("#", 1)
            comment = "  #" + comment
        stripped = value.strip()
        if stripped.startswith("[") and stripped.endswith("]"):
            inner = stripped[1:-1].strip()
            lines[i] = f"similar: [{inner + ', ' if inner else ''}{scalar}]{comment}"
            return "\n".join(lines)
        if stripped == "":
            last, indent = i, "  "
            for j in range(i + 1, len(lines)):
                match = re.match(r"^(\s*)- ", lines[j])
                if match:
                    last, indent = j, match.group(1)
                elif lines[j].strip() and not lines[j].startswith((" ", "\t")):
                    break
            lines.insert(last + 1, f"{indent}- {scalar}")
            return "\n".join(lines)
        raise ActionError(f"{rel}: 'similar' is written in a form this action does not edit")
    anchor = next((i for i, line in enumerate(lines) if re.match(r"^title\s*:", line)), None)
    if anchor is None:
        anchor = next((i for i, line in enumerate(lines) if re.match(r"^id\s*:", line)), len(lines) - 1)
    lines.insert(anchor + 1, f"similar: [{scalar}]")
    return "\n".join(lines)


def _closing_bracket(text: str, start: int) -> int | None:
    """Index of the `]` that closes a flow list whose items start at `start` (quotes respected), or None."""
    quote = ""
    i = start
    while i < len(text):
        ch = text[i]
        if quote == '"' and ch == "\\":
            i += 2
            continue
        if quote:
            if ch == quote:
                if quote == "'" and text[i + 1 : i + 2] == "'":
                    i += 2
                    continue
                quote = ""
        elif ch in "\"'":
            quote = ch
        elif ch in "[{":
            return None  # nested collections: leave it to a person
        elif ch == "]":
            return i
        i += 1
    return None


def _inside(root: Path, rel: str) -> Path:
    path = Path(root) / rel
    if not is_within(path, Path(root)) or path.suffix.lower() != ".md":
        raise ActionError(f"{rel}: not an article of this content root")
    return path


def slug(title: str, taken: Iterable[str] = ()) -> str:
    """An id from a title: pinyin syllables and Latin words joined by '-', unique among `taken`."""
    parts = [p for p in char_pinyin(title)[:8]] or re.findall(r"[a-z0-9]+", title.lower())[:6]
    base = "-".join(parts)[:60].strip("-") or "article"
    used = set(taken)
    candidate, n = base, 2
    while candidate in used:
        candidate, n = f"{base}-{n}", n + 1
    return candidate


def new_article(
    root: Path,
    title: str,
    *,
    category: str = "",
    problem_type: str = INQUIRY,
    similar: Iterable[str] = (),
    conclusion: str = "",
    status: str = DRAFT,
    folder: str = "",
    taken_ids: Iterable[str] = (),
) -> str:
    """Create a new article (default status draft) and return its path relative to `root`; never overwrites."""
    title = " ".join(title.split())
    if not title:
        raise ActionError("the article needs a title")
    if problem_type not in ARTICLE_TYPES or status not in STATUSES:
        raise ActionError(f"unknown type '{problem_type}' or status '{status}'")
    article_id = slug(title, taken_ids)
    rel = f"kb/{folder.strip('/') + '/' if folder.strip('/') else ''}{article_id}.md"
    path = _inside(root, rel)
    if path.exists():
        raise ActionError(f"{rel}: already exists")
    phrases = [p for p in dict.fromkeys(" ".join(s.split()) for s in similar) if p and p != title]
    front = [
        f"id: {article_id}",
        f"title: {yaml_scalar(title)}",
        *([f"category: {yaml_scalar(category)}"] if category else []),
        f"type: {problem_type}",
        *([f"similar: [{', '.join(yaml_scalar(p) for p in phrases)}]"] if phrases else []),
        f"status: {status}",
        f"updated: {dt.date.today().isoformat()}",
    ]
    body = conclusion.strip() or "(待补充:先写结论,再写说明和操作步骤)"
    text = "---\n" + "\n".join(front) + f"\n---\n## {CONCLUSION}\n{body}\n"
    _check_new(text, rel)
    write_bytes_atomic(path, text.encode("utf-8"))
    return rel


def _check_new(text: str, rel: str) -> None:
    parts = split_front_matter(text)
    if parts is None:
        raise ActionError(f"{rel}: could not write valid front matter")
    _parse(parts[0], rel)
