"""`zhida train progress` (and `--team`, the trainer's board) and `zhida train exam`."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from app.commands import train_text as text
from app.commands.common import CommandError, print_json, read_text_input
from app.core.training.cohort import CohortError, read_cohort
from app.core.training.exam import summary_markdown
from app.core.training.settings import PUBLISH_MODES
from app.core.training.trainee import Trainee


def _share(args: argparse.Namespace) -> Path:
    from app.core.settings import load_settings

    folder = args.shared or load_settings()[0].shared_folder
    if not folder:
        raise CommandError("no shared folder: pass --shared DIR or set one in the app's settings / 没有设置共享文件夹")
    path = Path(folder).expanduser()
    if not path.is_dir():
        raise CommandError(f"shared folder not found: {path} / 共享文件夹不存在")
    return path


def progress(trainee: Trainee, args: argparse.Namespace) -> int:
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


def exam(trainee: Trainee, args: argparse.Namespace) -> int:
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
                text.print_drill(session.drills[item.id])
                print("(写下回复,单独一行 . 结束)")
            else:
                text.print_card(session.cards[item.id], 0)
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
    summary = summary_markdown(result, trainee.store.display_name(), session)
    if args.export:
        try:
            Path(args.export).write_text(summary, encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"{args.export}: cannot write ({exc.strerror or exc}) / 无法保存") from None
    if args.json:
        print_json(result.to_dict())
    else:
        print(summary)
    return 0
