"""`zhida bench search|check`: benchmarks (not timed tests) that print the numbers issues ask for."""

from __future__ import annotations

import argparse
import importlib

from app.commands.common import CommandError, add_content_option, print_json


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} 不是整数 (not a whole number)") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value}: 至少为 1 (must be at least 1)")
    return value


def register(sub: argparse._SubParsersAction) -> None:
    """Add the `bench` subcommand."""
    parser = sub.add_parser("bench", help="measure search, checker or sync speed")
    parser.add_argument(
        "target", choices=["search", "check", "sync", "insights", "learning", "workbench"], help="what to measure"
    )
    parser.add_argument("--docs", type=_positive, default=None, help="number of documents (search, sync; at least 1)")
    parser.add_argument("--rules", type=_positive, default=None, help="number of rules (check; at least 1)")
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    add_content_option(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run `app.core.bench_<target>.run_bench` and print its result."""
    for name in ("docs", "rules"):
        value = getattr(args, name)
        if value is not None and value < 1:
            raise CommandError(f"--{name} must be at least 1 (got {value})")
    module = importlib.import_module(f"app.bench.{args.target}")
    result = module.run_bench(docs=args.docs, rules=args.rules, content=getattr(args, "content", None))
    if args.json:
        print_json(result)
    else:
        for key, value in result.items():
            print(f"{key}: {value}")
    return 0
