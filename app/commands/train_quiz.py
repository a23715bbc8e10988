"""`zhida train quiz`: the due cards, answering one, the whole list, or an interactive round on stdin."""

from __future__ import annotations

import argparse
import sys
import time

from app.commands import train_text as text
from app.commands.common import CommandError, print_json
from app.core.training.cards import CARD_KINDS
from app.core.training.trainee import Trainee


def quiz(trainee: Trainee, args: argparse.Namespace) -> int:
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
            "card": text.card_dict(result.card, state.reviews),
            "ok": result.verdict.ok,
            "note": result.verdict.note,
            "answer": text.right_answer(result.card),
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
            print(f"下次复习 next: {text.when(result.due, now)}")
        return 0
    if args.list:
        rows = [
            {
                **text.card_dict(s.card, s.reviews),
                "reviews": s.reviews,
                "due": None if s.is_new else s.fsrs.due.isoformat(),
            }
            for s in deck.states.values()
        ]
        if args.json:
            print_json({"cards": rows})
        else:
            for s in deck.states.values():
                when = "新卡" if s.is_new else text.when(s.fsrs.due, now)
                print(f"{s.card.id}  {CARD_KINDS[s.card.kind]}  {when}  {s.card.prompt_for(s.reviews)[:40]}")
        return 0
    if args.interactive:
        return _quiz_interactive(trainee)
    queue = deck.queue(now)
    stats = deck.stats(now)
    if args.json:
        print_json(
            {
                "due": [text.card_dict(s.card, s.reviews) for s in queue[: args.limit]],
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
        text.print_card(first.card, first.reviews)
        print(f'作答 answer: zhida train quiz --card "{first.card.id}" --answer "…" [--seconds 12]')
    else:
        upcoming = deck.next_due(now)
        print("今天的卡片都答完了" + (f",下一张 {text.when(upcoming, now)} 到期。" if upcoming else "。"))
    return 0


def _quiz_interactive(trainee: Trainee) -> int:
    answered = 0
    while True:
        deck = trainee.deck()
        queue = deck.queue(trainee.clock())
        if not queue:
            print(f"今天的卡片都答完了(本次 {answered} 张)。")
            return 0
        state = queue[0]
        text.print_card(state.card, state.reviews)
        started = time.monotonic()
        line = sys.stdin.readline()
        if not line:
            print(f"\n本次答了 {answered} 张。")
            return 0
        result = trainee.answer_card(state.card.id, line.strip(), time.monotonic() - started, deck)
        answered += 1
        print(("✓ " if result.verdict.ok else "✗ ") + f"正确答案:{text.right_answer(result.card)}")
        if result.card.explain:
            print(f"  {result.card.explain}")
        print(f"  下次复习:{text.when(result.due, trainee.clock())}\n")
