"""`zhida history`: what sync replaced or deleted, and the workbench's versions; show, compare, restore."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from app.commands.common import CommandError, add_content_option, content_root, print_json
from app.core.authoring.review import ReviewError
from app.core.authoring.versions import Version, VersionStore, unified
from app.core.authoring.workflow import Authoring, OutsideEdit, PathRefused
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
    # The workbench's versions (every save, submission, approval, restore): docs/workbench.md
    parser.add_argument("--item", metavar="ID", help="only versions of this article or script id")
    parser.add_argument("--show", metavar="V", type=int, help="print the text of version V")
    parser.add_argument("--diff", metavar="V", type=int, nargs=2, help="compare two versions (unified diff)")
    parser.add_argument("--restore-version", metavar="V", type=int, help="make version V the newest (a new version)")
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
    if args.show is not None or args.diff or args.restore_version is not None:
        return run_versions(root, args)
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
    entries = LocalStore(root).history(args.path) if not args.item else []
    versions = VersionStore(root).versions(args.path, args.item)
    if args.json:
        print_json({"history": [e.as_dict() for e in entries], "versions": [v.as_dict() for v in versions]})
    else:
        for e in entries:
            stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(e.time))
            batch = f"  [批次 batch {e.batch}]" if e.batch and e.action == "deleted" else ""
            print(f"{e.id:>5}  {stamp}  {e.action:<16} {e.path}  {e.hash[:10]}  {e.note}{batch}")
        if versions:
            print("versions (workbench / 版本, zhida history --show V | --diff V1 V2 | --restore-version V):")
        for v in versions:
            stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(v.time))
            print(f"  v{v.id:<4} {stamp}  {v.label:<6} {v.path}  {v.author}  {v.note}")
    return 0


def run_versions(root: Path, args: argparse.Namespace) -> int:
    """--show V, --diff V1 V2, --restore-version V over the workbench's version store."""
    store = VersionStore(root)

    def text(number: int) -> tuple[Version, str]:
        version = store.get(number)
        if version is None:
            raise CommandError(f"version {number}: no such version / 没有这个版本 (zhida history)")
        return version, (store.text_of(version.hash) or "") if version.hash else ""

    if args.show is not None:
        version, body = text(args.show)
        print_json({**version.as_dict(), "text": body}) if args.json else print(body, end="")
        return 0
    if args.diff:
        (a, left), (b, right) = text(args.diff[0]), text(args.diff[1])
        diff = unified(left, right, f"v{a.id} {a.path}", f"v{b.id} {b.path}")
        print_json({"from": a.id, "to": b.id, "diff": diff}) if args.json else print(diff or "(same text)", end="")
        return 0
    try:
        result = Authoring(root).restore(args.restore_version)
    except (ReviewError, OutsideEdit, PathRefused) as exc:
        raise CommandError(str(exc)) from None
    if args.json:
        print_json({"restored": result.rel, "version": args.restore_version, "result": result.kind})
    else:
        print(f"restored {result.rel} from version {args.restore_version} as a new version / 已恢复")
    return 0
