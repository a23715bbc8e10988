"""A trainee's progress: drill attempts over time, weak areas, the next drill to practise, mistake cards.

Every scored attempt is appended to `attempts.jsonl`: the drill, its type and category, the total, each
rubric item (right or not) and, for each miss, the better phrasing. From the log: the history of totals
(the chart), the average per problem type and category, the rubric items missed most often, and a
suggested next drill — one of the weakest type that trains the most-missed item, preferring one not
tried yet. Every miss becomes a card the trainee reviews with the quiz (`mistake_cards`).
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from app.core.content.model import Content
from app.core.text.pii import mask_personal_data
from app.core.training.cards import RECALL, Card
from app.core.training.drills import Drill
from app.core.training.elements import ScoreItem
from app.core.training.schedule import Review
from app.core.training.scoring import Score, grade_of
from app.core.training.sentences import short
from app.core.training.store import ATTEMPTS, REVIEWS, TrainingStore, parse_time

HISTORY = 200  # attempts kept for the chart and the published summary
_MISTAKE_KINDS = ("element", "specific", "critical", "facts")


@dataclass(frozen=True)
class Attempt:
    """One scored drill (or exam item), as logged."""

    when: datetime
    drill: str
    title: str
    type: str
    category: str
    total: int
    items: tuple[dict[str, Any], ...] = ()  # {name, ok, points, max, kind, why, better}
    turns: int = 1
    outcome: str = ""  # a conversation's last reaction (calm / neutral / escalate / left)
    exam: str = ""

    def to_dict(self) -> dict[str, Any]:
        """The log line."""
        return {
            "ts": self.when.isoformat(),
            "drill": self.drill,
            "title": self.title,
            "type": self.type,
            "category": self.category,
            "total": self.total,
            "items": list(self.items),
            "turns": self.turns,
            "outcome": self.outcome,
            "exam": self.exam,
        }

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> Attempt | None:
        """A log line back as an Attempt, or None when it is not one."""
        when = parse_time(raw.get("ts"))
        total = raw.get("total")
        if when is None or not isinstance(raw.get("drill"), str) or not isinstance(total, int):
            return None
        items = tuple(i for i in raw.get("items", []) if isinstance(i, dict) and isinstance(i.get("name"), str))
        text = {k: str(raw.get(k, "") or "") for k in ("title", "type", "category", "outcome", "exam")}
        turns = raw.get("turns", 1)
        return cls(
            when,
            raw["drill"],
            text["title"],
            text["type"],
            text["category"],
            max(0, min(100, total)),
            items,
            turns if isinstance(turns, int) else 1,
            text["outcome"],
            text["exam"],
        )

    @property
    def misses(self) -> list[dict[str, Any]]:
        """The rubric items this attempt lost points on."""
        return [i for i in self.items if not i.get("ok") and i.get("kind") in _MISTAKE_KINDS]


def attempt_of(drill: Drill, score: Score, content: Content, when: datetime, **extra: Any) -> Attempt:
    """The log record of a scored drill."""
    article = content.article(drill.article) if drill.article else None
    items = tuple(_item(i) for i in score.items)
    return Attempt(
        when, drill.id, drill.title, drill.type, article.category if article else "", score.total, items, **extra
    )


def _item(item: ScoreItem) -> dict[str, Any]:
    out: dict[str, Any] = {"name": item.name, "ok": item.ok, "points": item.points, "max": item.max_points}
    out["kind"] = item.kind
    if not item.ok:  # a reason can quote the reply: personal data is masked before it is logged
        out["why"] = short(mask_personal_data(item.why), 160)
        out["better"] = short(mask_personal_data(item.better), 200)
    return out


@dataclass
class Area:
    """How a trainee does in one problem type, category or rubric item."""

    name: str
    average: float  # mean total (types, categories) or share of attempts that got it right (items)
    count: int


@dataclass
class Progress:
    """Everything the 进度 page shows."""

    attempts: list[Attempt]
    by_type: list[Area] = field(default_factory=list)  # weakest first
    by_category: list[Area] = field(default_factory=list)
    by_item: list[Area] = field(default_factory=list)  # most missed first
    quiz_accuracy: list[Area] = field(default_factory=list)  # per category, weakest first
    suggestion: Drill | None = None
    suggestion_why: str = ""
    skipped_lines: int = 0

    @property
    def recent_average(self) -> float:
        """The mean total of the last five attempts (0 without any)."""
        last = [a.total for a in self.attempts[-5:]]
        return sum(last) / len(last) if last else 0.0


def load_attempts(store: TrainingStore) -> tuple[list[Attempt], int]:
    """The attempt log, oldest first, and how many lines were unreadable."""
    raw, skipped = store.read(ATTEMPTS)
    attempts = [a for a in (Attempt.from_dict(x) for x in raw) if a is not None]
    return sorted(attempts, key=lambda a: a.when), skipped + len(raw) - len(attempts)


def build_progress(store: TrainingStore, drills: list[Drill], cards: list[Card]) -> Progress:
    """Aggregate the trainee's logs into the progress page."""
    attempts, skipped = load_attempts(store)
    attempts = attempts[-HISTORY:]
    progress = Progress(attempts, skipped_lines=skipped)
    progress.by_type = _areas((a.type, a.total) for a in attempts if a.type)
    progress.by_category = _areas((a.category, a.total) for a in attempts if a.category)
    seen: Counter[str] = Counter()
    right: Counter[str] = Counter()
    for a in attempts:
        for item in a.items:
            if item.get("kind") in _MISTAKE_KINDS and (item.get("max") or item.get("kind") == "critical"):
                seen[item["name"]] += 1
                right[item["name"]] += bool(item.get("ok"))
    progress.by_item = sorted(
        (Area(n, right[n] / seen[n], seen[n]) for n in seen if right[n] < seen[n]), key=lambda x: (x.average, -x.count)
    )
    raw, _ = store.read(REVIEWS)
    by_card = {c.id: c for c in cards}
    answered = [
        (by_card[r.card].category or "其他", 100.0 if r.ok else 0.0)
        for r in (Review.from_dict(x) for x in raw)
        if r is not None and r.card in by_card
    ]
    progress.quiz_accuracy = _areas(answered)
    progress.suggestion, progress.suggestion_why = suggest(attempts, drills, progress)
    return progress


