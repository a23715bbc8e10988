"""Conversations that react: each reply is scored, and the customer's next message depends on it.

Empathy and a concrete plan calm the customer (mood steps down, the turn's `calm` message); a 禁忌
phrase, leaked personal data, a wrong fact, a reply that does not answer, or ignoring what the
customer said (第三次, 曝光 …) escalates (mood steps up, one patience used, the `escalate` message);
a so-so reply gets the `neutral` message. When patience runs out the customer leaves and the
conversation is capped at the red line. The overall score takes each rubric element from the reply
that showed it best, the key facts over all replies, every 回应 item, and every deduction.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.core.training.drills import Drill
from app.core.training.elements import Case, ScoreItem
from app.core.training.rubric import Scoring
from app.core.training.scoring import Score, Services, score_case
from app.core.training.sentences import fact_form, has_fact
from app.core.vocab import ANGRY, ANXIOUS, NEUTRAL

CALM, MIXED, ESCALATE, LEFT = "calm", "neutral", "escalate", "left"
REACTIONS = {CALM: "情绪缓和", MIXED: "仍不满意", ESCALATE: "情绪升级", LEFT: "客户失去耐心"}
_MOODS = (NEUTRAL, ANXIOUS, ANGRY)
DEFAULT_LEAVE = "算了,跟你说不通,我直接去投诉。"
CALM_AT = 75
MIXED_AT = 60


@dataclass(frozen=True)
class TurnResult:
    """One reply of a conversation: its score, how the customer took it and what they say next."""

    index: int  # 0 for the reply to the opening message
    message: str  # the customer's message this reply answered
    reply: str
    score: Score
    reaction: str  # calm | neutral | escalate | left
    why: str  # why the customer reacted so
    next_message: str  # '' when the conversation is over
    mood: str  # the customer's mood after this reply
    patience: int


class Conversation:
    """One run through a drill: `answer(reply)` until `finished`, then `result()` for the overall score."""

    def __init__(self, drill: Drill, services: Services):
        self.drill = drill
        self.services = services
        persona = drill.persona
        self.mood = (persona.mood if persona else "") or drill.emotion or NEUTRAL
        self.patience = persona.patience if persona else 1
        self.message = drill.message
        self.turns: list[TurnResult] = []
        self.covered: set[str] = set()
        self.finished = False
        self.left = False

    @property
    def index(self) -> int:
        """Which reply is expected next (0 for the opening message)."""
        return len(self.turns)

    @property
    def hint(self) -> str:
        """The coaching hint for the message the trainee answers now."""
        if self.index == 0:
            return self.drill.hint
        return self.drill.turns[self.index - 1].hint

    def case(self) -> Case:
        """The customer message to answer now, with what it asks for."""
        i = self.index
        drill = self.drill
        turn = drill.turns[i - 1] if i > 0 else None
        return Case(
            drill,
            self.message,
            turn.facts if turn is not None else drill.facts,
            (turn.article if turn is not None else "") or drill.article,
            self.mood if self.mood != NEUTRAL else "",
            turn.expect if turn is not None else (),
            frozenset(self.covered),
            first=i == 0,
            last=i == drill.replies_needed - 1,
        )

    def answer(self, reply: str) -> TurnResult:
        """Score `reply` to the current message and move the conversation on."""
        if self.finished:
            raise ValueError("the conversation is over")
        case = self.case()
        score = score_case(case, reply, self.services)
        reaction, why = react(score, self.mood, self.covered, self.services.scoring)
        self.covered.update(i.name for i in score.items if i.kind == "element" and i.ok)
        step = {CALM: -1, ESCALATE: 1}.get(reaction, 0)
        self.mood = _MOODS[max(0, min(len(_MOODS) - 1, _MOODS.index(self.mood) + step))]
        next_message = ""
        last = self.index == self.drill.replies_needed - 1
        if reaction == ESCALATE:
            self.patience -= 1
        turn = self.drill.turns[self.index] if not last else None
        if reaction == ESCALATE and self.patience <= 0 and turn is not None:
            reaction, why = LEFT, why + " 客户的耐心用完了。"
            said = [t.leave for t in self.drill.turns[: self.index + 1] if t.leave]  # the latest one written so far
            next_message = said[-1] if said else DEFAULT_LEAVE
            self.left = True
        elif turn is not None:
            next_message = {CALM: turn.calm, MIXED: turn.neutral or turn.escalate}.get(reaction, turn.escalate)
        result = TurnResult(
            self.index, self.message, reply, score, reaction, why, next_message, self.mood, self.patience
        )
        self.turns.append(result)
        self.finished = last or self.left
        if not self.finished:
            self.message = next_message
        return result

    def result(self) -> Score:
        """The conversation's overall score (what was answered so far when it is not finished)."""
        return combine(self.drill, self.turns, self.left, self.services)


