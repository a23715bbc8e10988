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
import json
import sys
import time
from pathlib import Path
from typing import Any

from app.commands.common import CommandError, add_content_option, open_workspace, print_json, read_text_input
from app.core.training.cards import CARD_KINDS, ORDER, RECALL, TRUEFALSE, Card, order_answer
from app.core.training.cohort import CohortError, read_cohort
from app.core.training.conversation import REACTIONS
from app.core.training.drills import Drill, drill_to_dict
from app.core.training.exam import summary_markdown
from app.core.training.scoring import Score, item_to_dict, score_to_dict
from app.core.training.settings import PUBLISH_MODES
from app.core.training.trainee import Trainee
from app.core.vocab import EMOTIONS

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
        return _quiz(trainee, args)
    if args.action == "progress":
        return _progress(trainee, args)
    return _exam(trainee, args)


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
            _print_drill(drill)
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
    _print_score(drill, score)
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


def _print_drill(drill: Drill) -> None:
    mood = EMOTIONS.label(drill.emotion) if drill.emotion else ""
    who = " · ".join(x for x in (drill.type, drill.audience, drill.channel, mood) if x)
    print(f"【{drill.title}】 ({who})")
    if drill.persona is not None and drill.is_conversation:
        print(f"客户画像 persona: {drill.persona.name},耐心 {drill.persona.patience} 次;共 {drill.replies_needed} 轮")
    print("客户 customer:")
    for line in drill.message.splitlines():
        print(f"    {line}")
    if drill.hint:
        print(f"提示 hint: {drill.hint}")
    extra = ' --reply "第二轮回复" …' if drill.is_conversation else ""
    print(f'作答 answer: zhida train drill {drill.id} --reply "您的回复"{extra}')


def _print_score(drill: Drill, score: Score) -> None:
    print(f"【{drill.title}】 得分 score: {score.total}/100 {score.grade}")
    if score.capped_by:
        print(f"关键项 critical: {'、'.join(score.capped_by)} —— 总分最高 59")
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


# ---- quiz ---------------------------------------------------------------------------------------------
def _card_dict(card: Card, reviews: int = 0) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": card.id,
        "kind": card.kind,
        "prompt": card.prompt_for(reviews),
        "article": card.article,
        "category": card.category,
        "source": card.source,
    }
    if card.kind == ORDER:
        shown = card.shuffled()
        out["steps"] = [{"letter": "ABCDEFG"[n], "text": card.steps[i]} for n, i in enumerate(shown)]
    return out


def _quiz(trainee: Trainee, args: argparse.Namespace) -> int:
    deck = trainee.deck()
    now = trainee.clock()
    if args.card is not None:
        if args.answer is None:
            raise CommandError("--card needs --answer TEXT / 请给出答案")
        if args.card not in deck.states:
            raise CommandError(f"unknown card '{args.card}' (see `zhida train quiz --list`) / 没有这张卡片")
        state = deck.states[args.card]
        result = trainee.answer_card(args.card, args.answer, args.seconds, deck)
        doc = {
            "card": _card_dict(result.card, state.reviews),
            "ok": result.verdict.ok,
            "note": result.verdict.note,
            "answer": _right_answer(result.card),
            "explain": result.card.explain,
            "rating": result.review.rating,
            "due": result.due.isoformat(),
        }
        if args.json:
            print_json(doc)
        else:
            print(
                ("✓ 答对了" if result.verdict.ok else "✗ 答错了")
                + (f"({result.verdict.note})" if result.verdict.note else "")
            )
            print(f"正确答案 answer: {doc['answer']}")
            if result.card.explain:
                print(f"解析 explain: {result.card.explain}")
            print(f"下次复习 next: {_when(result.due, now)}")
        return 0
    if args.list:
        rows = [
            {**_card_dict(s.card, s.reviews), "reviews": s.reviews, "due": None if s.is_new else s.fsrs.due.isoformat()}
            for s in deck.states.values()
        ]
        if args.json:
            print_json({"cards": rows})
        else:
            for s in deck.states.values():
                when = "新卡" if s.is_new else _when(s.fsrs.due, now)
                print(f"{s.card.id}  {CARD_KINDS[s.card.kind]}  {when}  {s.card.prompt_for(s.reviews)[:40]}")
        return 0
    if args.interactive:
        return _quiz_interactive(trainee)
    queue = deck.queue(now)
    stats = deck.stats(now)
    if args.json:
        print_json(
            {
                "due": [_card_dict(s.card, s.reviews) for s in queue[: args.limit]],
                "in_queue": stats.in_queue,
                "new_cards": stats.new,
                "reviewed_today": stats.reviewed_today,
                "next_due": (deck.next_due(now) or now).isoformat() if not queue else None,
            }
        )
        return 0
    per_day = trainee.library.settings.new_cards_per_day
    print(f"待答 {stats.in_queue} 张(今天已复习 {stats.reviewed_today} 张,新卡每天最多 {per_day} 张)")
    for s in queue[: args.limit]:
        print(f"  {s.card.id}  [{CARD_KINDS[s.card.kind]}]  {s.card.prompt_for(s.reviews).splitlines()[0][:50]}")
    if queue:
        first = queue[0]
        print()
        _print_card(first.card, first.reviews)
        print(f'作答 answer: zhida train quiz --card "{first.card.id}" --answer "…" [--seconds 12]')
    else:
        upcoming = deck.next_due(now)
        print("今天的卡片都答完了" + (f",下一张 {_when(upcoming, now)} 到期。" if upcoming else "。"))
    return 0


