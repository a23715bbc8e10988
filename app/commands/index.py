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
    parser.add_argument("--no-semantic", action="store_true", help="skip computing embeddings")
    add_content_option(parser)
    parser.set_defaults(func=run)


def _progress(done: int, total: int) -> None:
    print(f"\rindexing 索引中 {done}/{total}", end="" if done < total else "\n", file=sys.stderr, flush=True)


def _embed_progress(done: int, total: int) -> None:
    print(f"\rembedding 计算语义向量 {done}/{total}", end="" if done < total else "\n", file=sys.stderr, flush=True)


def run(args: argparse.Namespace) -> int:
    """Update (or rebuild) the index and say what was touched."""
    from app.core.search.index import SearchIndex
    from app.core.search.store import IndexBusyError

    root = content_root(args)
    index = SearchIndex(root)
    if not args.no_semantic:
        index.semantic.start()  # the model loads while the lexical index is brought up to date
    started = time.perf_counter()
    try:
        report = index.update(progress=_progress, rebuild=args.rebuild)
    except IndexBusyError as exc:
        raise CommandError(str(exc)) from exc
    for message in index.messages:
        print(message, file=sys.stderr)
    seconds = round(time.perf_counter() - started, 2)
    embedded, embed_s = 0, 0.0
    if not args.no_semantic:
        started = time.perf_counter()
        embedded = index.embed_pending(progress=_embed_progress)
        embed_s = round(time.perf_counter() - started, 2)
        if index.semantic.notice:
            print(index.semantic.notice, file=sys.stderr)
    if args.json:
        print_json(
            {
                "documents": report.documents,
                "added": report.added,
                "changed": report.changed,
                "deleted": report.deleted,
                "rebuilt": report.rebuilt,
                "reason": report.reason,
                "embedded": embedded,
                "embed_seconds": embed_s,
                "retrievers": index.retrievers(),
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
        if embedded:
            print(f"semantic 语义向量: {embedded} texts embedded in {embed_s} s", file=sys.stderr)
    if report.problems:
        print(f"{len(report.problems)} content problems skipped; run `zhida validate` for details", file=sys.stderr)
    return 0
