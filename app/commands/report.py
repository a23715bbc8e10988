"""`zhida report`: the team's usage insights from the shared folder (the 数据看板 on the command line)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from app.commands.common import CommandError, add_content_option, content_root


def register(sub: argparse._SubParsersAction) -> None:
    """Add the `report` subcommand."""
    parser = sub.add_parser("report", help="team insights: searches, content gaps, flags, 问题台账 (from the share)")
    parser.add_argument("--shared", metavar="DIR", help="the shared folder (default: the one in the settings)")
    parser.add_argument("--since", default="30d", help="period: 30d, 12w or a first day YYYY-MM-DD (default 30d)")
    parser.add_argument("--until", metavar="DAY", help="last day YYYY-MM-DD (default today)")
    form = parser.add_mutually_exclusive_group()
    form.add_argument("--json", action="store_true", help="print one JSON document")
    form.add_argument("--csv", action="store_true", help="print one CSV table (section, key, label, count, …)")
    form.add_argument("--html", action="store_true", help="a self-contained HTML page with SVG charts")
    parser.add_argument("--out", metavar="FILE", help="write to FILE instead of stdout")
    add_content_option(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Read the team's usage for the period and print the report."""
    import datetime as dt

    from app.core.content.loader import load_content
    from app.core.settings import load_settings
    from app.core.usage.identity import UsageShareError
    from app.core.usage.log import UsageLog
    from app.core.usage.report import to_csv, to_html, to_json, to_text
    from app.core.usage.share import share_id
    from app.core.usage.team import load_insights, parse_since

    settings, _ = load_settings()
    folder = args.shared or settings.shared_folder
    if not folder:
        raise CommandError("no shared folder: give --shared DIR or set one in 设置 / 未设置共享文件夹")
    share = Path(folder).expanduser()
    until = args.until or dt.date.today().isoformat()
    try:
        until = dt.date.fromisoformat(until).isoformat()
        since = parse_since(args.since, until)
    except ValueError as exc:
        raise CommandError(f"--since/--until: {exc}") from None
    if since > until:
        raise CommandError(f"--since {since} is after --until {until}")
    try:
        share_id(share)
    except UsageShareError as exc:
        raise CommandError(str(exc)) from None
    content = load_content(content_root(args))
    loaded = load_insights(share, content, since, until, UsageLog(), settings.usage_retention_days)
    ins = loaded.insights
    text = to_json(ins) if args.json else to_csv(ins) if args.csv else to_html(ins) if args.html else to_text(ins)
    if args.out:
        try:
            Path(args.out).write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"{args.out}: cannot write ({exc.strerror or exc})") from None
        print(f"wrote {args.out} ({loaded.files_read} files read in {loaded.seconds:.2f} s)", file=sys.stderr)
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    for path, reason in ins.errors[:20]:
        print(f"skipped .zhida/usage/{path}: {reason}", file=sys.stderr)
    return 0
