"""`zhida search QUERY` and `zhida search --batch FILE`: search articles and scripts from the command line."""

from __future__ import annotations

import argparse
import html
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from app.commands.common import CommandError, add_content_option, clean_text, content_root, print_json, short
from app.core.fileio.bounded import ParseError, load_json
from app.core.fileio.textio import UndecodableError, read_text

if TYPE_CHECKING:
    from app.core.search.hits import Hit
    from app.core.search.index import SearchIndex


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
    parser.add_argument("--no-semantic", action="store_true", help="lexical retriever only (no embeddings)")
    add_content_option(parser)
    parser.set_defaults(func=run)


def _hit_json(hit: Hit) -> dict:
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
        "retrievers": list(hit.retrievers),
    }


def _answer(query: str, hits: list[Hit], state: str) -> dict:
    """One query's JSON: the hits, which retrievers answered, and the semantic retriever's state."""
    answered = sorted({r for h in hits for r in h.retrievers}) or ["lexical"]
    return {"query": query, "retrievers": answered, "semantic": state, "hits": [_hit_json(h) for h in hits]}


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


# A fresh `zhida search` waits this long for another process's index update, then answers from the last
# committed index (a rebuild is written beside it, so that one is whole) and says the result may be stale.
WRITER_WAIT_S = 0.8


def _open_index(root: Path, semantic: bool) -> SearchIndex:
    from app.core.search.index import SearchIndex
    from app.core.search.store import IndexBusyError, live_generation

    index = SearchIndex(root)
    if semantic:
        index.semantic.start()  # the model loads while the index is brought up to date
    try:
        index.update(wait=WRITER_WAIT_S if live_generation(index.dir) is not None else 300.0)
    except IndexBusyError as exc:
        if live_generation(index.dir) is None:
            raise CommandError(str(exc)) from exc
        print(
            "索引正在被另一个进程更新,先用上次的索引回答 (index busy: answering from the last committed index)",
            file=sys.stderr,
        )
    return index


def _semantic_state(index: SearchIndex, wanted: bool, wait: float) -> str:
    """Get the semantic retriever ready if it can be within seconds; one stderr line when it is not."""
    from app.core.search.semantic import LOADING, PENDING, READY, UNAVAILABLE

    if not wanted:
        return "off"
    state = index.prepare_semantic(wait=wait)
    if state == PENDING:
        print(
            f"语义检索尚未就绪({index.semantic.pending} 条文本待计算),本次只用关键词检索;运行 `zhida index` 计算 "
            "(semantic vectors pending: lexical only; run `zhida index`)",
            file=sys.stderr,
        )
    elif state in (UNAVAILABLE, LOADING) and index.semantic.notice:
        print(index.semantic.notice, file=sys.stderr)
    return state if state in (READY, PENDING, UNAVAILABLE) else LOADING


def run(args: argparse.Namespace) -> int:
    """Bring the index up to date, run the query (or the batch) and print hits."""
    if args.batch is None and not args.query:
        raise CommandError("give a QUERY or --batch FILE")
    if args.limit < 1:
        raise CommandError("--limit must be at least 1")
    if args.query:
        args.query = clean_text(args.query, "QUERY")
    queries = _batch_queries(Path(args.batch)) if args.batch else [args.query]
    index = _open_index(content_root(args), semantic=not args.no_semantic)
    for message in index.messages:
        print(message, file=sys.stderr)
    # The command waits for the model (about 3 s on an idle two-core machine, the tokenizer is pure Python;
    # a window never waits: it answers lexically meanwhile). Past the limit it answers lexically and says so.
    state = _semantic_state(index, not args.no_semantic, wait=120.0 if args.batch else 30.0)
    filters = {
        "kind": args.kind,
        "category": args.category,
        "type": args.type,
        "tag": args.tag,
        "channel": args.channel,
        "include_drafts": args.include_drafts,
        "semantic": not args.no_semantic,
    }
    if args.batch:
        out = sys.stdout
        for query in queries:
            hits = index.search(query, limit=args.limit, **filters)
            out.write(json.dumps(_answer(query, hits, state), ensure_ascii=False) + "\n")
        return 0
    hits = index.search(args.query, limit=args.limit, **filters)
    if not args.no_log:  # one query counts like Enter in the app; --batch never does
        from app.core.usage.log import UsageLog

        UsageLog().record_search(args.query, len(hits))
    if args.json:
        print_json(_answer(args.query, hits, state))
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
