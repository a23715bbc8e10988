"""`zhida import FILE --into DIR`: FAQ migration from .csv / .jsonl."""

from __future__ import annotations

import argparse
import sys

from app.commands.common import CommandError
from app.core.content.importer import ImportFileError, import_faq


def register(sub: argparse._SubParsersAction) -> None:
    """Add the `import` subcommand."""
    parser = sub.add_parser("import", help="import FAQs from .csv (UTF-8 or GBK) or .jsonl as articles")
    parser.add_argument("file", metavar="FILE", help=".csv or .jsonl with id, question, similar, answer, category")
    parser.add_argument("--into", metavar="DIR", required=True, help="content root to write kb/<category>/<id>.md into")
    parser.add_argument("--force", action="store_true", help="overwrite articles that already exist")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Import, report each row not imported with its number, exit 1 if any row failed."""
    try:
        report = import_faq(args.file, args.into, force=args.force)
    except ImportFileError as exc:
        raise CommandError(str(exc)) from None
    if report.encoding_warning:
        print(f"{args.file}: warning: {report.encoding_warning}", file=sys.stderr)
    for p in report.problems:
        print(f"{args.file}:row {p.row}: {p.level}: {p.message}", file=sys.stderr)
    failed = len(report.failed_rows)
    print(
        f"imported {len(report.written)} articles into {args.into}/kb"
        + (f"; {failed} rows not imported" if failed else "")
    )
    return 1 if failed else 0
