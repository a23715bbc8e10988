"""Loading a content root: walk kb/ and scripts_library/, parse front matter, sections and YAML, check fields.

Loading reads a content root and never writes to it. Every problem is collected in one pass with
its file and line, so a knowledge manager fixes everything at once instead of one error per run.
It is ~500 lines because the article and script parsers share the one field-checking vocabulary and
problem collector; the FAQ importer's readers (faq_sources.py) and the markup warnings live elsewhere.
"""

from __future__ import annotations

import datetime as _dt
import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from app.core.content.model import (
    ARTICLE_FIELDS,
    ERROR,
    LIBRARY_KINDS,
    SCRIPT_FIELDS,
    WARNING,
    Article,
    Content,
    LibraryFile,
    Problem,
    ProblemCollector,
    Progress,
    Script,
)
from app.core.content.placeholders import check_placeholders
from app.core.fileio.bounded import UnsafeFileError, read_bounded
from app.core.fileio.limits import DEFAULT_LIMITS, Limits
from app.core.fileio.textio import UndecodableError, decode_bytes, normalize_newlines
from app.core.fileio.yamlsafe import LineDict, YamlError, load_yaml
from app.core.paths import is_within
from app.core.text.chars import half_width_punctuation
from app.core.vocab import ARTICLE_TYPES, GENERAL_TYPE, INQUIRY, PUBLISHED, SCRIPT_TYPES, STATUSES

# Files that sync tools, editors and Office leave behind: never content.
_LITTER = re.compile(r"^(~\$|\.~lock\.|~syncthing~)|\.sync-conflict-|conflicted copy|\.tmp$", re.IGNORECASE)
_HEADING = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t#]*$")
_FENCE = re.compile(r"^[ \t]{0,3}(```|~~~)")
_ID_OK = re.compile(r"^[^\s/\\]{1,120}$")
# An HTML tag (one a rich-text renderer knows) or entity in a field meant as text: the UI shows fields
# as plain text (#18), so the author would see the markup literally; `<100元` or `A<B 且 C>D` are not tags.
_TAGS = (
    "a|b|big|blockquote|body|br|center|cite|code|dd|del|div|dl|dt|em|font|h[1-6]|head|hr|html|i|iframe|img|"
    "kbd|li|link|meta|nobr|object|ol|p|pre|qt|s|samp|script|small|span|strong|style|sub|sup|svg|table|tbody|"
    "td|tfoot|th|thead|title|tr|tt|u|ul|var"
)
_MARKUP = re.compile(
    rf"<\s*/?\s*(?:{_TAGS})(?:\s[^<>\n]*)?/?\s*>|&(?:#\d+|#x[0-9A-Fa-f]+|[A-Za-z]{{2,8}});", re.IGNORECASE
)
ARTICLE_TEXT_FIELDS = ("title", "category", "tags", "similar")
SCRIPT_TEXT_FIELDS = ("title", "stage", "tags", "shortcut", "text")


def is_ignored_name(name: str) -> bool:
    """Hidden files and the litter of sync tools, editors and Office are never content."""
    return name.startswith(".") or _LITTER.search(name) is not None


def content_files(root: Path) -> tuple[list[Path], list[Path], list[Problem]]:
    """The article and library files of a content root, sorted; symlinks leaving the root are refused."""
    problems: list[Problem] = []
    articles = _walk(root, root / "kb", (".md",), problems)
    library = _walk(root, root / "scripts_library", (".yaml", ".yml"), problems)
    return articles, library, problems


def _walk(root: Path, top: Path, suffixes: tuple[str, ...], problems: list[Problem]) -> list[Path]:
    if not top.is_dir():
        return []
    found: list[Path] = []
    for folder, dirs, files in os.walk(top):
        base = Path(folder)
        # Hidden folders (.git, .zhida, sync tools' own) are never content; symlinked folders only inside the root.
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and _safe_link(base / d, root, problems))
        for name in sorted(files):
            if is_ignored_name(name) or os.path.splitext(name)[1].lower() not in suffixes:
                continue
            path = base / name
            if _safe_link(path, root, problems) and path.is_file():
                found.append(path)
    return found


