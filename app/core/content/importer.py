"""FAQ migration: rows of an Excel, CSV or JSONL export become articles a knowledge manager would keep.

- Front matter in block style, one field a line, as an author writes it.
- Ids that stay the same across re-imports: the export's own id column if it has one, else the
  question as a pinyin slug (退款多久到账? → tui-kuan-duo-jiu-dao-zhang), made unique with -2, -3 …
  against earlier rows and against articles already in the target that ask something else.
- Category names folded (繁→简, full-width→half-width) and matched to a category already used, so
  退換貨 lands beside 退换货.
- A re-import rewrites nothing that is unchanged and overwrites an edited article only with `force`;
  `dry_run` says what would be written and writes nothing.
"""

from __future__ import annotations

import datetime as _dt
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from app.core.content.faq_sources import ImportFileError, RowProblem, read_rows
from app.core.content.loader import load_content
from app.core.content.placeholders import check_placeholders
from app.core.fileio.atomic import write_text_atomic
from app.core.paths import is_within
from app.core.text.chars import CJK_RUN
from app.core.text.fold import fold, to_simplified
from app.core.text.pinyin import char_pinyin
from app.core.text.squeeze import squeeze
from app.core.vocab import INQUIRY, PUBLISHED

__all__ = ["ImportFileError", "ImportReport", "PlannedArticle", "RowProblem", "import_faq", "slug"]

_UNSAFE_NAME = re.compile(r"[^\w.\-]+")
_SIMILAR_SPLIT = re.compile(r"[|｜\n]")
_UPDATED_LINE = re.compile(r"^updated:.*$", re.MULTILINE)
SLUG_CHARS = 60
NEW, UPDATE, UNCHANGED = "new", "update", "unchanged"


@dataclass(frozen=True)
class PlannedArticle:
    """One article the import writes (or, in a dry run, would write)."""

    row: int
    path: Path
    id: str
    title: str
    category: str
    action: str  # NEW, UPDATE (an existing article replaced) or UNCHANGED (nothing to write)


@dataclass
class ImportReport:
    """What an import wrote (or would write) and what it could not."""

    source: Path
    planned: list[PlannedArticle] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    encoding_warning: str | None = None
    dry_run: bool = False

    @property
    def failed_rows(self) -> list[RowProblem]:
        """Rows not imported."""
        return [p for p in self.problems if p.level == "error"]

    def count(self, action: str) -> int:
        """How many planned articles have this action."""
        return sum(1 for p in self.planned if p.action == action)


def safe_name(value: str) -> str:
    """A file-system-safe single path component (no separators, no leading dots)."""
    return _UNSAFE_NAME.sub("-", value.strip()).strip("-.")[:80]


def slug(question: str) -> str:
    """A stable id from a question: pinyin of its Chinese, its letters and digits, joined by '-'."""
    parts: list[str] = []
    text = fold(question)
    position = 0
    for run in CJK_RUN.finditer(text):
        parts.extend(re.findall(r"[a-z0-9]+", text[position : run.start()]))
        parts.extend(char_pinyin(run.group(0)))
        position = run.end()
    parts.extend(re.findall(r"[a-z0-9]+", text[position:]))
    out = ""
    for part in parts:
        if len(out) + len(part) + 1 > SLUG_CHARS:
            break
        out = f"{out}-{part}" if out else part
    return out


def category_name(value: str) -> str:
    """A category as it should be spelled: simplified, half-width, single spaces."""
    return " ".join(unicodedata.normalize("NFKC", to_simplified(value)).split())


def article_text(article_id: str, question: str, similar: list[str], answer: str, category: str) -> str:
    """The Markdown file for one imported FAQ: block-style front matter, then the answer under ## 结论."""
    meta: dict[str, object] = {"id": article_id, "title": question}
    if category:
        meta["category"] = category
    meta["type"] = INQUIRY
    if similar:
        meta["similar"] = similar
    meta["status"] = PUBLISHED
    meta["updated"] = _dt.date.today().isoformat()
    front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, default_flow_style=False, width=1000)
    return f"---\n{front}---\n## 结论\n{answer.strip()}\n"


def _similar(value: object) -> list[str]:
    if value is None:
        return []
    items = value if isinstance(value, list) else _SIMILAR_SPLIT.split(str(value))
    return [str(item).strip() for item in items if str(item).strip()]


def _same_text(a: str, b: str) -> bool:
    """Equal but for the `updated:` date the import stamps."""
    return _UPDATED_LINE.sub("", a) == _UPDATED_LINE.sub("", b)


