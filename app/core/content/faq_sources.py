"""Rows of an FAQ export: .csv (UTF-8 or GBK), .jsonl, or an Excel workbook (.xlsx, read with openpyxl).

Every reader gives (row number as the user sees it, record with normalized column names) and the rows
it could not read; a file that cannot be read at all raises ImportFileError with one line naming it.
"""

from __future__ import annotations

import csv
import datetime as _dt
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.core.fileio.bounded import ParseError, load_json
from app.core.fileio.textio import UndecodableError, normalize_newlines, read_text

# Column names as exported by English and Chinese FAQ tools.
COLUMN_ALIASES = {
    "id": "id",
    "编号": "id",
    "序号": "id",
    "question": "question",
    "title": "question",
    "问题": "question",
    "标准问": "question",
    "标准问题": "question",
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
SUPPORTED = (".csv", ".jsonl", ".xlsx", ".xlsm")
MAX_JSON_DEPTH = 20  # an FAQ row is flat: a deeply nested line is refused before json parses it


class ImportFileError(ValueError):
    """The source file as a whole cannot be imported (missing, wrong type, undecodable, no question column)."""


@dataclass(frozen=True)
class RowProblem:
    """A row that was skipped (error) or imported with a caveat (warning); rows count from 1 with the header."""

    row: int
    level: str
    message: str


Rows = list[tuple[int, dict[str, Any]]]


def column(name: object) -> str:
    """The normalized name of a header cell ('' for a column Zhida does not use)."""
    return COLUMN_ALIASES.get(str(name or "").strip().lower().lstrip("\ufeff"), "")


def read_rows(source: Path, sheet: str | None = None) -> tuple[Rows, str | None, list[RowProblem]]:
    """(rows, encoding warning, unreadable rows) of a .csv, .jsonl or .xlsx file."""
    suffix = source.suffix.lower()
    if suffix not in SUPPORTED:
        raise ImportFileError(
            f"{source}: 不支持的文件类型 (unsupported file type) '{suffix or '(无)'}':请用 .xlsx、.csv 或 .jsonl"
        )
    if not source.is_file():
        raise ImportFileError(f"{source}: 文件不存在 (file not found)")
    if suffix in (".xlsx", ".xlsm"):
        rows, problems = _xlsx_rows(source, sheet)
        return rows, None, problems
    try:
        decoded = read_text(source)
    except OSError as exc:
        raise ImportFileError(f"{source}: 无法读取 (cannot read: {exc.strerror or exc})") from None
    except UndecodableError as exc:
        raise ImportFileError(f"{source}: {exc}") from None
    text = normalize_newlines(decoded.text)
    rows, problems = _csv_rows(source, text) if suffix == ".csv" else _jsonl_rows(text)
    return rows, decoded.warning, problems


def _header(source: Path, cells: list[object]) -> list[str]:
    columns = [column(h) for h in cells]
    if "question" not in columns:
        found = ", ".join(str(h) for h in cells if h not in (None, "")) or "(空)"
        raise ImportFileError(f"{source}:1: 没有“问题”列 (no 'question' column);表头是:{found}")
    return columns


def _csv_rows(source: Path, text: str) -> tuple[Rows, list[RowProblem]]:
    reader = csv.reader(io.StringIO(text))
    try:
        header = next(reader)
    except StopIteration:
        raise ImportFileError(f"{source}: 文件是空的 (empty file)") from None
    except csv.Error as exc:
        raise ImportFileError(f"{source}:1: 无法读取表头 (cannot read the header: {exc})") from None
    columns = _header(source, list(header))
    rows: Rows = []
    problems: list[RowProblem] = []
    number = 1  # rows are numbered as a spreadsheet shows them: the header is row 1
    while True:
        number += 1
        try:
            values = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            problems.append(RowProblem(number, "error", f"无法解析这一行 CSV (cannot parse CSV: {exc})"))
            continue
        if any(v.strip() for v in values):
            rows.append((number, {col: val for col, val in zip(columns, values) if col}))
    return rows, problems


def _jsonl_rows(text: str) -> tuple[Rows, list[RowProblem]]:
    rows: Rows = []
    problems: list[RowProblem] = []
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            record = load_json(line, max_depth=MAX_JSON_DEPTH)
        except ParseError as exc:  # also a line nested too deeply to be a FAQ row
            problems.append(RowProblem(number, "error", f"不是有效的 JSON (invalid JSON: {exc})"))
            continue
        if not isinstance(record, dict):
            problems.append(RowProblem(number, "error", "每行必须是一个 JSON 对象 (a line must be a JSON object)"))
            continue
        rows.append((number, {column(k): v for k, v in record.items() if column(k)}))
    return rows, problems


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, _dt.datetime):
        return value.date().isoformat() if value.time() == _dt.time() else value.isoformat(sep=" ")
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # Excel stores 1001 as 1001.0
    return str(value)


def _xlsx_rows(source: Path, sheet: str | None) -> tuple[Rows, list[RowProblem]]:
    import openpyxl  # only an Excel import pays for loading it

    try:
        book = openpyxl.load_workbook(source, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise ImportFileError(f"{source}: 不是可读的 Excel 文件 (not a readable .xlsx: {exc})") from None
    try:
        if sheet is not None and sheet not in book.sheetnames:
            raise ImportFileError(f"{source}: 没有名为“{sheet}”的工作表;有:{'、'.join(book.sheetnames)}")
        ws = book[sheet] if sheet is not None else book.worksheets[0]
        cells = ws.iter_rows(values_only=True)
        header = next(cells, None)
        if header is None:
            raise ImportFileError(f"{source}: 工作表“{ws.title}”是空的 (empty sheet)")
        columns = _header(source, list(header))
        rows: Rows = []
        for number, values in enumerate(cells, start=2):  # Excel's own row numbers
            texts = [_cell_text(v) for v in values]
            if any(t.strip() for t in texts):
                rows.append((number, {col: val for col, val in zip(columns, texts) if col}))
        return rows, []
    finally:
        book.close()