def _safe_link(path: Path, root: Path, problems: list[Problem]) -> bool:
    """Plain entries are fine; a symlink must resolve inside the content root or it is refused."""
    if not path.is_symlink():
        return True
    if is_within(path, root):
        return True
    problems.append(Problem(_rel(path, root), 1, WARNING, "points outside the content root (symlink): skipped"))
    return False


def _rel(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def load_content(root: Path | str, progress: Progress | None = None, limits: Limits = DEFAULT_LIMITS) -> Content:
    """Load and validate every article and script under `root`; never raises for bad content.

    A file over its kind's size limit (`limits.article`, `limits.library`) is reported and skipped."""
    root = Path(root)
    content = Content(root=root)
    if not root.is_dir():
        content.problems.append(Problem(str(root), 1, ERROR, "content folder not found"))
        return content
    article_paths, library_paths, walk_problems = content_files(root)
    content.problems.extend(walk_problems)
    if not article_paths and not library_paths:
        content.problems.append(
            Problem(root.as_posix(), 1, WARNING, "no kb/*.md articles or scripts_library/*.yaml files found")
        )
    total = len(article_paths) + len(library_paths)
    done = 0
    for path in article_paths:
        article = _load_article(path, ProblemCollector(content.problems, _rel(path, root)), limits)
        if article is not None:
            content.articles.append(article)
        done += 1
        if progress:
            progress(done, total)
    for path in library_paths:
        _load_library_file(path, content, ProblemCollector(content.problems, _rel(path, root)), limits)
        done += 1
        if progress:
            progress(done, total)
    cross_check(content)
    return content


def load_files(root: Path | str, rels: Iterable[str], limits: Limits = DEFAULT_LIMITS) -> Content:
    """Parse just these files (relative to `root`) without `cross_check`; paths leaving the root are refused."""
    root = Path(root)
    partial = Content(root=root)
    for rel in rels:
        path = root / rel
        report = ProblemCollector(partial.problems, rel)
        parts = Path(rel).parts
        if Path(rel).is_absolute() or ".." in parts or (path.is_symlink() and not is_within(path, root)):
            report.error(1, "path leads outside the content root: refused")
        elif rel.endswith(".md"):
            article = _load_article(path, report, limits)
            if article is not None:
                partial.articles.append(article)
        elif rel.endswith((".yaml", ".yml")):
            _load_library_file(path, partial, report, limits)
    return partial


def _read(path: Path, report: ProblemCollector, limit: int) -> str | None:
    try:
        decoded = decode_bytes(read_bounded(path, limit))
    except UndecodableError as exc:
        report.error(1, f"{exc}: skipped")
        return None
    except UnsafeFileError as exc:  # too large, a FIFO or a device: never read
        report.error(1, f"{exc.strerror}: skipped")
        return None
    except OSError as exc:
        report.error(1, f"cannot read file ({exc.strerror or exc}): skipped")
        return None
    if decoded.warning:
        report.warning(1, decoded.warning)
    return normalize_newlines(decoded.text)


def split_front_matter(text: str) -> tuple[str, str, int] | None:
    """(front matter, body, line where the body starts) or None when there is no closed `---` block."""
    if not text.startswith("---"):
        return None
    first_nl = text.find("\n")
    if first_nl < 0 or text[:first_nl].strip() != "---":
        return None
    match = re.search(r"^(---|\.\.\.)[ \t]*$", text[first_nl + 1 :], re.MULTILINE)
    if not match:
        return None
    fm = text[first_nl + 1 : first_nl + 1 + match.start()]
    body_start = first_nl + 1 + match.end()
    body_line = text.count("\n", 0, body_start) + 2
    body = text[body_start + 1 :] if text[body_start : body_start + 1] == "\n" else text[body_start:]
    return fm, body, body_line


def _load_article(path: Path, report: ProblemCollector, limits: Limits = DEFAULT_LIMITS) -> Article | None:
    text = _read(path, report, limits.article)
    if text is None:
        return None
    parts = split_front_matter(text)
    if parts is None:
        if text.startswith("---"):
            report.error(1, "front matter is not closed: add a line '---' after the fields")
        else:
            report.error(1, "no front matter: the file must start with '---', then at least id and title, then '---'")
        return None
    fm_text, body, body_line = parts
    try:
        meta = load_yaml(fm_text, 2, max_depth=limits.yaml_depth, max_alias_nodes=limits.yaml_alias_nodes)
    except YamlError as exc:
        report.error(exc.line, str(exc))
        return None
    if meta is None:
        meta = LineDict()
        meta.line, meta.key_lines = 2, {}
    if not isinstance(meta, LineDict):
        report.error(2, "front matter must be key: value pairs (id, title, …)")
        return None
    article_id = _required_str(meta, "id", report)
    title = _required_str(meta, "title", report)
    for key in meta:
        if key not in ARTICLE_FIELDS:
            report.warning(meta.line_of(key), f"unknown field '{key}' (known: {', '.join(sorted(ARTICLE_FIELDS))})")
    _warn_markup(meta, ARTICLE_TEXT_FIELDS, report)
    art_type = _choice(meta, "type", ARTICLE_TYPES, INQUIRY, report)
    status = _choice(meta, "status", STATUSES, PUBLISHED, report)
    sections = split_sections(body)
    if not body.strip():
        report.error(body_line, "article body is empty: write at least a ## 结论 section")
    elif not any(line.strip() and not _HEADING.match(line) for line in body.split("\n")):
        report.error(body_line, "article body has headings but no text under them")
    elif "结论" not in sections:
        report.warning(body_line, "no '## 结论' section: the answer builder will have no conclusion to start with")
    for problem in check_placeholders(body):
        report.error(body_line + problem.line - 1, problem.message)
    _punctuation(title or "", meta.line_of("title"), report)
    _punctuation(body, body_line, report)
    review_by = _date_str(meta, "review_by", report)
    if review_by and review_by < _dt.date.today().isoformat():
        report.warning(meta.line_of("review_by"), f"review_by {review_by} has passed: the article is due for review")
    if article_id is None or title is None:
        return None
    return Article(
        id=article_id,
        title=title,
        path=report.path,
        line=1,
        category=_optional_str(meta, "category", report),
        type=art_type,
        tags=_str_list(meta, "tags", report),
        similar=_str_list(meta, "similar", report),
        channels=_str_list(meta, "channels", report),
        status=status,
        updated=_date_str(meta, "updated", report),
        review_by=review_by,
        related=_str_list(meta, "related", report),
        owner=_optional_str(meta, "owner", report),
        audiences=_str_list(meta, "audiences", report),
        body=body,
        sections=sections,
        field_lines=dict(meta.key_lines),
    )


def split_sections(body: str) -> dict[str, str]:
    """Map each heading's text to the text under it (until the next heading of the same or higher level)."""
    sections: dict[str, str] = {}
    current: str | None = None
    level = 0
    buf: list[str] = []
    in_fence = False
    for line in body.split("\n"):
        if _FENCE.match(line):
            in_fence = not in_fence
        heading = None if in_fence else _HEADING.match(line)
        if heading and (current is None or len(heading.group(1)) <= level):
            if current is not None:
                sections.setdefault(current, "\n".join(buf).strip())
            current, level, buf = heading.group(2).strip(), len(heading.group(1)), []
        elif current is not None:
            buf.append(line)
    if current is not None:
        sections.setdefault(current, "\n".join(buf).strip())
    return sections


def _load_library_file(path: Path, content: Content, report: ProblemCollector, limits: Limits = DEFAULT_LIMITS) -> None:
    text = _read(path, report, limits.library)
    if text is None:
        return
    try:
        data = load_yaml(text, max_depth=limits.yaml_depth, max_alias_nodes=limits.yaml_alias_nodes)
    except YamlError as exc:
        report.error(exc.line, str(exc))
        return
    if data is None:
        report.warning(1, "empty file")
        return
    if isinstance(data, list):
        for index, item in enumerate(data):
            script = _parse_script(item, index, report)
            if script is not None:
                content.scripts.append(script)
        return
    if isinstance(data, LineDict) and isinstance(data.get("kind"), str):
        kind = data["kind"]
        if kind not in LIBRARY_KINDS:
            report.warning(
                data.line_of("kind"), f"unknown library kind '{kind}' (known: {', '.join(LIBRARY_KINDS)}): ignored"
            )
            return
        content.library.append(LibraryFile(report.path, kind, data))
        return
    report.error(
        1,
        "a scripts_library file must be a list of scripts (- id: …) or a mapping with 'kind:' "
        f"({', '.join(LIBRARY_KINDS)})",
    )


def _parse_script(item: Any, index: int, report: ProblemCollector) -> Script | None:
    if not isinstance(item, LineDict):
        report.error(1, f"item {index + 1} is not a script (expected id:, title:, text:)")
        return None
    script_id = _required_str(item, "id", report)
    title = _required_str(item, "title", report)
    text = _required_str(item, "text", report)
    for key in item:
        if key not in SCRIPT_FIELDS:
            report.warning(item.line_of(key), f"unknown field '{key}' (known: {', '.join(sorted(SCRIPT_FIELDS))})")
    _warn_markup(item, SCRIPT_TEXT_FIELDS, report)
    script_type = _choice(item, "type", SCRIPT_TYPES, GENERAL_TYPE, report)
    variants = _variants(item, report)
    if text is not None:
        _punctuation(text, item.line_of("text"), report)
        for problem in check_placeholders(text):
            report.error(item.line_of("text") + problem.line - 1, problem.message)
    for lang, variant in variants.items():
        for problem in check_placeholders(variant):
            report.error(item.line_of("variants"), f"variant '{lang}': {problem.message}")
    if script_id is None or title is None or text is None:
        return None
    return Script(
        id=script_id,
        title=title,
        text=text,
        path=report.path,
        line=item.line,
        type=script_type,
        stage=_optional_str(item, "stage", report),
        tags=_str_list(item, "tags", report),
        channels=_str_list(item, "channels", report),
        shortcut=_optional_str(item, "shortcut", report),
        variants=variants,
    )


_PUNCTUATION_REPORTED = 20  # a file written in half-width throughout gets a few warnings, not thousands


def _punctuation(text: str, first_line: int, report: ProblemCollector) -> None:
    """One warning per line with half-width punctuation in Chinese text (，not ,)."""
    lines: dict[int, list[str]] = {}
    for line, ch in half_width_punctuation(text, limit=_PUNCTUATION_REPORTED):
        lines.setdefault(line, []).append(ch)
    for line, chars in lines.items():
        wide = " ".join(f"'{c}'→'{chr(ord(c) + 0xFEE0)}'" for c in dict.fromkeys(chars))
        report.warning(first_line + line - 1, f"half-width punctuation in Chinese text ({wide}) / 中文里请用全角标点")


def _warn_markup(meta: LineDict, keys: Iterable[str], report: ProblemCollector) -> None:
    for key in keys:
        value = meta.get(key)
        for text in value if isinstance(value, list) else [value]:
            match = _MARKUP.search(text) if isinstance(text, str) else None
            if match:
                report.warning(
                    meta.line_of(key),
                    f"'{key}' contains markup {match.group(0)[:40]!r}: fields are shown as plain text "
                    "/ 字段里有 HTML 标记,界面会原样显示,请删除",
                )
                break


def _required_str(meta: LineDict, key: str, report: ProblemCollector) -> str | None:
    value = meta.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        report.error(meta.line, f"missing required field '{key}'")
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        report.error(meta.line_of(key), f"'{key}' must be text, not {_kind(value)}")
        return None
    value = value.strip()
    if key == "id" and not _ID_OK.match(value):
        report.error(meta.line_of(key), f"id '{value}' must be one word without spaces or slashes")
        return None
    return value


def _optional_str(meta: LineDict, key: str, report: ProblemCollector) -> str:
    value = meta.get(key)
    if value is None:
        return ""
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return str(value).strip()
    report.error(meta.line_of(key), f"'{key}' must be text, not {_kind(value)}")
    return ""


def _choice(meta: LineDict, key: str, allowed: Iterable[str], default: str, report: ProblemCollector) -> str:
    value = meta.get(key)
    if value is None:
        return default
    allowed = tuple(allowed)
    if value not in allowed:
        report.error(meta.line_of(key), f"unknown {key} '{value}': use one of {' / '.join(allowed)}")
        return default
    return value


def _str_list(meta: LineDict, key: str, report: ProblemCollector) -> list[str]:
    value = meta.get(key)
    if value is None:
        return []
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        report.warning(meta.line_of(key), f"'{key}' should be a list like [a, b]; read as one item")
        return [str(value).strip()] if str(value).strip() else []
    if not isinstance(value, list):
        report.error(meta.line_of(key), f"'{key}' must be a list, not {_kind(value)}")
        return []
    items: list[str] = []
    for item in value:
        if isinstance(item, (str, int, float)) and not isinstance(item, bool) and str(item).strip():
            items.append(str(item).strip())
        else:
            report.error(meta.line_of(key), f"'{key}' has an item that is not text: {item!r}"[:160])
    return items


def _date_str(meta: LineDict, key: str, report: ProblemCollector) -> str | None:
    value = meta.get(key)
    if value is None:
        return None
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, str):
        try:
            return _dt.date.fromisoformat(value.strip()).isoformat()
        except ValueError:
            pass
    report.error(meta.line_of(key), f"'{key}' must be a date like 2026-11-01, not {value!r}"[:160])
    return None