def _print_card(card: Card, reviews: int) -> None:
    print(f"【{CARD_KINDS[card.kind]}】 {card.prompt_for(reviews)}")
    if card.kind == TRUEFALSE:
        print("    回答 对 / 错")
    elif card.kind == ORDER:
        for n, i in enumerate(card.shuffled()):
            print(f"    {'ABCDEFG'[n]}. {card.steps[i]}")
        print("    按正确顺序输入字母,如 " + "ABCDEFG"[: len(card.steps)][::-1])
    elif card.kind == RECALL:
        print("    想好再看答案:记得 / 忘了")


def _right_answer(card: Card) -> str:
    if card.kind == ORDER:  # the letters of the shown order, then the steps
        return f"{order_answer(card, card.shuffled())}({card.answer})"
    return card.answer


def _when(due: Any, now: Any) -> str:
    seconds = (due - now).total_seconds()
    if seconds <= 60:
        return "现在"
    if seconds < 3600:
        return f"{int(seconds // 60)} 分钟后"
    if seconds < 86400:
        return f"{int(seconds // 3600)} 小时后"
    return f"{int(seconds // 86400)} 天后"


def _quiz_interactive(trainee: Trainee) -> int:
    answered = 0
    while True:
        deck = trainee.deck()
        queue = deck.queue(trainee.clock())
        if not queue:
            print(f"今天的卡片都答完了(本次 {answered} 张)。")
            return 0
        state = queue[0]
        _print_card(state.card, state.reviews)
        started = time.monotonic()
        line = sys.stdin.readline()
        if not line:
            print(f"\n本次答了 {answered} 张。")
            return 0
        result = trainee.answer_card(state.card.id, line.strip(), time.monotonic() - started, deck)
        answered += 1
        print(("✓ " if result.verdict.ok else "✗ ") + f"正确答案:{_right_answer(result.card)}")
        if result.card.explain:
            print(f"  {result.card.explain}")
        print(f"  下次复习:{_when(result.due, trainee.clock())}\n")


# ---- progress -----------------------------------------------------------------------------------------
def _share(args: argparse.Namespace) -> Path:
    from app.core.settings import load_settings

    folder = args.shared or load_settings()[0].shared_folder
    if not folder:
        raise CommandError("no shared folder: pass --shared DIR or set one in the app's settings / 没有设置共享文件夹")
    path = Path(folder).expanduser()
    if not path.is_dir():
        raise CommandError(f"shared folder not found: {path} / 共享文件夹不存在")
    return path


def _progress(trainee: Trainee, args: argparse.Namespace) -> int:
    if args.name:
        trainee.store.set_name(args.name)
    if args.team:
        return _team(trainee, _share(args), args.json)
    progress = trainee.progress()
    deck = trainee.deck()
    now = trainee.clock()
    stats = deck.stats(now)
    exams = trainee.exams()
    published = ""
    if args.publish:
        try:
            path = trainee.publish(_share(args))
        except (CohortError, OSError) as exc:
            raise CommandError(f"not published: {exc} / 未能发布") from None
        published = str(path) if path else ""
        if path is None:
            print("团队没有开启进度共享(settings: publish_progress: off),未发布 / not published", file=sys.stderr)
    if args.json:
        print_json(
            {
                "attempts": [a.to_dict() for a in progress.attempts],
                "recent_average": round(progress.recent_average, 1),
                "by_type": [vars(a) for a in progress.by_type],
                "by_category": [vars(a) for a in progress.by_category],
                "by_item": [vars(a) for a in progress.by_item],
                "quiz_by_category": [vars(a) for a in progress.quiz_accuracy],
                "suggestion": {"drill": progress.suggestion.id, "why": progress.suggestion_why}
                if progress.suggestion
                else None,
                "cards": {"total": stats.total, "new": stats.new, "in_queue": stats.in_queue, "due_now": stats.due_now},
                "exams": [e.to_dict() for e in exams],
                "publish_mode": trainee.publish_mode,
                "published": published,
            }
        )
        return 0
    print(f"练习 {len(progress.attempts)} 次,最近 5 次平均 {progress.recent_average:.0f} 分")
    if progress.attempts:
        print("分数走势: " + " ".join(str(a.total) for a in progress.attempts[-20:]))
    for title, areas, fmt in (
        ("按类型(平均分)", progress.by_type, "{:.0f} 分"),
        ("按分类(平均分)", progress.by_category, "{:.0f} 分"),
        ("最常失分的评分项(做到的比例)", progress.by_item[:6], "{:.0%}"),
        ("卡片按分类(答对率)", progress.quiz_accuracy[:6], "{:.0f}%"),
    ):
        if areas:
            print(f"{title}: " + ";".join(f"{a.name} {fmt.format(a.average)}({a.count} 次)" for a in areas))
    print(f"卡片: 共 {stats.total} 张,待答 {stats.in_queue} 张,未学 {stats.new} 张")
    for e in exams[-3:]:
        print(f"考试: {e.title} {e.total} 分 {'通过' if e.passed else '未通过'}({e.finished.astimezone():%m-%d %H:%M})")
    if progress.suggestion:
        print(f"下一题建议: {progress.suggestion.id} —— {progress.suggestion_why}")
    print(
        f"团队进度共享: {PUBLISH_MODES.get(trainee.publish_mode, trainee.publish_mode)}"
        + (f",已发布到 {published}" if published else "")
    )
    return 0


