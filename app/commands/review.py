"""`zhida review`: pending revisions without a server — list, show, approve, reject, submit, settings, due."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from app.commands.common import CommandError, add_content_option, content_root, print_json
from app.core.authoring.library import due_for_review, entries
from app.core.authoring.review import ReviewError, ReviewSettings
from app.core.authoring.versions import unified
from app.core.authoring.workflow import Authoring, OutsideEdit, PathRefused
from app.core.content.loader import load_content
from app.core.settings import load_settings
from app.core.vocab import MANAGER, REVISION_STATES


def register(sub: argparse._SubParsersAction) -> None:
    """Add the `review` subcommand."""
    parser = sub.add_parser("review", help="pending revisions: list, show ID, approve ID, reject ID --comment T")
    parser.add_argument(
        "action",
        choices=["list", "show", "approve", "reject", "withdraw", "submit", "settings", "due"],
        help="what to do",
    )
    parser.add_argument("target", nargs="?", help="revision ID (a unique prefix is enough), or PATH for submit")
    parser.add_argument("--comment", default="", help="approve/reject: the comment for the author (reject: required)")
    parser.add_argument("--all", action="store_true", help="list: also decided and withdrawn revisions")
    parser.add_argument("--review", choices=["on", "off"], help="settings: turn review on or off for the team")
    parser.add_argument("--self-approval", choices=["on", "off"], help="settings: allow approving one's own revisions")
    parser.add_argument("--shared", metavar="DIR", help="the team share (default: the shared folder in the settings)")
    add_content_option(parser)
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run one review action; exit 1 with one line when it cannot be done."""
    root = content_root(args)
    settings, _ = load_settings()
    shared = args.shared or settings.shared_folder
    authoring = Authoring(root, share=Path(shared).expanduser() if shared else None)
    changes = args.action != "settings" or args.review or args.self_approval
    if args.action in ("approve", "reject", "submit", "withdraw", "settings") and settings.role != MANAGER and changes:
        raise CommandError(f"reviewing needs the role {MANAGER} (current role: {settings.role})")
    try:
        return _ACTIONS[args.action](authoring, args)
    except (ReviewError, OutsideEdit, PathRefused) as exc:
        raise CommandError(str(exc)) from None
    except OSError as exc:
        raise CommandError(f"cannot write ({exc.strerror or exc})") from None


def _need(args: argparse.Namespace) -> str:
    if not args.target:
        raise CommandError(f"review {args.action} needs an ID (see zhida review list)")
    return args.target


def _list(authoring: Authoring, args: argparse.Namespace) -> int:
    revisions = authoring.board.revisions() if args.all else authoring.board.pending()
    if args.json:
        print_json({"me": authoring.me, "review": authoring.review_on, "revisions": [r.summary() for r in revisions]})
        return 0
    for rev in revisions:
        stamp = time.strftime("%Y-%m-%d %H:%M", time.localtime(rev.updated))
        what = "删除 " if rev.text is None else ""
        mine = " (mine)" if rev.author == authoring.me else ""
        print(
            f"{rev.id}  {REVISION_STATES.label(rev.state)}  {stamp}  {rev.author}{mine}  {what}{rev.path}  {rev.title}"
        )
        if rev.decision is not None and rev.decision.comment:
            print(f"          {rev.decision.by}: {rev.decision.comment}")
    if not revisions:
        print("no pending revisions / 没有待审核的修订")
    return 0


def _show(authoring: Authoring, args: argparse.Namespace) -> int:
    rev = authoring.board.get(_need(args))
    current, _ = authoring.read(rev.path)
    diff = unified(current or "", rev.text or "", f"{rev.path} (已发布)", f"{rev.path} ({rev.id})")
    if args.json:
        print_json({**rev.summary(), "text": rev.text, "current": current, "diff": diff})
    else:
        print(f"{rev.id} by {rev.author}: {rev.path} ({REVISION_STATES.label(rev.state)})")
        print(diff or "(no change)")
    return 0


def _decide(authoring: Authoring, args: argparse.Namespace) -> int:
    target = _need(args)
    if args.action == "approve":
        rev = authoring.approve(target, args.comment)
        done = "approved; publish it with: zhida sync --shared DIR --publish / 已批准,同步发布后坐席可见"
    elif args.action == "reject":
        if not args.comment.strip():
            raise CommandError("reject needs --comment TEXT (what the author should change) / 驳回需要写明原因")
        rev = authoring.reject(target, args.comment)
        done = "rejected / 已驳回"
    else:
        rev = authoring.board.withdraw(target)
        done = "withdrawn / 已撤回"
    if args.json:
        print_json(rev.summary())
    else:
        print(f"{rev.id} {rev.path}: {done}")
    return 0


def _submit(authoring: Authoring, args: argparse.Namespace) -> int:
    result = authoring.submit(_need(args).replace("\\", "/"), note=args.comment)
    rev = result.revision
    if args.json:
        print_json({"path": result.rel, "result": result.kind, "revision": rev.summary() if rev else None})
    else:
        print(
            f"{result.rel}: "
            + (f"pending review as {rev.id} / 待审核" if rev else "published (review is off) / 已发布")
        )
    return 0


def _settings(authoring: Authoring, args: argparse.Namespace) -> int:
    current = authoring.settings()
    if args.review or args.self_approval:
        current = ReviewSettings(
            review=(args.review == "on") if args.review else current.review,
            self_approval=(args.self_approval == "on") if args.self_approval else current.self_approval,
        )
        authoring.board.set_settings(current)
    where = "share" if authoring.board.share is not None else "this computer"
    if args.json:
        print_json({"review": current.review, "self_approval": current.self_approval, "where": where})
    else:
        print(
            f"review {'on' if current.review else 'off'}, "
            f"self-approval {'on' if current.self_approval else 'off'} ({where})"
        )
    return 0


def _due(authoring: Authoring, args: argparse.Namespace) -> int:
    rows = due_for_review(entries(load_content(authoring.root)))
    if args.json:
        print_json(
            {
                "due": [
                    {"id": r.id, "path": r.path, "title": r.title, "owner": r.owner, "review_by": r.review_by}
                    for r in rows
                ]
            }
        )
    else:
        for r in rows:
            print(f"{r.review_by}  {r.owner or '(无负责人)'}  {r.path}  {r.title}")
        if not rows:
            print("nothing is due for review / 没有待复核的条目")
    return 0


_ACTIONS = {
    "list": _list,
    "show": _show,
    "approve": _decide,
    "reject": _decide,
    "withdraw": _decide,
    "submit": _submit,
    "settings": _settings,
    "due": _due,
}
