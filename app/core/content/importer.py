"""FAQ migration: CSV (UTF-8 or GBK) and JSONL exports become valid articles under a content root."""

from __future__ import annotations

import csv
import datetime as _dt
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from app.core.content.placeholders import check_placeholders
from app.core.fileio.atomic import write_text_atomic
from app.core.fileio.bounded import ParseError, load_json
from app.core.fileio.textio import UndecodableError, normalize_newlines, read_text
from app.core.paths import is_within
from app.core.vocab import INQUIRY, PUBLISHED

# Column names as exported by English and Chinese FAQ tools.
COLUMN_ALIASES = {
    "id": "id",
    "编号": "id",
    "序号": "id",
    "question": "question",
    "title": "question",
    "问题": "question",
    "标准问": "question",
    "标题": "question",
    "similar": "similar",
    "相似问法": "similar",
    "相似问题": "similar",
    "扩展问": "similar",
    "answer": "answer",
    "答案": "answer",
    "回答": "answer",
    "标准答案": "answer",
    "category": "category",
    "分类": "category",
    "类别": "category",
}
_UNSAFE_NAME = re.compile(r"[^\w.\-]+")
_SIMILAR_SPLIT = re.compile(r"[|｜\n]")


class ImportFileError(ValueError):
    """The source file as a whole cannot be imported (missing, wrong type, undecodable, no question column)."""


@dataclass(frozen=True)
class RowProblem:
    """A row that was skipped (error) or imported with a caveat (warning); rows count from 1 with the header."""

    row: int
    level: str
    message: str


@dataclass
class ImportReport:
    """What an import wrote and what it could not."""

    source: Path
    written: list[Path] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    encoding_warning: str | None = None

    @property
    def failed_rows(self) -> list[RowProblem]:
        """Rows not imported."""
        return [p for p in self.problems if p.level == "error"]


def read_rows(source: Path) -> tuple[list[tuple[int, dict]], str | None, list[RowProblem]]:
    """(row number, normalized record) pairs from a .csv or .jsonl file, the encoding warning, and bad rows."""
    suffix = source.suffix.lower()
    if suffix not in (".csv", ".jsonl"):
        raise ImportFileError(
            f"{source}: unsupported file type '{suffix or '(none)'}': use .csv or .jsonl "
            "(save an Excel sheet as CSV UTF-8)"
        )
    try:
        decoded = read_text(source)
    except FileNotFoundError:
        raise ImportFileError(f"{source}: file not found") from None
    except OSError as exc:
        raise ImportFileError(f"{source}: cannot read ({exc.strerror or exc})") from None
    except UndecodableError as exc:
        raise ImportFileError(f"{source}: {exc}") from None
    text = normalize_newlines(decoded.text)
    if suffix == ".csv":
        rows, problems = _csv_rows(source, text)
    else:
        rows, problems = _jsonl_rows(text)
    return rows, decoded.warning, problems


def _csv_rows(source: Path, text: str) -> tuple[list[tuple[int, dict]], list[RowProblem]]:
    reader = csv.reader(io.StringIO(text))
    try:
        header = next(reader)
    except StopIteration:
        raise ImportFileError(f"{source}: empty file") from None
    except csv.Error as exc:
        raise ImportFileError(f"{source}:1: cannot read the header ({exc})") from None
    columns = [COLUMN_ALIASES.get(h.strip().lower().lstrip("\ufeff"), "") for h in header]
    if "question" not in columns:
        raise ImportFileError(f"{source}:1: no 'question' column (found: {', '.join(header)})")
    rows: list[tuple[int, dict]] = []
    problems: list[RowProblem] = []
    number = 1  # rows are numbered as a spreadsheet shows them: the header is row 1
    while True:
        number += 1
        try:
            values = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            problems.append(RowProblem(number, "error", f"cannot parse CSV ({exc})"))
            continue
        if not any(v.strip() for v in values):
            continue
        record = {col: val for col, val in zip(columns, values) if col}
        rows.append((number, record))
    return rows, problems