def _team(trainee: Trainee, share: Path, as_json: bool) -> int:
    cohort = read_cohort(share, trainee.clock())
    for notice in cohort.notices:
        print(f"zhida: {notice}", file=sys.stderr)
    if as_json:
        print_json(
            {
                "trainees": [{**vars(r), "updated": r.updated.isoformat()} for r in cohort.trainees],
                "weakest": [{"name": n, "right": round(r, 3), "trainees": c} for n, r, c in cohort.weakest],
                "notices": cohort.notices,
            }
        )
        return 0
    if not cohort.trainees:
        print("还没有学员发布进度(团队设置 publish_progress 要开启,学员同步后才会出现)")
        return 0
    for r in cohort.trainees:
        flag = f"  ⚠ 卡住了:{r.stuck}" if r.stuck else ""
        print(
            f"{r.name}  练习 {r.attempts} 次  近期平均 {r.recent_average:.0f}  待复习 {r.due_now} 张"
            f"  {r.last_exam or '未考试'}{flag}"
        )
    if cohort.weakest:
        print("团队最弱的评分项: " + ";".join(f"{n}({c} 人,做到 {r:.0%})" for n, r, c in cohort.weakest[:6]))
    return 0


# ---- exams --------------------------------------------------------------------------------------------
def _exam(trainee: Trainee, args: argparse.Namespace) -> int:
    exams = trainee.library.exams
    if args.target is None:
        if args.json:
            print_json({"exams": [{**vars(e), "items": e.items} for e in exams]})
        elif not exams:
            print("没有考试(知识管理员可在 scripts_library/training/settings.yaml 的 exams: 里添加)")
        else:
            for e in exams:
                limit = f"限时 {e.time_limit_min} 分钟" if e.time_limit_min else "不限时"
                print(f"{e.id}  {e.title}  {len(e.items)} 题  {limit}  及格 {e.pass_mark}")
        return 0
    exam = trainee.library.exam(args.target)
    if exam is None:
        print(f"zhida: unknown exam '{args.target}' (see `zhida train exam`) / 没有这个考试", file=sys.stderr)
        return 2
    session = trainee.exam_session(exam)
    if args.answers:
        try:
            answers = json.loads(read_text_input(args.answers))
        except ValueError as exc:
            raise CommandError(f"{args.answers}: not JSON ({exc}) / 不是 JSON 文件") from None
        if not isinstance(answers, dict):
            raise CommandError(f"{args.answers}: must be a JSON object {{item id: answer}} / 格式不对")
        for index, item in enumerate(session.items):
            if isinstance(answers.get(item.id), str):
                session.answer(index, answers[item.id])
    elif args.interactive:
        for index, item in enumerate(session.items):
            print(f"\n第 {index + 1}/{len(session.items)} 题({'演练' if item.kind == 'drill' else '卡片'})")
            if item.kind == "drill":
                _print_drill(session.drills[item.id])
                print("(写下回复,单独一行 . 结束)")
            else:
                _print_card(session.cards[item.id], 0)
            lines = []
            for line in sys.stdin:
                if item.kind == "card" or line.strip() == ".":
                    if item.kind == "card":
                        lines.append(line)
                    break
                lines.append(line)
            if lines:
                print("  → " + session.answer(index, "".join(lines).strip()).detail)
    else:
        if args.json:
            print_json({"exam": {**vars(exam), "items": exam.items}})
        else:
            limit = f"限时 {exam.time_limit_min} 分钟" if exam.time_limit_min else "不限时"
            print(f"【{exam.title}】 {len(session.items)} 题 · {limit} · 及格 {exam.pass_mark} 分")
            for n, item in enumerate(session.items, start=1):
                print(f"  {n}. [{'演练' if item.kind == 'drill' else '卡片'}] {item.id}  {item.title}")
            print("作答: zhida train exam ID --interactive,或 --answers answers.json({题目编号: 答案})")
        return 0
    result = trainee.finish_exam(session)
    text = summary_markdown(result, trainee.store.display_name(), session)
    if args.export:
        try:
            Path(args.export).write_text(text, encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"{args.export}: cannot write ({exc.strerror or exc}) / 无法保存") from None
    if args.json:
        print_json(result.to_dict())
    else:
        print(text)
    return 0
