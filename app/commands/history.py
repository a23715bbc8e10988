"""`zhida history`: list what sync replaced or deleted, and restore any earlier version."""

from __future__ import annotations

import argparse
import time

from app.commands.common import CommandError, add_content_option, content_root, print_json
from app.core.sync.lock import ClientBusy
from app.core.sync.resolve import restore, restore_batch
from app.core.sync.store import LocalStore


def register(sub: argparse._SubParsersAction) -> None:
    """Add the `history` subcommand."""
    parser = sub.add_parser("history", help="versions sync replaced or deleted; --restore ID puts one back")
    add_content_option(parser)
    parser.add_argument("--path", metavar="REL", help="only this file (relative to the content root)")
    parser.add_argument("--restore", metavar="ID", type=int, help="restore history entry ID into the content root")
    parser.add_argument(
        "--restore-batch",
        metavar="BATCH",
        help="恢复一次同步删除的全部文件 (restore everything one sync deleted; BATCH from the list)",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """List history entries, or restore one."""
    root = content_root(args)
    if args.restore_batch:
        try:
            paths = restore_batch(root, args.restore_batch)
        except (KeyError, FileNotFoundError, PermissionError, ClientBusy) as exc:
            raise CommandError(str(exc).strip("'\"")) from None
        if args.json:
            print_json({"restored": paths, "batch": args.restore_batch})
        else:
            for rel in paths:
                print(f"已恢复 restored {rel}")
        return 0
    if args.restore is not None:
        try:
            rel = restore(root, args.restore)
        except (KeyError, FileNotFoundError, PermissionError, ClientBusy) as exc:
            raise CommandError(str(exc).strip("'\"")) from None
        if args.json:
            print_json({"restored": rel, "entry": args.restore})
        else:
            print(f"restored {rel} from history entry {args.restore} / 已恢复")
        return 0
    entries = LocalStore(root).history(args.path)
    if args.json:
        print_json({"history": [e.as_dict() for e in entries]})
    else:
        for e in entries:
            stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(e.time))
            batch = f"  [批次 batch {e.batch}]" if e.batch and e.action == "deleted" else ""
            print(f"{e.id:>5}  {stamp}  {e.action:<16} {e.path}  {e.hash[:10]}  {e.note}{batch}")
    return 0
