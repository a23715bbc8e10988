"""`zhida search QUERY` and `zhida search --batch FILE`: search articles and scripts from the command line."""

from __future__ import annotations

import argparse
import html
import json
import sys
from pathlib import Path

from app.commands.common import CommandError, add_content_option, clean_text, content_root, print_json, short
from app.core.fileio.bounded import ParseError, load_json
from app.core.fileio.textio import UndecodableError, read_text


def register(sub: argparse._SubParsersAction) -> None:
    """Add the `search` subcommand."""
    parser = sub.add_parser("search", help="search articles and scripts")
    parser.add_argument("query", nargs="?", help="words, pinyin (tkgz, tuikuan) or a pasted customer message")
    parser.add_argument("--batch", metavar="FILE", help='JSONL file of {"query": ...} lines; prints JSONL')
    parser.add_argument("--limit", type=int, default=10, help="number of hits (default 10)")
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    parser.add_argument("--kind", choices=["article", "script"], help="only articles or only scripts")
    parser.add_argument("--category", help="only this category (scripts: stage)")
    parser.add_argument("--type", help="only this type (咨询/投诉/建议/故障/通用)")
    parser.add_argument("--tag", help="only hits with this tag")
    parser.add_argument("--channel", help="only hits for this channel (在线/电话/邮件)")
    parser.add_argument("--include-drafts", action="store_true", help="also draft and archived articles")
    parser.add_argument("--no-log", action="store_true", help="do not count this search in the usage log")
    add_content_option(parser)
    parser.set_defaults(func=run)


def _hit_json(hit) -> dict:
    return {
        "id": hit.id,
        "kind": hit.kind,
        "title": hit.title,
        "score": hit.score,
        "snippet": hit.snippet,
        "category": hit.category,
        "type": hit.type,
        "path": hit.path,
        "layer": hit.layer or "team",
    }


def _batch_queries(path: Path) -> list[str]:
    try:
        text = read_text(path).text
    except FileNotFoundError as exc:
        raise CommandError(f"{short(str(path))}: file not found") from exc
    except OSError as exc:
        raise CommandError(f"{short(str(path))}: cannot read ({exc.strerror or exc})") from exc
    except UndecodableError as exc:
        raise CommandError(f"{short(str(path))}: cannot read ({exc})") from exc
    queries = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            item = load_json(line)
        except ParseError as exc:
            raise CommandError(f"{path}:{number}: not a JSON line ({exc})") from exc
        query = item.get("query") if isinstance(item, dict) else None
        if not isinstance(query, str):
            raise CommandError(f'{path}:{number}: expected {{"query": "..."}}')
        queries.append(clean_text(query, f"{path}:{number}"))
    return queries


def run(args: argparse.Namespace) -> int:
    """Bring the index up to date, run the query (or the batch) and print hits."""
    from app.core.search.index import SearchIndex
    from app.core.search.store import IndexBusyError

    if args.batch is None and not args.query:
        raise CommandError("give a QUERY or --batch FILE")
    if args.limit < 1:
        raise CommandError("--limit must be at least 1")
    if args.query:
        args.query = clean_text(args.query, "QUERY")
    queries = _batch_queries(Path(args.batch)) if args.batch else [args.query]
    index = SearchIndex(content_root(args))
    try:
        index.update()
    except IndexBusyError as exc:
        raise CommandError(str(exc)) from exc
    for message in index.messages:
        print(message, file=sys.stderr)
    filters = {
        "kind": args.kind,
        "category": args.category,
        "type": args.type,
        "tag": args.tag,
        "channel": args.channel,
        "include_drafts": args.include_drafts,
    }
    if args.batch:
        out = sys.stdout
        for query in queries:
            hits = index.search(query, limit=args.limit, **filters)
            out.write(json.dumps({"query": query, "hits": [_hit_json(h) for h in hits]}, ensure_ascii=False) + "\n")
        return 0
    hits = index.search(args.query, limit=args.limit, **filters)
    if not args.no_log:  # one query counts like Enter in the app; --batch never does
        from app.core.usage.log import UsageLog

        UsageLog().record_search(args.query, len(hits))
    if args.json:
        print_json({"query": args.query, "hits": [_hit_json(h) for h in hits]})
        return 0
    if not hits:
        print("no results 没有结果", file=sys.stderr)
        return 0
    for rank, hit in enumerate(hits, 1):
        label = "文章" if hit.kind == "article" else "话术"
        print(f"{rank:2}. [{label}] {hit.title}  ({hit.id}, {hit.score:.2f})")
        if hit.snippet:
            print(f"    {html.unescape(hit.snippet.replace('<b>', '[').replace('</b>', ']'))}")
    return 0
