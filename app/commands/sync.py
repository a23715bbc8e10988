"""`zhida sync`: pull from (and with --publish, publish to) a shared team folder; settle conflicts."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from app.commands.common import CommandError, add_content_option, content_root, print_json
from app.core.authoring.review_sync import enable_review, reviewed_sync
from app.core.settings import load_settings
from app.core.sync.engine import prepare_share, sync
from app.core.sync.lock import ClientBusy
from app.core.sync.names import safe_name
from app.core.sync.report import SyncReport
from app.core.sync.resolve import (
    conflict_texts,
    discard_local_edit,
    local_edits,
    pending_conflicts,
    resolve_conflict,
)
from app.core.sync.share import ShareError
from app.core.usage.exchange import usage_notices
from app.core.vocab import MANAGER
from app.core.workspace import reindex_after_sync

DISCARD = "放弃我的修改，用团队版本"
_REASON_KINDS = {  # the reason's English prefix is what the engine keys on; shown with its Chinese name
    "refused": "拒收",
    "rejected": "未导入",
    "waiting": "等待",
    "not synced": "未同步",
    "not published": "未发布",
    "head": "发布者文件",
    "changed here": "本机正在修改",
}


def reason_text(reason: str) -> str:
    """A skipped file's reason with its kind named in Chinese first: 「拒收 refused: …」."""
    for prefix, chinese in _REASON_KINDS.items():
        if reason.startswith(prefix):
            return f"{chinese} {reason}"
    return reason


