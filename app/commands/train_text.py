"""How `zhida train` prints drills, scores and cards for a person (the JSON documents are built where used)."""

from __future__ import annotations

from typing import Any

from app.core.training.cards import CARD_KINDS, ORDER, RECALL, TRUEFALSE, Card, order_answer
from app.core.training.drills import Drill
from app.core.training.scoring import Score
from app.core.vocab import EMOTIONS


def print_drill(drill: Drill) -> None:
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


def print_score(drill: Drill, score: Score) -> None:
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


def card_dict(card: Card, reviews: int = 0) -> dict[str, Any]:
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


def print_card(card: Card, reviews: int) -> None:
    print(f"【{CARD_KINDS[card.kind]}】 {card.prompt_for(reviews)}")
    if card.kind == TRUEFALSE:
        print("    回答 对 / 错")
    elif card.kind == ORDER:
        for n, i in enumerate(card.shuffled()):
            print(f"    {'ABCDEFG'[n]}. {card.steps[i]}")
        print("    按正确顺序输入字母,如 " + "ABCDEFG"[: len(card.steps)][::-1])
    elif card.kind == RECALL:
        print("    想好再看答案:记得 / 忘了")


def right_answer(card: Card) -> str:
    if card.kind == ORDER:  # the letters of the shown order, then the steps
        return f"{order_answer(card, card.shuffled())}({card.answer})"
    return card.answer


def when(due: Any, now: Any) -> str:
    seconds = (due - now).total_seconds()
    if seconds <= 60:
        return "现在"
    if seconds < 3600:
        return f"{int(seconds // 60)} 分钟后"
    if seconds < 86400:
        return f"{int(seconds // 3600)} 小时后"
    return f"{int(seconds // 86400)} 天后"