def _variants(item: LineDict, report: ProblemCollector) -> dict[str, str]:
    value = item.get("variants")
    if value is None:
        return {}
    if not isinstance(value, dict):
        report.error(item.line_of("variants"), "'variants' must be a mapping like {en: \"…\"}")
        return {}
    variants: dict[str, str] = {}
    for lang, text in value.items():
        if isinstance(lang, str) and isinstance(text, str) and text.strip():
            variants[lang] = text.strip()
        else:
            report.error(item.line_of("variants"), f"variant {lang!r} must be non-empty text")
    return variants


def _kind(value: Any) -> str:
    return {list: "a list", dict: "a mapping", LineDict: "a mapping", bool: "true/false"}.get(
        type(value), type(value).__name__
    )


def cross_check(content: Content) -> None:
    """Add the checks across files to `content.problems`: duplicate ids, and `related` ids no article has."""
    seen: dict[str, tuple[str, int]] = {}
    items: list[Article | Script] = [*content.articles, *content.scripts]
    for item in items:
        if item.id in seen:
            other_path, other_line = seen[item.id]
            content.problems.append(
                Problem(item.path, item.line, ERROR, f"duplicate id '{item.id}' (also in {other_path}:{other_line})")
            )
        else:
            seen[item.id] = (item.path, item.line)
    article_ids = {a.id for a in content.articles}
    for article in content.articles:
        for rel in article.related:
            if rel not in article_ids:
                content.problems.append(
                    Problem(
                        article.path, article.field_lines.get("related", 1), ERROR, f"related id '{rel}' does not exist"
                    )
                )