def register(sub: argparse._SubParsersAction) -> None:
    """Add the `sync` subcommand."""
    parser = sub.add_parser("sync", help="与团队共享文件夹同步 (sync; exit 0 synced, 2 decisions wait, 1 failure)")
    parser.add_argument("--shared", metavar="DIR", required=True, help="团队共享文件夹 (the shared folder: SMB/NFS/…)")
    add_content_option(parser)
    parser.add_argument("--publish", action="store_true", help="同时发布本地修改 (publish; role 知识管理员 only)")
    parser.add_argument("--init", action="store_true", help="把一个空文件夹建成共享文件夹，然后同步 (init)")
    parser.add_argument(
        "--review", action="store_true", help="与 --init 一起:已发布内容的修改需另一位知识管理员批准 (review)"
    )
    parser.add_argument(
        "--publisher", metavar="NAME", help="发布者名称 (publisher: letters, digits, - _), kept per share"
    )
    parser.add_argument(
        "--confirm-deletes",
        action="store_true",
        help="确认大批删除 (confirm): apply deletions the pull held, allow a publication deleting over half the items",
    )
    parser.add_argument(
        "--reject-deletes",
        action="store_true",
        help="拒绝被拦下的删除并重新发布这些文件 (reject held deletions; with --publish)",
    )
    parser.add_argument("--conflicts", action="store_true", help="列出待处理的冲突 (list pending conflicts)")
    parser.add_argument(
        "--resolve", metavar="PATH", help="处理 PATH 的冲突 (settle a conflict; path in the content root)"
    )
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--keep", choices=["mine", "theirs"], help="与 --resolve 一起: 保留哪个版本 (which version)")
    group.add_argument("--merged", metavar="FILE", help="与 --resolve 一起: 合并后的文本文件 (merged text)")
    parser.add_argument("--local-edits", action="store_true", help="列出本机改过的团队文件 (list stray local edits)")
    parser.add_argument(
        "--discard-local",
        metavar="PATH",
        help=f"「{DISCARD}」: PATH 或 all (discard local edit; your version is kept in history)",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run one sync (or list/settle conflicts and local edits) and return 0, 2 (decisions wait) or 1."""
    root = content_root(args)
    share = Path(args.shared).expanduser()
    try:
        if args.init:
            _init(share, args.json)
            if args.review:
                enable_review(share)
        if args.conflicts:
            return _list_conflicts(root, share, args.json)
        if args.resolve:
            return _resolve(root, share, args)
        if args.local_edits:
            return _list_local_edits(root, share, args.json)
        if args.discard_local:
            return _discard(root, share, args.discard_local, args.json)
    except (ShareError, ClientBusy) as exc:
        raise CommandError(str(exc)) from None
    if args.publish or args.reject_deletes:
        settings, _ = load_settings()
        if settings.role != MANAGER:
            raise CommandError(
                f"发布需要角色 {MANAGER} (publishing needs the role {MANAGER}; current role: {settings.role}); "
                f"坐席只同步下载 (agents only pull)"
            )
    # Review mode (docs/workbench.md): edits to published items become pending revisions before the engine runs.
    report = reindex_after_sync(
        reviewed_sync(
            sync,
            root,
            share,
            publish=args.publish or args.reject_deletes,
            publisher=args.publisher,
            confirm_deletes=args.confirm_deletes,
            reject_deletes=args.reject_deletes,
        ),
        root,
    )
    if not report.failed:
        report.notices.extend(usage_notices(share))  # usage travels on its own files (docs/insights.md)
    if args.json:
        print_json(report.as_dict())
    else:
        _print_report(report)
    _print_outcome(report)
    return report.exit_code


def _print_report(report: SyncReport) -> None:
    for rel in report.pulled:
        print(f"拉取 pulled      {rel}")
    for rel in report.deleted:
        print(f"删除 deleted     {rel}  (已存入历史 kept in history)")
    for old, new in report.moved:
        print(f"移动 moved       {old} -> {new}")
    for rel in report.published:
        print(f"发布 published   {rel}")
    for c in report.conflicts:
        print(f"冲突 CONFLICT    {c.path}\n          我的 mine:   {c.mine}\n          对方 theirs: {c.theirs}")
    for rel in report.team_conflicts:
        print(f"团队冲突 team conflict {rel}: 发布者意见不一，等待知识管理员处理 (waiting for a knowledge manager)")
    for rel in report.held_deletes:
        print(f"删除待确认 held  {rel}  (文件保留在本机 kept here)")
    for rel in report.local_edits:
        print(f"本地修改 local edit {rel}  (zhida sync --discard-local {rel}: {DISCARD})")
    for note in report.notices:
        print(f"提示 note        {note}")
    for rel, reason in report.skipped:
        print(f"跳过 skipped     {safe_name(rel)}: {reason_text(reason)}")
    for rel, reason in report.errors:
        print(f"错误 error       {safe_name(rel)}: {reason}")
    if not report.failed:
        print(report.summary(), file=sys.stderr)


def _print_outcome(report: SyncReport) -> None:
    if report.failed:
        print(f"zhida: error: {report.failed}", file=sys.stderr)
    elif report.errors:
        print(f"zhida: error: {report.summary()}", file=sys.stderr)
    elif report.held_deletes:
        print(
            f"zhida: {len(report.held_deletes)} 个删除被拦下 (deletions held): {report.held_reason}; "
            f"确认 confirm: --confirm-deletes; 知识管理员拒绝 reject: --publish --reject-deletes",
            file=sys.stderr,
        )
    elif report.conflicts:
        print(
            f"zhida: {len(report.conflicts)} 个冲突待处理 (conflicts wait for a decision): "
            f"zhida sync --shared DIR --resolve PATH --keep mine|theirs",
            file=sys.stderr,
        )


def _init(share: Path, as_json: bool) -> None:
    done = prepare_share(share)
    if as_json:
        return  # the sync report that follows is the one JSON document
    if done.created:
        print(f"已创建共享文件夹 (share created): {share} · id {done.share_id}", file=sys.stderr)
        for item in done.created:
            print(f"  新建 created  {item}", file=sys.stderr)
    else:
        print(f"共享文件夹已存在 (share exists): {share} · id {done.share_id}", file=sys.stderr)


def _list_conflicts(root: Path, share: Path, as_json: bool) -> int:
    conflicts = pending_conflicts(root, share)
    if as_json:
        print_json({"conflicts": [c.as_dict() for c in conflicts]})
    else:
        for c in conflicts:
            print(f"{c.path}\n  我的 mine:   {c.mine}\n  对方 theirs: {c.theirs}")
    return 2 if conflicts else 0


def _list_local_edits(root: Path, share: Path, as_json: bool) -> int:
    edits = local_edits(root, share)
    if as_json:
        print_json({"local_edits": [{"path": e.path, "deleted": e.deleted} for e in edits]})
    else:
        for e in edits:
            print(f"{e.path}  ({'本机已删除 deleted here' if e.deleted else '本机已修改 edited here'})")
        if edits:
            print(f"「{DISCARD}」: zhida sync --shared DIR --discard-local PATH|all", file=sys.stderr)
    return 0


def _discard(root: Path, share: Path, which: str, as_json: bool) -> int:
    paths = [e.path for e in local_edits(root, share)] if which == "all" else [which.replace("\\", "/")]
    done = []
    for rel in paths:
        try:
            done.append(discard_local_edit(root, share, rel))
        except (KeyError, FileNotFoundError, PermissionError) as exc:
            raise CommandError(str(exc).strip("'\"")) from None
    if as_json:
        print_json({"discarded": done})
    else:
        for rel in done:
            print(f"已改用团队版本 (team version restored) {rel}；你的版本已存入历史 (zhida history --path {rel})")
    return 0


def _resolve(root: Path, share: Path, args: argparse.Namespace) -> int:
    rel = args.resolve.replace("\\", "/")
    conflict = next((c for c in pending_conflicts(root, share) if c.path == rel), None)
    if conflict is None:
        raise CommandError(f"{rel}: 没有待处理的冲突 (no pending conflict; run zhida sync first)")
    if args.merged:
        try:
            merged = Path(args.merged).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"{args.merged}: 无法读取合并文本 (cannot read merged text: {exc})") from None
        resolve_conflict(root, share, rel, "merged", merged)
    elif args.keep:
        resolve_conflict(root, share, rel, args.keep)
    else:
        mine, theirs = conflict_texts(root, conflict)
        raise CommandError(
            f"{rel}: 请选择 --keep mine、--keep theirs 或 --merged FILE "
            f"(mine {len(mine)} chars, theirs {len(theirs)} chars at {conflict.theirs})"
        )
    if args.json:
        print_json({"resolved": rel, "choice": args.keep or "merged"})
    else:
        print(f"已处理 (resolved) {rel} ({args.keep or 'merged'}); 下次同步会共享这个决定 (the next sync shares it)")
    return 0
