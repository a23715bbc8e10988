"""Exam mode: a fixed set of drills and cards, an optional time limit, a pass mark, a summary to export.

Drill items are scored like practice (a reply to the drill's opening message); card items score 100 or
0. The exam total is the mean; it passes at the pass mark. Answers given after the time limit are not
accepted (the item scores 0), and an exam handed in late says so. Results go to `exams.jsonl`, and
each drill item is also an attempt (its misses become cards) marked with the exam's id.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from app.core.training.cards import Card, Verdict, check_answer
from app.core.training.drills import Drill
from app.core.training.scoring import Score, Services, score_reply
from app.core.training.settings import Exam
from app.core.training.store import EXAMS, Clock, TrainingStore, parse_time


@dataclass
class ExamItem:
    """One question of an exam and, once answered, how it went."""

    kind: str  # drill | card
    id: str
    title: str
    answered: bool = False
    score: int = 0
    late: bool = False
    detail: str = ""
    drill_score: Score | None = None


@dataclass
class ExamResult:
    """A finished exam."""

    exam: str
    title: str
    started: datetime
    finished: datetime
    total: int
    pass_mark: int
    passed: bool
    over_time: bool
    items: list[dict[str, Any]] = field(default_factory=list)

    @property
    def seconds(self) -> int:
        """How long the exam took."""
        return int((self.finished - self.started).total_seconds())

    def to_dict(self) -> dict[str, Any]:
        """The log line and the JSON of `zhida train exam --json`."""
        return {
            "ts": self.finished.isoformat(),
            "started": self.started.isoformat(),
            "exam": self.exam,
            "title": self.title,
            "total": self.total,
            "pass_mark": self.pass_mark,
            "passed": self.passed,
            "over_time": self.over_time,
            "seconds": self.seconds,
            "items": self.items,
        }

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> ExamResult | None:
        """A log line back as a result, or None."""
        started, finished = parse_time(raw.get("started")), parse_time(raw.get("ts"))
        total, mark = raw.get("total"), raw.get("pass_mark")
        if started is None or finished is None or not isinstance(total, int) or not isinstance(mark, int):
            return None
        items = [i for i in raw.get("items", []) if isinstance(i, dict)]
        return cls(
            str(raw.get("exam", "")),
            str(raw.get("title", "")),
            started,
            finished,
            total,
            mark,
            raw.get("passed") is True,
            raw.get("over_time") is True,
            items,
        )


class ExamSession:
    """One sitting of an exam: start, answer the items in any order, finish."""

    def __init__(self, exam: Exam, drills: dict[str, Drill], cards: dict[str, Card], services: Services, clock: Clock):
        self.exam = exam
        self.drills = drills
        self.cards = cards
        self.services = services
        self.clock = clock
        self.started = clock()
        self.items = [
            ExamItem(kind, item_id, drills[item_id].title if kind == "drill" else _card_title(cards[item_id]))
            for kind, item_id in exam.items
            if (drills if kind == "drill" else cards).get(item_id) is not None
        ]
        self.result: ExamResult | None = None

    @property
    def deadline(self) -> datetime | None:
        """When answers stop being accepted (None without a time limit)."""
        return self.started + timedelta(minutes=self.exam.time_limit_min) if self.exam.time_limit_min else None

    def remaining(self) -> int | None:
        """Seconds left (0 when time is up; None without a limit)."""
        if self.deadline is None:
            return None
        return max(0, int((self.deadline - self.clock()).total_seconds()))

    def expired(self) -> bool:
        """True once the time limit has passed."""
        return self.deadline is not None and self.clock() > self.deadline

    def item(self, index: int) -> ExamItem:
        """The item at `index`."""
        return self.items[index]

    def answer(self, index: int, text: str, at: datetime | None = None) -> ExamItem:
        """Score an answer to item `index` (a reply for a drill, an answer for a card) given `at` (default now);
        an answer given after the time limit scores 0."""
        if self.result is not None:
            raise ValueError("the exam is finished")
        item = self.items[index]
        item.answered = True
        when = at or self.clock()
        if self.deadline is not None and when > self.deadline:
            item.score, item.late, item.detail = 0, True, "超过考试时间,答案未计分"
            return item
        if item.kind == "drill":
            drill = self.drills[item.id]
            score = score_reply(drill, text, self.services.content, services=self.services)
            item.score, item.drill_score = score.total, score
            item.detail = f"{score.total} 分 {score.grade}"
        else:
            card = self.cards[item.id]
            verdict: Verdict = check_answer(card, text)
            item.score = 100 if verdict.ok else 0
            item.detail = ("答对" if verdict.ok else "答错") + f";正确答案:{card.answer}"
        return item

    def finish(self) -> ExamResult:
        """Hand in: unanswered items score 0; the total is the mean; passed at the pass mark, in time."""
        if self.result is not None:
            return self.result
        finished = self.clock()
        total = round(sum(i.score for i in self.items) / len(self.items)) if self.items else 0
        over = self.deadline is not None and finished > self.deadline
        self.result = ExamResult(
            self.exam.id,
            self.exam.title,
            self.started,
            finished,
            total,
            self.exam.pass_mark,
            total >= self.exam.pass_mark and not over,
            over,
            [
                {"kind": i.kind, "id": i.id, "title": i.title, "score": i.score, "answered": i.answered, "late": i.late}
                for i in self.items
            ],
        )
        return self.result


def _card_title(card: Card) -> str:
    return card.prompt.split("\n")[0][:40]


def load_results(store: TrainingStore) -> list[ExamResult]:
    """Every exam the trainee handed in, oldest first."""
    raw, _ = store.read(EXAMS)
    return sorted((r for r in (ExamResult.from_dict(x) for x in raw) if r is not None), key=lambda r: r.finished)


def summary_markdown(result: ExamResult, trainee: str, session: ExamSession | None = None) -> str:
    """The exam summary the trainee can export (Markdown): result, each item, and what to work on."""
    minutes, seconds = divmod(result.seconds, 60)
    verdict = "通过 ✓" if result.passed else "未通过 ✗"
    lines = [
        f"# 考试成绩单:{result.title}",
        "",
        f"- 学员:{trainee}",
        f"- 时间:{result.started.astimezone():%Y-%m-%d %H:%M} 开始,用时 {minutes} 分 {seconds} 秒"
        + (" (超时)" if result.over_time else ""),
        f"- 总分:**{result.total}**(及格线 {result.pass_mark}) — **{verdict}**",
        "",
        "| # | 题目 | 类型 | 得分 |",
        "|---|---|---|---|",
    ]
    for n, item in enumerate(result.items, start=1):
        kind = "演练" if item.get("kind") == "drill" else "卡片"
        mark = "未作答" if not item.get("answered") else ("超时" if item.get("late") else str(item.get("score", 0)))
        lines.append(f"| {n} | {str(item.get('title', '')).replace('|', '/')} | {kind} | {mark} |")
    if session is not None:
        advice = []
        for sat in session.items:
            score = sat.drill_score
            if score is None:
                continue
            for miss in (i for i in score.items if not i.ok and i.better):
                advice.append(f"- {sat.title} · {miss.name}:{miss.better}")
        if advice:
            lines += ["", "## 需要加强", "", *advice[:20]]
    return "\n".join(lines) + "\n"
