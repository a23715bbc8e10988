"""`zhida train [DRILL_ID] [--reply TEXT | --reply-file FILE|-]`: practice drills for new agents, with a score."""

from __future__ import annotations

import argparse
import sys

from app.commands.common import CommandError, add_content_option, open_workspace, print_json, read_text_input
from app.core.training.scoring import Drill, Score, drill_to_dict, score_reply, score_to_dict
from app.core.vocab import EMOTIONS


class _UnknownDrill(CommandError):
    """An unknown drill id: exit code 2."""


def register(sub: argparse._SubParsersAction) -> None:
    """Add the `train` subcommand."""
    parser = sub.add_parser("train", help="practice drills (模拟投诉演练): list, show, or score a reply")
    parser.add_argument(
        "drill",
        nargs="?",
        default=None,
        metavar="DRILL_ID",
        help="the drill to show or answer (without it: list the drills)",
    )
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--reply", metavar="TEXT", help="your reply to the customer: it is scored")
    group.add_argument("--reply-file", metavar="FILE|-", help="read the reply from a file (UTF-8 or GBK) or stdin")
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    add_content_option(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """List drills, show one, or score a reply to one."""
    workspace = open_workspace(args)
    content = workspace.content
    drills, problems = workspace.training.drills, workspace.training.problems
    for problem in problems:
        if problem.level == "error":
            print(f"{problem.format()} (drill skipped) / 演练有误，已跳过", file=sys.stderr)
    for problem in content.errors:
        if problem.path.startswith("scripts_library/"):  # a drills file that does not even parse
            print(f"{problem.format()} / 话术库文件有误", file=sys.stderr)
    if args.drill is None:
        if args.reply is not None or args.reply_file is not None:
            raise CommandError("give the DRILL_ID the reply answers (see `zhida train`) / 请指定演练编号")
        return _list(drills, args.json)
    drill = next((d for d in drills if d.id == args.drill), None)
    if drill is None:
        print(f"zhida: unknown drill '{args.drill}' (see `zhida train` for the list) / 没有这个演练", file=sys.stderr)
        return 2
    reply = _reply(args)
    if reply is None:
        if args.json:
            print_json({"drill": drill_to_dict(drill)})
        else:
            _print_drill(drill)
        return 0
    score = score_reply(
        drill, reply, content, checker=workspace.checker, scoring=workspace.training.scoring, replies=workspace.replies
    )
    if args.json:
        print_json(score_to_dict(drill, score))
    else:
        _print_score(drill, score)
    return 0


def _list(drills: list[Drill], as_json: bool) -> int:
    if as_json:
        print_json({"drills": [drill_to_dict(d) for d in drills]})
        return 0
    if not drills:
        print("no drills in this content root (add a scripts_library/*.yaml with kind: drills) / 没有演练")
        return 0
    width = max(len(d.id) for d in drills)
    for d in drills:
        print(f"{d.id.ljust(width)}  {d.type}  {d.title}")
    print(f"{len(drills)} drills: `zhida train DRILL_ID` shows one, add --reply TEXT to be scored", file=sys.stderr)
    return 0


def _reply(args: argparse.Namespace) -> str | None:
    if args.reply is not None:
        return args.reply
    return None if args.reply_file is None else read_text_input(args.reply_file)


def _print_drill(drill: Drill) -> None:
    who = " · ".join(
        x
        for x in (drill.type, drill.audience, drill.channel, EMOTIONS.label(drill.emotion) if drill.emotion else "")
        if x
    )
    print(f"【{drill.title}】 ({who})")
    print("客户 customer:")
    for line in drill.message.splitlines():
        print(f"    {line}")
    if drill.hint:
        print(f"提示 hint: {drill.hint}")
    print(f'作答 answer: zhida train {drill.id} --reply "您的回复"')


def _print_score(drill: Drill, score: Score) -> None:
    print(f"【{drill.title}】 得分 score: {score.total}/100 {score.grade}")
    for item in score.items:
        mark = "✓" if item.ok else "✗"
        points = (
            f"{item.points:g}/{item.max_points:g}" if item.max_points else (f"{item.points:g}" if item.points else "—")
        )
        print(f"{mark} {item.name} {points}  {item.why}")
        if item.better and not item.ok:
            for number, line in enumerate(item.better.splitlines()):
                print(f"    {'更好的说法 better: ' if number == 0 else '    '}{line}")
    print()
    print("—— 参考答案 model answer ——")
    print(score.model_answer)
    print("——")
