"""`zhida index [--rebuild]`: bring the search index up to date (progress on stderr)."""

from __future__ import annotations

import argparse
import sys
import time

from app.commands.common import CommandError, add_content_option, content_root, print_json


def register(sub: argparse._SubParsersAction) -> None:
    """Add the `index` subcommand."""
    parser = sub.add_parser("index", help="bring the search index up to date")
    parser.add_argument("--rebuild", action="store_true", help="rebuild from scratch instead of updating")
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    add_content_option(parser)
    parser.set_defaults(func=run)


def _progress(done: int, total: int) -> None:
    print(f"\rindexing 索引中 {done}/{total}", end="" if done < total else "\n", file=sys.stderr, flush=True)


def run(args: argparse.Namespace) -> int:
    """Update (or rebuild) the index and say what was touched."""
    from app.core.search.index import SearchIndex
    from app.core.search.store import IndexBusyError

    root = content_root(args)
    index = SearchIndex(root)
    started = time.perf_counter()
    try:
        report = index.update(progress=_progress, rebuild=args.rebuild)
    except IndexBusyError as exc:
        raise CommandError(str(exc)) from exc
    for message in index.messages:
        print(message, file=sys.stderr)
    seconds = round(time.perf_counter() - started, 2)
    if args.json:
        print_json(
            {
                "documents": report.documents,
                "added": report.added,
                "changed": report.changed,
                "deleted": report.deleted,
                "rebuilt": report.rebuilt,
                "problems": len(report.problems),
                "seconds": seconds,
                "index": str(index.dir),
            }
        )
    else:
        what = "rebuilt 已重建" if report.rebuilt else "updated 已更新"
        print(
            f"index {what}: {report.documents} documents; {report.added} added, {report.changed} changed, "
            f"{report.deleted} deleted files in {seconds} s",
            file=sys.stderr,
        )
    if report.problems:
        print(f"{len(report.problems)} content problems skipped; run `zhida validate` for details", file=sys.stderr)
    return 0
