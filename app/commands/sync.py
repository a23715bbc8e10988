"""`zhida sync`: pull from (and with --publish, publish to) a shared team folder; settle conflicts."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from app.commands.common import CommandError, add_content_option, content_root, print_json
from app.core.authoring.review_sync import enable_review, reviewed_sync
from app.core.settings import load_settings
from app.core.sync.engine import init_share, sync
from app.core.sync.resolve import conflict_texts, pending_conflicts, resolve_conflict
from app.core.sync.share import ShareError
from app.core.vocab import MANAGER
from app.core.workspace import reindex_after_sync


def register(sub: argparse._SubParsersAction) -> None:
    """Add the `sync` subcommand."""
    parser = sub.add_parser("sync", help="sync with a shared team folder (exit 0 synced, 2 conflicts, 1 failure)")
    parser.add_argument("--shared", metavar="DIR", required=True, help="the shared folder (SMB/NFS/Dropbox/...)")
    add_content_option(parser)
    parser.add_argument("--publish", action="store_true", help="also publish local changes (role 知识管理员 only)")
    parser.add_argument("--init", action="store_true", help="prepare an empty folder as a share, then sync")
    parser.add_argument(
        "--review", action="store_true", help="with --init: edits to published items need a second manager's approval"
    )
    parser.add_argument("--publisher", metavar="NAME", help="publisher name (letters, digits, - _), kept per share")
    parser.add_argument(
        "--confirm-deletes", action="store_true", help="allow a publication that deletes more than half of the items"
    )
    parser.add_argument("--conflicts", action="store_true", help="list pending conflicts and exit")
    parser.add_argument("--resolve", metavar="PATH", help="settle the conflict on PATH (relative to the content root)")
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--keep", choices=["mine", "theirs"], help="with --resolve: which version to keep")
    group.add_argument("--merged", metavar="FILE", help="with --resolve: a file holding the merged text")
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run one sync (or list/settle conflicts) and return 0, 2 (conflicts pending) or 1 (failure)."""
    root = content_root(args)
    share = Path(args.shared).expanduser()
    try:
        if args.init:
            init_share(share)
            if args.review:
                enable_review(share)
        if args.conflicts:
            return _list_conflicts(root, share, args.json)
        if args.resolve:
            return _resolve(root, share, args)
    except ShareError as exc:
        raise CommandError(str(exc)) from None
    if args.publish:
        settings, _ = load_settings()
        if settings.role != MANAGER:
            raise CommandError(
                f"publishing needs the role {MANAGER} (current role: {settings.role}); "
                f"agents only pull / 坐席只同步下载"
            )
    # Review mode (docs/workbench.md): edits to published items become pending revisions before the engine runs.
    synced = reviewed_sync(
        sync, root, share, publish=args.publish, publisher=args.publisher, confirm_deletes=args.confirm_deletes
    )
    report = reindex_after_sync(synced, root)
    if args.json:
        print_json(report.as_dict())
    else:
        for rel in report.pulled:
            print(f"pulled    {rel}")
        for rel in report.deleted:
            print(f"deleted   {rel}  (kept in history / 已存入历史)")
        for old, new in report.moved:
            print(f"moved     {old} -> {new}")
        for rel in report.published:
            print(f"published {rel}")
        for c in report.conflicts:
            print(f"CONFLICT  {c.path}\n          mine:   {c.mine}\n          theirs: {c.theirs}")
        for rel in report.team_conflicts:
            print(f"team conflict {rel}: publishers disagree; waiting for a knowledge manager")
        for note in report.notices:
            print(f"note      {note}")
        for rel, reason in report.skipped:
            print(f"skipped   {rel}: {reason}")
        for rel, reason in report.errors:
            print(f"error     {rel}: {reason}")
        if not report.failed:
            print(report.summary(), file=sys.stderr)
    if report.failed:
        print(f"zhida: error: {report.failed}", file=sys.stderr)
    elif report.errors:
        print(f"zhida: error: {report.summary()}", file=sys.stderr)
    elif report.conflicts:
        print(
            f"zhida: {len(report.conflicts)} conflict(s) wait for a decision / 有冲突待处理: "
            f"zhida sync --shared DIR --resolve PATH --keep mine|theirs",
            file=sys.stderr,
        )
    return report.exit_code


def _list_conflicts(root: Path, share: Path, as_json: bool) -> int:
    conflicts = pending_conflicts(root, share)
    if as_json:
        print_json({"conflicts": [c.as_dict() for c in conflicts]})
    else:
        for c in conflicts:
            print(f"{c.path}\n  mine:   {c.mine}\n  theirs: {c.theirs}")
    return 2 if conflicts else 0


def _resolve(root: Path, share: Path, args: argparse.Namespace) -> int:
    rel = args.resolve.replace("\\", "/")
    conflict = next((c for c in pending_conflicts(root, share) if c.path == rel), None)
    if conflict is None:
        raise CommandError(f"{rel}: no pending conflict (run zhida sync first)")
    if args.merged:
        try:
            merged = Path(args.merged).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"{args.merged}: cannot read merged text ({exc})") from None
        resolve_conflict(root, share, rel, "merged", merged)
    elif args.keep:
        resolve_conflict(root, share, rel, args.keep)
    else:
        mine, theirs = conflict_texts(root, conflict)
        raise CommandError(
            f"{rel}: choose --keep mine, --keep theirs or --merged FILE "
            f"(mine {len(mine)} chars, theirs {len(theirs)} chars at {conflict.theirs})"
        )
    if args.json:
        print_json({"resolved": rel, "choice": args.keep or "merged"})
    else:
        print(f"resolved {rel} ({args.keep or 'merged'}); the next sync shares the decision")
    return 0
