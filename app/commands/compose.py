"""`zhida compose --message TEXT`: triage a customer message and build a checked reply draft."""

from __future__ import annotations

import argparse
import sys

from app.commands.common import (
    CommandError,
    add_content_option,
    clean_text,
    open_workspace,
    print_json,
    read_text_input,
)
from app.core.compose.composer import compose
from app.core.compose.model import Draft, draft_to_dict
from app.core.compose.overlap import OverlapSearcher
from app.core.search.hits import Hit
from app.core.search.index import SearchIndex
from app.core.settings import load_settings
from app.core.vocab import AUDIENCES, CHANNELS

_FIELD_NAMES = {"type": "类型", "priority": "优先级", "emotion": "情绪"}


def register(sub: argparse._SubParsersAction) -> None:
    """Add the `compose` subcommand."""
    parser = sub.add_parser("compose", help="triage a customer message and build a checked reply draft")
    parser.add_argument("--message", required=True, help="the customer's message ('-' reads it from stdin)")
    parser.add_argument("--article", metavar="ID", help="use this article (default: the top search hit)")
    parser.add_argument("--audience", choices=AUDIENCES, help="普通/外籍/老年/听障 (default: your settings)")
    parser.add_argument("--channel", choices=CHANNELS, help="在线/电话/邮件 (default: your settings)")
    parser.add_argument("--greeting", action="store_true", help="open with a greeting (always on for 邮件)")
    parser.add_argument("--no-closing", action="store_true", help="leave out the 服务闭环 closing question")
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    add_content_option(parser)
    parser.set_defaults(func=run)


class _FallbackSearcher:
    """The search index, falling back to title overlap (with a note on stderr) if a query fails."""

    def __init__(self, index: SearchIndex, fallback: OverlapSearcher | None):
        self.index = index
        self.fallback = fallback

    def search(self, query: str, limit: int = 10, kind: str | None = None) -> list[Hit]:
        try:
            return list(self.index.search(query, limit=limit, kind=kind))
        except Exception as exc:
            print(
                f"zhida: search failed ({type(exc).__name__}: {exc}); choosing the article by title overlap",
                file=sys.stderr,
            )
            return self.fallback.search(query, limit=limit, kind=kind) if self.fallback else []


def run(args: argparse.Namespace) -> int:
    """Build the draft and print it (human form or JSON)."""
    message = read_text_input("-") if args.message == "-" else clean_text(args.message, "--message")
    if not message.strip():
        raise CommandError("--message is empty: paste the customer's message")
    settings, _warning = load_settings()
    audience = args.audience or settings.audience
    channel = args.channel or settings.channel
    workspace = open_workspace(args, search=not args.article)
    if workspace.messages and not args.article and workspace.index is None:
        print(f"zhida: {'; '.join(workspace.messages)}; choosing the article by title overlap", file=sys.stderr)
    searcher = _FallbackSearcher(workspace.index, workspace.replies.overlap) if workspace.index is not None else None
    try:
        draft = compose(
            message,
            workspace.content,
            searcher=searcher,
            checker=workspace.checker,
            library=workspace.replies,
            article_id=args.article,
            audience=audience,
            channel=channel,
            greeting=True if args.greeting else None,
            closing=not args.no_closing,
        )
    except KeyError as exc:
        raise CommandError(f"article not found: {exc.args[0]} (see `zhida search` for ids)") from None
    if args.json:
        print_json(draft_to_dict(draft))
    else:
        _print_human(draft)
    return 0


def _print_human(draft: Draft) -> None:
    t = draft.triage
    print(f"归类 triage: 类型 {t.type} · 优先级 {t.priority} · 情绪 {t.emotion}")
    for cue in t.cues:
        said = f"“{cue.text}”" if cue.text else "(无线索词)"
        reason = f" ({cue.reason})" if cue.reason and cue.reason != cue.text else ""
        print(f"  {said} → {_FIELD_NAMES.get(cue.field, cue.field)} {cue.value}{reason}")
    choice = draft.choice
    sureness = {"sure": "", "given": "", "close": " (不确定:几篇都可能相关 close)", "weak": " (不确定:只部分相关 weak)"}
    if draft.article is not None:
        print(
            f"文章 article: {draft.article.id} {draft.article.title} [{draft.article_via}]"
            f"{sureness.get(choice.status, '')}"
        )
    else:
        print("文章 article: 知识库里没有找到对应文章 (none found: the answer is {待确认}; slots come from scripts)")
    if choice.status in ("close", "weak", "none") and choice.candidates:
        for number, candidate in enumerate(choice.candidates, 1):
            print(
                f"  候选 {number}: {candidate.article.id} {candidate.article.title} (--article {candidate.article.id})"
            )
    if draft.facts:
        print("已从消息填入 facts: " + ", ".join(f"{{{f.name}}}={f.value}" for f in draft.facts))
    print()
    for number, slot in enumerate(draft.slots, 1):
        print(f"[{number}] {slot.name}  ← {slot.source or '(empty: nothing fits; pick an alternative or write it)'}")
        for line in slot.text.splitlines():
            print(f"    {line}")
        for alt in slot.alternatives:
            print(f"    备选 {alt.source}: {_short(alt.text)}")
    print()
    print("—— 回复 reply ——")
    print(draft.text)
    print("——")
    if draft.placeholders:
        print(
            "待填 placeholders: "
            + ", ".join("{" + p + "}" for p in draft.placeholders)
            + "  (fill them before sending)"
        )
    if not draft.checked:
        print("检查 check: checker not available", file=sys.stderr)
    elif draft.findings:
        print(f"检查 check: {len(draft.findings)} finding(s)")
        for f in draft.findings:
            print(f"  {f.level}: “{f.text}” {f.reason}: {f.message}")
            if f.suggestions:  # proven safe in place of the span (the same as `zhida check`)
                print("    一键修改 fix: " + " / ".join(s if s else "(删除)" for s in f.suggestions))
            if any(f.better):  # a phrasing to adapt and copy, never put in place of the span
                print("    可以这样说 better: " + " / ".join(b for b in f.better if b))
    else:
        print("检查 check: no findings")


def _short(text: str, width: int = 40) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"
