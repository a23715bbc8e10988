"""`zhida import FILE --into DIR [--dry-run]`: FAQ migration from .xlsx, .csv or .jsonl."""

from __future__ import annotations

import argparse
import os
import sys

from app.commands.common import CommandError
from app.core.content.importer import NEW, UNCHANGED, UPDATE, ImportFileError, import_faq

ACTION_LABELS = {NEW: "新建", UPDATE: "覆盖", UNCHANGED: "不变"}


def register(sub: argparse._SubParsersAction) -> None:
    """Add the `import` subcommand."""
    parser = sub.add_parser(
        "import", help="导入 FAQ:Excel (.xlsx)、CSV (UTF-8 或 GBK) 或 JSONL,每行一篇文章 (import FAQs as articles)"
    )
    parser.add_argument("file", metavar="FILE", help=".xlsx / .csv / .jsonl,列:问题 相似问法 答案 分类 (编号可选)")
    parser.add_argument("--into", metavar="DIR", required=True, help="写入哪个知识库文件夹 (kb/<分类>/<编号>.md)")
    parser.add_argument("--sheet", metavar="NAME", help="Excel 工作表名 (默认第一个)")
    parser.add_argument("--dry-run", action="store_true", help="只显示将写入什么,不写任何文件")
    parser.add_argument("--force", action="store_true", help="覆盖内容不同的已有文章 (overwrite edited articles)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Import (or plan), report each row not imported with its number, exit 1 if any row failed."""
    try:
        report = import_faq(args.file, args.into, force=args.force, dry_run=args.dry_run, sheet=args.sheet)
    except ImportFileError as exc:
        raise CommandError(str(exc)) from None
    if report.encoding_warning:
        print(f"{args.file}: 提示 (warning): {report.encoding_warning}", file=sys.stderr)
    for p in report.problems:
        level = "错误 (error)" if p.level == "error" else "提示 (warning)"
        print(f"{args.file}:第 {p.row} 行: {level}: {p.message}", file=sys.stderr)
    if args.dry_run:
        for planned in report.planned:
            where = os.path.relpath(planned.path, args.into)
            print(f"{ACTION_LABELS[planned.action]}  {where}  「{planned.title}」")
    failed = len(report.failed_rows)
    verb = "将写入" if args.dry_run else "已写入"
    print(
        f"{verb} {report.count(NEW) + report.count(UPDATE)} 篇文章到 {args.into}/kb"
        f"(新建 {report.count(NEW)},覆盖 {report.count(UPDATE)},不变 {report.count(UNCHANGED)})"
        + (f";{failed} 行未导入" if failed else "")
        + (" · 试运行,没有写任何文件 (dry run)" if args.dry_run else "")
    )
    return 1 if failed else 0