def _jsonl_rows(text: str) -> tuple[list[tuple[int, dict]], list[RowProblem]]:
    rows: list[tuple[int, dict]] = []
    problems: list[RowProblem] = []
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            record = load_json(line)
        except ParseError as exc:  # also JSON nested too deeply to be a FAQ row
            problems.append(RowProblem(number, "error", f"invalid JSON ({exc})"))
            continue
        if not isinstance(record, dict):
            problems.append(RowProblem(number, "error", "a line must be a JSON object"))
            continue
        rows.append((number, {COLUMN_ALIASES.get(str(k).strip().lower(), ""): v for k, v in record.items()}))
    return rows, problems


def safe_name(value: str) -> str:
    """A file-system-safe single path component (no separators, no leading dots)."""
    return _UNSAFE_NAME.sub("-", value.strip()).strip("-.")[:80]


def article_text(article_id: str, question: str, similar: list[str], answer: str, category: str) -> str:
    """The Markdown file for one imported FAQ: front matter, then the answer under ## 结论."""
    meta: dict[str, object] = {"id": article_id, "title": question}
    if category:
        meta["category"] = category
    meta["type"] = INQUIRY
    if similar:
        meta["similar"] = similar
    meta["status"] = PUBLISHED
    meta["updated"] = _dt.date.today().isoformat()
    front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, default_flow_style=None, width=1000)
    return f"---\n{front}---\n## 结论\n{answer.strip()}\n"


def _similar(value: object) -> list[str]:
    if value is None:
        return []
    items = value if isinstance(value, list) else _SIMILAR_SPLIT.split(str(value))
    return [str(item).strip() for item in items if str(item).strip()]


def import_faq(source: Path | str, into: Path | str, force: bool = False) -> ImportReport:
    """Write one article per FAQ row under `into`/kb/<category>/<id>.md; raise ImportFileError for a bad file."""
    source, into = Path(source), Path(into)
    rows, encoding_warning, problems = read_rows(source)
    report = ImportReport(source=source, problems=list(problems), encoding_warning=encoding_warning)
    kb = into / "kb"
    seen_ids: dict[str, int] = {}
    for number, record in rows:
        question = str(record.get("question") or "").strip()
        if not question:
            report.problems.append(RowProblem(number, "error", "no question: row skipped"))
            continue
        raw_id = str(record.get("id") or "").strip() or f"{safe_name(source.stem) or 'faq'}-{number}"
        article_id = safe_name(raw_id)
        if not article_id:
            report.problems.append(RowProblem(number, "error", f"id {raw_id!r} has no usable characters: row skipped"))
            continue
        if article_id != raw_id:
            report.problems.append(RowProblem(number, "warning", f"id {raw_id!r} saved as '{article_id}'"))
        if article_id in seen_ids:
            report.problems.append(
                RowProblem(
                    number, "error", f"duplicate id '{article_id}' (first on row {seen_ids[article_id]}): row skipped"
                )
            )
            continue
        seen_ids[article_id] = number
        category = str(record.get("category") or "").strip()
        folder = safe_name(category) or "imported"
        target = kb / folder / f"{article_id}.md"
        if not is_within(target, into):
            report.problems.append(RowProblem(number, "error", f"{target} leads outside {into} (symlink): row skipped"))
            continue
        if target.exists() and not force:
            report.problems.append(
                RowProblem(number, "error", f"{target} already exists: not overwritten (use --force to replace it)")
            )
            continue
        answer = str(record.get("answer") or "")
        if not answer.strip():
            report.problems.append(RowProblem(number, "warning", "empty answer: the article's 结论 needs writing"))
        for problem in check_placeholders(answer):
            report.problems.append(RowProblem(number, "warning", f"answer: {problem.message}"))
        text = article_text(article_id, question, _similar(record.get("similar")), answer, category)
        try:
            write_text_atomic(target, text)
        except OSError as exc:
            report.problems.append(RowProblem(number, "error", f"cannot write {target} ({exc.strerror or exc})"))
            continue
        report.written.append(target)
    return report
