"""`zhida check [FILE|-]`: check a reply draft against the content root's rules; exit 1 on any error."""

from __future__ import annotations

import argparse
import sys

from app.commands.common import CommandError, add_content_option, open_workspace, print_json, read_text_input
from app.core.checker.match import CheckContext, Finding
from app.core.content.model import ERROR
from app.core.settings import load_settings
from app.core.vocab import AUDIENCES, CHANNELS

_MARK_OPEN, _MARK_CLOSE = "【", "】"
_LEVEL_ZH = {"error": "错误", "warning": "警告", "suggestion": "建议"}


def register(sub: argparse._SubParsersAction) -> None:
    """Add the `check` subcommand."""
    parser = sub.add_parser("check", help="check a reply for forbidden phrases and personal data; exit 1 on any error")
    parser.add_argument(
        "file",
        nargs="?",
        default=None,
        metavar="FILE|-",
        help="the draft to check (UTF-8 or GBK); '-' or nothing reads stdin",
    )
    parser.add_argument(
        "--audience",
        metavar="A",
        default=None,
        help=f"customer: {' / '.join(AUDIENCES)} (or general/foreign/elderly/hearing); default from settings",
    )
    parser.add_argument(
        "--channel",
        metavar="C",
        default=None,
        help=f"channel: {' / '.join(CHANNELS)} (or online/phone/email); default from settings",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    add_content_option(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Print the findings (or JSON) and return 1 when any finding is at error level."""
    context = _context(args)
    text = _read_input(args.file)
    checker = open_workspace(args).checker
    for problem in checker.problems:
        if problem.level == ERROR:
            print(f"{problem.format()} (rule skipped) / 规则有误，已跳过", file=sys.stderr)
    findings = checker.check(text, context)
    if args.json:
        print_json({"findings": [f.as_dict() for f in findings]})
    else:
        _print_human(text, findings)
    return 1 if any(f.level == "error" for f in findings) else 0


def _context(args: argparse.Namespace) -> CheckContext:
    settings, _ = load_settings()
    audience = AUDIENCES.normalize(args.audience) if args.audience else settings.audience
    if audience is None:
        raise CommandError(f"unknown audience '{args.audience}': use one of {' / '.join(AUDIENCES)} / 未知的客户类型")
    channel = CHANNELS.normalize(args.channel) if args.channel else settings.channel
    if channel is None:
        raise CommandError(f"unknown channel '{args.channel}': use one of {' / '.join(CHANNELS)} / 未知的渠道")
    return CheckContext(audience=audience, channel=channel)


def _read_input(name: str | None) -> str:
    if name is None and sys.stdin.isatty():
        raise CommandError("give a FILE to check, or '-' to read the draft from stdin / 请指定要检查的文件")
    return read_text_input(name or "-")


def _print_human(text: str, findings: list[Finding]) -> None:
    line_starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"]
    for f in findings:
        line_no = _line_of(line_starts, f.start)
        line_start = line_starts[line_no - 1]
        line_end = text.find("\n", line_start)
        line_end = len(text) if line_end < 0 else line_end
        end = min(f.end, line_end)
        col = f.start - line_start + 1
        print(f"{line_no}:{col}: {f.level} {_LEVEL_ZH[f.level]} [{f.rule}] {f.reason}: {f.message}")
        print(f"    {text[line_start : f.start]}{_MARK_OPEN}{text[f.start : end]}{_MARK_CLOSE}{text[end:line_end]}")
        if f.suggestions:
            shown = " / ".join(s if s else "(删除)" for s in f.suggestions)
            print(f"    一键修改 fix: {shown}")
        if f.better:
            print(f"    可以这样说 better: {' / '.join(f.better)}")
    counts = {level: sum(1 for f in findings if f.level == level) for level in ("error", "warning", "suggestion")}
    print(
        f"{len(findings)} findings: {counts['error']} errors, {counts['warning']} warnings, "
        f"{counts['suggestion']} suggestions",
        file=sys.stderr,
    )


def _line_of(line_starts: list[int], offset: int) -> int:
    lo, hi = 0, len(line_starts)
    while lo + 1 < hi:
        mid = (lo + hi) // 2
        if line_starts[mid] <= offset:
            lo = mid
        else:
            hi = mid
    return lo + 1
