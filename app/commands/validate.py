"""`zhida validate`: check every article and script; exit 1 on any error."""

from __future__ import annotations

import argparse
import sys

from app.commands.common import add_content_option, content_root, display_path, print_json
from app.core.validation import validate_root


def register(sub: argparse._SubParsersAction) -> None:
    """Add the `validate` subcommand."""
    parser = sub.add_parser("validate", help="check all content; exit 1 on any error")
    add_content_option(parser)
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    parser.add_argument(
        "--quality",
        action="store_true",
        help="also the workbench's gates: near-duplicate questions, 相似问法 collisions, checker findings in articles",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Print one line per problem (or JSON) and return 1 when any problem is an error."""
    root = content_root(args)
    content = validate_root(root)
    if args.quality:
        from app.core.authoring.quality import quality_problems
        from app.core.checker.match import Checker

        content.problems.extend(quality_problems(content, Checker.from_content(content)))
    if args.json:
        print_json(
            {
                "articles": len(content.articles),
                "scripts": len(content.scripts),
                "problems": [
                    {"path": p.path, "line": p.line, "level": p.level, "message": p.message} for p in content.problems
                ],
            }
        )
    else:
        for p in content.problems:
            print(f"{display_path(root, p.path)}:{p.line}: {p.level}: {p.message}")
        print(
            f"{len(content.articles)} articles, {len(content.scripts)} scripts: "
            f"{len(content.errors)} errors, {len(content.warnings)} warnings",
            file=sys.stderr,
        )
    return 1 if content.errors else 0