def react(score: Score, mood: str, covered: set[str], scoring: Scoring) -> tuple[str, str]:
    """How the customer takes a reply, and why (shown to the trainee)."""
    bad = {i.name: i for i in score.items if not i.ok}
    for name in ("禁忌话术", "隐私"):
        if name in score.capped_by:
            return ESCALATE, f"回复触犯了{name}:{bad[name].why.split(' (')[0]}"
    if "事实准确" in score.capped_by:
        return ESCALATE, "回复里的信息与知识库不符,客户照着做会再次碰壁。"
    if "切题作答" in score.capped_by or "回复内容" in score.capped_by:
        return ESCALATE, "回复没有针对客户的问题,客户觉得在被敷衍。"
    ignored = [i for i in score.items if i.kind == "specific" and not i.ok]
    if ignored:
        return ESCALATE, "客户说的话没有被回应:" + "、".join(i.name.split(":", 1)[-1] for i in ignored) + "。"
    elements = scoring.elements
    shown = {i.name for i in score.items if i.ok} | covered
    cared = any(n in shown for n, e in elements.items() if e.care) or mood not in (ANGRY, ANXIOUS)
    asked = [
        i
        for i in score.items
        if i.max_points > 0
        and (i.kind == "facts" or (i.kind == "element" and i.name in elements and elements[i.name].substantive))
    ]
    plan = any(i.ok for i in asked) or not asked
    if score.total >= CALM_AT and cared and plan:
        return CALM, "先照顾了客户的情绪,又给了具体的办法,客户平静下来了。" if mood in (
            ANGRY,
            ANXIOUS,
        ) else "回复清楚具体。"
    if score.total >= MIXED_AT:
        missing = [i.name for i in score.items if not i.ok and i.max_points > 0]
        return MIXED, "回复还不够到位" + (f"(缺少:{'、'.join(missing[:3])})" if missing else "") + ",客户还在追问。"
    return ESCALATE, f"回复没有解决客户的问题(本轮 {score.total} 分),客户更不满了。"


def combine(drill: Drill, turns: list[TurnResult], left: bool, services: Services) -> Score:
    """The overall score of a conversation from its replies."""
    if not turns:
        return Score(drill.id, 0, (), "", ())
    if len(turns) == 1 and not left:
        return turns[0].score
    best: dict[str, ScoreItem] = {}
    others: list[ScoreItem] = []
    checks: dict[str, list[ScoreItem]] = {}
    for turn in turns:
        for item in turn.score.items:
            if item.kind == "element":
                if item.name not in best or item.points > best[item.name].points:
                    best[item.name] = item
            elif item.kind == "specific":
                label = item.name if turn.index == 0 else f"{item.name}(第{turn.index + 1}轮)"
                others.append(ScoreItem(label, item.points, item.max_points, item.ok, item.why, item.better, item.kind))
            elif item.kind in ("check", "critical"):
                checks.setdefault(item.name, []).append(item)
    items = list(best.values())
    facts = tuple(dict.fromkeys(f for t in turns for f in _facts_of(drill, t.index)))
    if facts:
        items.append(_facts_item(facts, " ".join(t.reply for t in turns), services.scoring.facts))
    items.extend(others)
    content_max = sum(i.max_points for i in items) or 1.0
    total = 100 * sum(i.points for i in items) / content_max
    capped = list(dict.fromkeys(name for t in turns for name in t.score.capped_by))
    for name, group in checks.items():
        bad = [i for i in group if not i.ok]
        points = sum(i.points for i in group)
        if bad:
            item = ScoreItem(
                name, points, 0.0, False, " ".join(dict.fromkeys(i.why for i in bad)), bad[0].better, bad[0].kind
            )
        else:
            item = group[0]
        items.append(item)
        total += points
    if left:
        capped.append("客户耐心")
        items.append(
            ScoreItem("客户耐心", 0.0, 0.0, False, "客户失去耐心离开了对话:这通会话算作没有解决。", "", "critical")
        )
    total = round(total)
    if capped and total > services.scoring.red_line:
        total = services.scoring.red_line
    findings = tuple(f for t in turns for f in t.score.findings)
    return Score(drill.id, max(0, min(100, total)), tuple(items), turns[0].score.model_answer, findings, tuple(capped))


def _facts_of(drill: Drill, index: int) -> tuple[str, ...]:
    return drill.facts if index == 0 else drill.turns[index - 1].facts


def _facts_item(facts: tuple[str, ...], replies: str, points: float) -> ScoreItem:
    form = fact_form(replies)
    missing = [f.split("|")[0] for f in facts if not has_fact(form, f)]
    got = points * (len(facts) - len(missing)) / len(facts)
    if not missing:
        return ScoreItem("关键信息", points, points, True, "整段对话里关键信息都说清楚了。", "", "facts")
    why = "整段对话没有说明:" + "、".join(f"“{m}”" for m in missing) + "。"
    return ScoreItem("关键信息", round(got, 1), points, False, why, "", "facts")