def _areas(pairs: Any) -> list[Area]:
    groups: defaultdict[str, list[float]] = defaultdict(list)
    for name, value in pairs:
        groups[name].append(value)
    return sorted((Area(n, sum(v) / len(v), len(v)) for n, v in groups.items()), key=lambda x: (x.average, x.name))


def suggest(attempts: list[Attempt], drills: list[Drill], progress: Progress) -> tuple[Drill | None, str]:
    """The drill to practise next, and why: untried drills first, then the weakest type, then the most-missed item."""
    if not drills:
        return None, ""
    tried = Counter(a.drill for a in attempts)
    last = {a.drill: a for a in attempts}
    if not attempts:
        return drills[0], "从第一道题开始。"
    weakest = progress.by_type[0].name if progress.by_type else ""
    item = progress.by_item[0].name if progress.by_item else ""

    def rank(d: Drill) -> tuple[int, int, int, int]:
        missed_here = int(bool(item) and d.id in last and any(m["name"] == item for m in last[d.id].misses))
        low = int(d.id in last and last[d.id].total < 75)
        return (-(d.type == weakest), -(low or missed_here or not tried[d.id]), tried[d.id], drills.index(d))

    choice = min(drills, key=rank)
    reasons = []
    if choice.type == weakest and progress.by_type:
        reasons.append(f"「{weakest}」是你平均分最低的类型({progress.by_type[0].average:.0f} 分)")
    if not tried[choice.id]:
        reasons.append("这道题还没练过")
    elif choice.id in last:
        reasons.append(f"上次 {last[choice.id].total} 分({grade_of(last[choice.id].total)})")
    if item:
        reasons.append(f"最常失分的是「{item}」")
    return choice, ";".join(reasons) + "。"


def mistake_cards(attempts: list[Attempt], drills: list[Drill]) -> list[Card]:
    """One recall card per (drill, missed item) with a better phrasing: the situation, then what to say."""
    by_id = {d.id: d for d in drills}
    cards: dict[str, Card] = {}
    for a in attempts:
        drill = by_id.get(a.drill)
        for miss in a.misses:
            better = str(miss.get("better", "") or "").strip()
            if drill is None or not better:
                continue
            card_id = f"mistake:{a.drill}:{miss['name']}"
            prompt = (
                f"「{drill.title}」\n客户:{short(drill.message, 60)}\n"
                f"上次在「{miss['name']}」上失分:{short(str(miss.get('why', '')), 80)}\n这一步该怎么说?"
            )
            version = hashlib.sha1(better.encode("utf-8")).hexdigest()[:12]
            cards[card_id] = Card(
                card_id, RECALL, prompt, better, "先想好怎么说,再看答案;记得就选“记得”。",
                category=drill.type, type=drill.type, version=version, source="mistake",
            )  # fmt: skip
    return list(cards.values())
