"""`zhida train [quiz|drill|progress|exam] …`: the training mode from the command line, with --json.

    zhida train                                   list the drills
    zhida train drill ID [--reply TEXT]…          show a drill, or score replies (one per turn of a conversation)
    zhida train quiz [--list] [--card ID --answer TEXT [--seconds S]] [--interactive]
    zhida train progress [--publish] [--team] [--shared DIR] [--name NAME]
    zhida train exam [ID] [--answers FILE.json | --interactive] [--export FILE.md]

`zhida train ID --reply TEXT` (without `drill`) still works. Answers are recorded under
$ZHIDA_HOME/training/ like in the app (`--no-record` to only look).
"""

from __future__ import annotations

import argparse
import sys

from app.commands import train_text as text
from app.commands.common import CommandError, add_content_option, open_workspace, print_json, read_text_input
from app.commands.train_progress import exam, progress
from app.commands.train_quiz import quiz
from app.core.training.conversation import REACTIONS
from app.core.training.drills import Drill, drill_to_dict
from app.core.training.scoring import item_to_dict, score_to_dict
from app.core.training.trainee import Trainee

ACTIONS = ("quiz", "drill", "progress", "exam")


def register(sub: argparse._SubParsersAction) -> None:
    """Add the `train` subcommand."""
    parser = sub.add_parser(
        "train",
        help="training mode (新人演练): drills and conversations, quiz cards, progress, exams",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("action", nargs="?", default=None, metavar="quiz|drill|progress|exam", help="what to do")
    parser.add_argument("target", nargs="?", default=None, metavar="ID", help="the drill or exam")
    parser.add_argument("--reply", action="append", metavar="TEXT", help="your reply (repeat for each turn)")
    parser.add_argument(
        "--reply-file", action="append", metavar="FILE|-", help="a reply from a file (UTF-8/GBK) or stdin"
    )
    parser.add_argument("--no-record", action="store_true", help="score without adding to your progress")
    parser.add_argument("--list", action="store_true", help="quiz: list every card with its schedule")
    parser.add_argument("--card", metavar="ID", help="quiz: the card you answer")
    parser.add_argument("--answer", metavar="TEXT", help="quiz: your answer (对/错, step letters like BCA, facts)")
    parser.add_argument("--seconds", type=float, default=15.0, help="quiz: how long you took (rates the answer)")
    parser.add_argument("--limit", type=int, default=10, help="quiz: how many due cards to show")
    parser.add_argument("--interactive", action="store_true", help="quiz/exam: ask on stdin one by one")
    parser.add_argument("--answers", metavar="FILE", help="exam: a JSON object {item id: answer}")
    parser.add_argument("--export", metavar="FILE", help="exam: save the summary as Markdown")
    parser.add_argument("--publish", action="store_true", help="progress: publish to the share (if the team opted in)")
    parser.add_argument("--team", action="store_true", help="progress: the trainer's board (培训看板) from the share")
    parser.add_argument("--shared", metavar="DIR", help="the team's shared folder (default: the configured one)")
    parser.add_argument("--name", metavar="NAME", help="progress: your name as the trainer sees it (named teams)")
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    add_content_option(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Dispatch to the action (a first word that is not an action is a drill id, as before)."""
    if args.action is not None and args.action not in ACTIONS:
        args.action, args.target = "drill", args.action
    workspace = open_workspace(args)
    for problem in workspace.training.problems:
        if problem.level == "error":
            print(f"{problem.format()} (skipped) / 训练文件有误，已跳过", file=sys.stderr)
    for problem in workspace.content.errors:
        if problem.path.startswith("scripts_library/"):  # a training file that does not even parse
            print(f"{problem.format()} / 话术库文件有误", file=sys.stderr)
    trainee = Trainee.of(workspace)
    if args.action in (None, "drill"):
        return _drill(trainee, args)
    if args.action == "quiz":
        return quiz(trainee, args)
    if args.action == "progress":
        return progress(trainee, args)
    return exam(trainee, args)


# ---- drills -------------------------------------------------------------------------------------------
def _drill(trainee: Trainee, args: argparse.Namespace) -> int:
    drills = trainee.library.drills
    replies = [*(args.reply or []), *(read_text_input(f) for f in (args.reply_file or []))]
    if args.target is None:
        if replies:
            raise CommandError("give the DRILL_ID the reply answers (see `zhida train`) / 请指定演练编号")
        return _list_drills(drills, args.json)
    drill = trainee.library.drill(args.target)
    if drill is None:
        print(f"zhida: unknown drill '{args.target}' (see `zhida train` for the list) / 没有这个演练", file=sys.stderr)
        return 2
    if not replies:
        if args.json:
            print_json({"drill": drill_to_dict(drill)})
        else:
            text.print_drill(drill)
        return 0
    conversation = trainee.conversation(drill)
    for reply in replies:
        if conversation.finished:
            print("对话已结束,多余的回复没有评分 / the conversation is over: extra replies ignored", file=sys.stderr)
            break
        conversation.answer(reply)
    score = conversation.result()
    if not args.no_record:
        trainee.record(drill, score, conversation.turns)
    if args.json:
        doc = score_to_dict(drill, score)
        if drill.is_conversation:
            doc["turns"] = [
                {
                    "customer": t.message,
                    "reply": t.reply,
                    "total": t.score.total,
                    "reaction": t.reaction,
                    "why": t.why,
                    "next_message": t.next_message,
                    "items": [item_to_dict(i) for i in t.score.items],
                    "model_answer": t.score.model_answer,
                }
                for t in conversation.turns
            ]
            doc["finished"] = conversation.finished
            if not conversation.finished:
                doc["next_message"] = conversation.message
        print_json(doc)
        return 0
    if drill.is_conversation:
        for t in conversation.turns:
            print(f"—— 第 {t.index + 1} 轮 · {t.score.total} 分 · {REACTIONS[t.reaction]}:{t.why}")
            for item in t.score.items:
                if not item.ok:
                    print(f"   ✗ {item.name}  {item.why}")
            if t.next_message:
                print(f"   客户 customer: {t.next_message}")
        if not conversation.finished:
            print(f"(对话未结束:再加一个 --reply 回答客户的第 {conversation.index + 1} 条消息)")
        print()
    text.print_score(drill, score)
    return 0


def _list_drills(drills: list[Drill], as_json: bool) -> int:
    if as_json:
        print_json({"drills": [drill_to_dict(d) for d in drills]})
        return 0
    if not drills:
        print("no drills in this content root (add a scripts_library/*.yaml with kind: drills) / 没有演练")
        return 0
    width = max(len(d.id) for d in drills)
    for d in drills:
        turns = f"  ({d.replies_needed} 轮对话)" if d.is_conversation else ""
        print(f"{d.id.ljust(width)}  {d.type}  {d.title}{turns}")
    print(
        f"{len(drills)} drills: `zhida train drill ID` shows one, add --reply TEXT to be scored; "
        "also `zhida train quiz|progress|exam`",
        file=sys.stderr,
    )
    return 0