class _Target:
    """What the target content root already holds: articles by id, categories by folded spelling."""

    def __init__(self, into: Path):
        self.into = into
        self.articles: dict[str, tuple[str, Path]] = {}  # id → (title, file)
        self.categories: dict[str, str] = {}  # fold(category) → the spelling in use
        if (into / "kb").is_dir():
            existing = load_content(into)
            for article in existing.articles:
                self.articles.setdefault(article.id, (article.title, into / article.path))
                if article.category:
                    self.categories.setdefault(fold(category_name(article.category)), category_name(article.category))
        self.taken: dict[str, int] = {}  # ids given to earlier rows of this import → row

    def category(self, raw: str) -> str:
        name = category_name(raw)
        return self.categories.setdefault(fold(name), name) if name else ""

    def unique_id(self, base: str, question: str) -> str:
        """`base`, or base-2, base-3 … : free in this import and not an existing article asking something else
        (the same question, but for punctuation, width or 繁/简, is the same article)."""
        candidate, n = base, 1
        while candidate in self.taken or (
            candidate in self.articles and squeeze(self.articles[candidate][0]) != squeeze(question)
        ):
            n += 1
            candidate = f"{base}-{n}"
        return candidate


def import_faq(
    source: Path | str,
    into: Path | str,
    force: bool = False,
    dry_run: bool = False,
    sheet: str | None = None,
) -> ImportReport:
    """Write one article per FAQ row under `into`/kb/<category>/<id>.md; raise ImportFileError for a bad file."""
    source, into = Path(source), Path(into)
    rows, encoding_warning, problems = read_rows(source, sheet)
    report = ImportReport(source=source, problems=list(problems), encoding_warning=encoding_warning, dry_run=dry_run)
    target = _Target(into)
    for number, record in rows:
        planned = _plan_row(number, record, target, force, report)
        if planned is None:
            continue
        report.planned.append(planned)
        if dry_run or planned.action == UNCHANGED:
            continue
        try:
            write_text_atomic(planned.path, planned_text(planned, record))
        except OSError as exc:
            report.problems.append(RowProblem(number, "error", f"无法写入 {planned.path} ({exc.strerror or exc})"))
            continue
        report.written.append(planned.path)
    return report


def planned_text(planned: PlannedArticle, record: dict[str, Any]) -> str:
    """The file text of a planned article."""
    return article_text(
        planned.id, planned.title, _similar(record.get("similar")), str(record.get("answer") or ""), planned.category
    )


def _plan_row(
    number: int, record: dict[str, Any], target: _Target, force: bool, report: ImportReport
) -> PlannedArticle | None:
    def problem(level: str, message: str) -> None:
        report.problems.append(RowProblem(number, level, message))

    question = " ".join(str(record.get("question") or "").split())
    if not question:
        problem("error", "没有问题 (no question):这一行跳过")
        return None
    raw_id = str(record.get("id") or "").strip()
    base = safe_name(raw_id) if raw_id else slug(question)
    if not base:
        problem("error", f"无法从 {raw_id or question!r} 生成编号 (no usable id):这一行跳过")
        return None
    if raw_id and base != raw_id:
        problem("warning", f"编号 {raw_id!r} 存为 '{base}' (id made file-safe)")
    article_id = target.unique_id(base, question) if not raw_id else base
    if raw_id and article_id in target.taken:
        problem("error", f"编号 '{article_id}' 重复(第 {target.taken[article_id]} 行已用)(duplicate id):这一行跳过")
        return None
    if article_id != base:
        problem("warning", f"编号 '{base}' 已被另一个问题使用,这一条存为 '{article_id}'")
    category = target.category(str(record.get("category") or ""))
    existing = target.articles.get(article_id)
    path = existing[1] if existing else into_kb(target.into, category, article_id)
    if not is_within(path, target.into):
        problem("error", f"{path} 指向 {target.into} 之外 (symlink):这一行跳过")
        return None
    target.taken[article_id] = number
    answer = str(record.get("answer") or "")
    if not answer.strip():
        problem("warning", "答案是空的 (empty answer):文章的「结论」需要补写")
    for p in check_placeholders(answer):
        problem("warning", f"答案 (answer): {p.message}")
    planned = PlannedArticle(number, path, article_id, question, category, NEW)
    if path.exists():
        try:
            current = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            current = ""
        if _same_text(current, planned_text(planned, record)):
            return PlannedArticle(number, path, article_id, question, category, UNCHANGED)
        if not force:
            problem("error", f"{path} 已存在且内容不同,未覆盖 (exists; use --force to replace it)")
            target.taken.pop(article_id, None)
            return None
        return PlannedArticle(number, path, article_id, question, category, UPDATE)
    return planned


def into_kb(into: Path, category: str, article_id: str) -> Path:
    """Where a new article goes: kb/<category folder>/<id>.md."""
    return into / "kb" / (safe_name(category) or "imported") / f"{article_id}.md"
