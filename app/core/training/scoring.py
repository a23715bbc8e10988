"""Scoring a trainee's reply: structure for the type, key facts, facts checked against the article,
what the customer said, whether the reply answers at all, and the reply checker's findings.

Like the QA rubrics teams use (Zendesk QA, MaestroQA), some items are *critical*: a 禁忌 phrase at
error level, unmasked personal data, a fact that contradicts the knowledge base (「与知识库不符」) and a
reply that only strings service phrases together without answering cap the total at the red line
(59). Items that do not apply to a message (no threat, no deadline) are simply not scored.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from app.core.checker.match import CheckContext, Checker
from app.core.compose.library import ReplyLibrary
from app.core.content.model import Content
from app.core.content.placeholders import find_placeholders
from app.core.text.squeeze import squeeze
from app.core.training.drills import Drill, drill_to_dict
from app.core.training.elements import Case, Ctx, ScoreItem, apply_order, first_substantive, score_element
from app.core.training.facts import Contradiction, contradictions, known_paths
from app.core.training.model_answer import complete, draft_for, model_answer_for
from app.core.training.rubric import CHECK_GROUPS, CLOSING, Scoring, load_scoring
from app.core.training.sentences import fact_form, filled, has_fact, sentences, short
from app.core.training.specifics import acknowledged, said_in
from app.core.training.substance import Grounding, grounded
from app.core.vocab import CONCLUSION, EXPLANATION, STEPS

_LEVEL_SHARE = {"error": 1.0, "warning": 0.5, "suggestion": 0.2}
_CHECK_OK = {
    "禁忌话术": "没有推诿、甩锅、指责或过度承诺的话术。",
    "隐私": "没有暴露完整的手机号、证件号、银行卡号或地址。",
    "称呼与表情": "称呼和表情符合这位客户和这个渠道。",
    "通俗用语": "没有客户听不懂的术语。",
}

__all__ = ["Case", "Score", "ScoreItem", "Scoring", "load_scoring", "model_answer", "score_case", "score_reply"]


@dataclass(frozen=True)
class Score:
    """The graded reply: total 0..100, its items, the model answer, the checker findings and what capped it."""

    drill_id: str
    total: int
    items: tuple[ScoreItem, ...]
    model_answer: str
    findings: tuple = ()
    capped_by: tuple[str, ...] = ()  # the critical items that held the total at the red line

    @property
    def grade(self) -> str:
        """优秀 (>=90) / 良好 (>=75) / 及格 (>=60) / 需加强."""
        return grade_of(self.total)

    def item(self, name: str) -> ScoreItem | None:
        """The item of this name, or None."""
        return next((i for i in self.items if i.name == name), None)


def grade_of(total: float) -> str:
    """The grade of a total: 优秀 ≥ 90, 良好 ≥ 75, 及格 ≥ 60, else 需加强."""
    if total >= 90:
        return "优秀"
    if total >= 75:
        return "良好"
    if total >= 60:
        return "及格"
    return "需加强"


@dataclass(frozen=True)
class Services:
    """What scoring needs from the loaded workspace: built once per load and passed in. The knowledge-base
    statistics (word rarity, menu paths) come from `stats` on first use, off the UI thread."""

    content: Content
    checker: Checker
    scoring: Scoring
    replies: ReplyLibrary | None
    fallbacks: dict[str, tuple[str, str]]  # slot → the template's own text (zh, en)
    stats: Callable[[], tuple[Grounding, set[tuple[str, ...]]]]

    @property
    def grounding(self) -> Grounding:
        """Word rarity over the knowledge base (切题作答)."""
        return self.stats()[0]

    @property
    def paths(self) -> set[tuple[str, ...]]:
        """Every menu path the knowledge base names (事实准确)."""
        return self.stats()[1]

    @classmethod
    def build(
        cls,
        content: Content,
        checker: Checker | None = None,
        scoring: Scoring | None = None,
        replies: ReplyLibrary | None = None,
    ) -> Services:
        """Services for `content`; the missing ones are built here (slow: pass the workspace's)."""
        replies = replies or ReplyLibrary.build(content)
        stats = (Grounding.build(content), known_paths(content))
        return cls(
            content,
            checker or Checker.from_content(content),
            scoring or load_scoring(content),
            replies,
            template_texts(replies),
            lambda: stats,
        )


def template_texts(replies: ReplyLibrary) -> dict[str, tuple[str, str]]:
    """Each template slot's own fallback text and English variant (the first type that has one)."""
    out: dict[str, tuple[str, str]] = {}
    specs = [s for specs in replies.templates.types.values() for s in specs]
    specs += [s for s in (replies.templates.opening, replies.templates.closing) if s is not None]
    for spec in specs:
        if spec.text and spec.name not in out:
            out[spec.name] = (spec.text, spec.variants.get("en", ""))
    return out


def model_answer(
    drill: Drill, content: Content, checker: Checker | None = None, replies: ReplyLibrary | None = None
) -> str:
    """The short model answer to the drill's opening message."""
    services = Services.build(content, checker, replies=replies)
    case = Case.of(drill)
    draft = draft_for(case.message, content, services.checker, replies, case.article, drill.audience, drill.channel)
    return model_answer_for(draft, case.message, case.facts, drill.values, services.scoring, services.grounding)


def score_reply(
    drill: Drill,
    reply: str,
    content: Content,
    checker: Checker | None = None,
    scoring: Scoring | None = None,
    replies: ReplyLibrary | None = None,
    services: Services | None = None,
) -> Score:
    """Grade `reply` to the drill's opening message. Pass the workspace's services (`TrainingLibrary.services`);
    missing ones are built from `content` for this call."""
    services = services or Services.build(content, checker, scoring, replies)
    return score_case(Case.of(drill), reply, services)


def score_case(case: Case, reply: str, services: Services) -> Score:
    """Grade one reply to one customer message (a drill's opening, or a later turn of its conversation)."""
    drill, scoring, content = case.drill, services.scoring, services.content
    article = content.article(case.article) if case.article else None
    # A later message ("那什么时候能有结果?") is drafted with the opening one, so the builder sees the whole matter.
    asked = case.message if case.first else drill.message + "\n" + case.message
    draft = draft_for(asked, content, services.checker, services.replies, case.article, drill.audience, drill.channel)
    weights = _weights(case, scoring)
    keep = None if case.first else {e.slot for n in weights if (e := scoring.elements.get(n)) is not None and e.slot}
    model = model_answer_for(draft, case.message, case.facts, drill.values, scoring, services.grounding, keep)
    model = complete(model, weights, case, scoring, content, article, draft, services.fallbacks)
    if not reply.strip() or not squeeze(reply):
        item = ScoreItem(
            "回复内容", 0.0, 100.0, False, "回复是空的:客户等了半天没有得到任何答复,首问解决率为零。", model, "critical"
        )
        return Score(drill.id, 0, (item,), model, (), ("回复内容",))
    findings = tuple(services.checker.check(reply, CheckContext(audience=drill.audience, channel=drill.channel)))
    parts = sentences(reply)
    tainted = {
        i
        for i, s in enumerate(parts)
        if any(f.level == "error" and f.start < s.end and f.end > s.start for f in findings)
    }
    ctx = Ctx(case, reply, parts, tainted, scoring, content, article, draft, sentences(model), 0, services.fallbacks)
    ctx.first_index = first_substantive(ctx)

    items: list[ScoreItem] = []
    positions: dict[str, int] = {}
    for name, points in weights.items():
        element = scoring.elements.get(name)
        if element is not None and points > 0:
            items.append(score_element(element, points, ctx, positions))
    if case.first:
        items = apply_order(items, ctx, positions)
    if not positions:
        # Short sentences or English are worth nothing when the reply does not answer at all ("好的").
        items = [
            ScoreItem(i.name, 0.0, i.max_points, False, "回复没有回答客户的问题,这一项不计分。", i.better)
            if scoring.elements.get(i.name) is not None and scoring.elements[i.name].detect in ("short", "language")
            else i
            for i in items
        ]
    if case.facts and scoring.facts > 0:
        items.append(_score_facts(ctx))
    items.extend(_score_specifics(ctx))
    content_max = sum(i.max_points for i in items) or 1.0
    total = 100 * sum(i.points for i in items) / content_max
    capped: list[str] = []
    for name, points in (scoring.checks or {}).items():
        item, red = _score_check(name, points, findings)
        items.append(item)
        total += item.points
        if red:
            capped.append(name)
    for item in items:
        element = scoring.elements.get(item.name)
        if item.kind == "element" and element is not None and element.critical and not item.ok:
            capped.append(item.name)
    clashes = contradictions(parts, article, services.paths, scoring.commitments, tainted)
    items.append(_score_accuracy(clashes, article is not None))
    if clashes:
        capped.append("事实准确")
    topic = services.grounding.topic(case.message, article)
    asks = bool(case.facts) or any(e.substantive for n in weights if (e := scoring.elements.get(n)) is not None)
    if asks and grounded(parts, services.grounding, topic, scoring.all_cues, case.facts) < 0:
        at = grounded(ctx.model_sentences, services.grounding, topic, scoring.all_cues, case.facts)
        items.append(_not_answered(ctx, ctx.model_sentences[at].text if at >= 0 else ""))
        capped.append("切题作答")
    placeholders = find_placeholders(reply)
    if placeholders:
        names = "、".join("{" + p + "}" for p in placeholders)
        example = "例如:" + filled(names, drill.values) if drill.values else ""
        why = f"回复里还有未填写的占位符 {names}:发给客户前必须换成具体内容。"
        items.append(ScoreItem("占位符", -5.0, 0.0, False, why, example, "check"))
        total -= 5.0
    total = round(total)
    if capped and total > scoring.red_line:
        total = scoring.red_line
    return Score(drill.id, max(0, min(100, total)), tuple(items), model, findings, tuple(capped))


def _weights(case: Case, scoring: Scoring) -> dict[str, float]:
    """The elements this message asks for: the type's own plus extras for emotion, audience and channel,
    without the ones an earlier reply already showed; the closing question only in the last reply."""
    weights = dict(scoring.types.get(case.drill.type, {}))
    if case.expect:
        weights = {n: p for n, p in weights.items() if n in case.expect}
        for name in case.expect:
            if name not in weights and name in scoring.elements:
                weights[name] = next((w[name] for w in scoring.types.values() if name in w), 10.0)
    for key in (case.emotion, case.drill.audience, case.drill.channel):
        for name, points in scoring.extra.get(key, {}).items():
            weights.setdefault(name, points)
    if not case.last and CLOSING not in case.expect:
        weights.pop(CLOSING, None)
    return {n: p for n, p in weights.items() if n not in case.covered or n in case.expect}


def _score_facts(ctx: Ctx) -> ScoreItem:
    form = fact_form(ctx.reply)
    max_points = ctx.scoring.facts
    facts = ctx.case.facts
    missing = [f for f in facts if not has_fact(form, f)]
    said = [f.split("|")[0] for f in facts if f not in missing]
    if not missing:
        return ScoreItem(
            "关键信息", max_points, max_points, True, "关键信息都说清楚了:" + "、".join(said) + "。", "", "facts"
        )
    points = round(max_points * (len(facts) - len(missing)) / len(facts), 1)
    names = "、".join(f"“{f.split('|')[0]}”" for f in missing)
    betters = list(dict.fromkeys(s for s in (_fact_sentence(f, ctx) for f in missing) if s))
    why = f"没有说明{names}:客户最关心的具体信息缺失,很可能还要再来问一次(影响首问解决率)。"
    return ScoreItem("关键信息", points, max_points, False, why, " ".join(betters), "facts")


def _fact_sentence(fact: str, ctx: Ctx) -> str:
    for s in ctx.model_sentences:
        if has_fact(fact_form(s.text), fact):
            return s.text
    if ctx.article is not None:
        for section in (CONCLUSION, EXPLANATION, STEPS):
            for s in sentences(ctx.article.section(section)):
                if has_fact(fact_form(s.text), fact):
                    return s.text.lstrip("-*0123456789. ")
    return f"请明确告诉客户:{fact.split('|')[0]}。"


def _score_specifics(ctx: Ctx) -> list[ScoreItem]:
    """One item per thing the customer said that a reply must take in (第三次, 曝光, 下周要用 …)."""
    items = []
    for said in said_in(ctx.case.message, ctx.scoring):
        specific = said.specific
        cue = acknowledged(said, ctx.sentences, ctx.tainted, ctx.scoring)
        name = f"回应:{specific.name}"
        if cue:
            why = (specific.ok_text or f"回应了客户说的「{said.clause}」。") + f"(“{cue}”)"
            items.append(ScoreItem(name, specific.points, specific.points, True, why, "", "specific"))
            continue
        why = specific.missing_text.replace("{said}", said.clause) or (
            f"客户说了「{said.clause}」,回复却像没听见:通用的回复会让客户觉得被敷衍。"
        )
        better = filled(specific.better, ctx.case.drill.values)
        items.append(ScoreItem(name, 0.0, specific.points, False, why, better, "specific"))
    return items


def _score_accuracy(clashes: list[Contradiction], has_article: bool) -> ScoreItem:
    """与知识库不符: a time limit, amount or path the article says otherwise (critical)."""
    if not clashes:
        why = "说到的时限、金额和路径与知识库一致。" if has_article else "这道题没有对应的文章,事实未核对。"
        return ScoreItem("事实准确", 0.0, 0.0, True, why, "", "critical")
    whys, betters = [], []
    for c in clashes:
        what = "这个路径知识库里没有" if c.kind == "path" else "与知识库不符"
        whys.append(
            f"「{c.said}」{what}" + (f",文章写的是:「{short(c.article_sentence, 60)}」" if c.article_sentence else "")
        )
        if c.article_sentence:
            betters.append(c.article_sentence)
    why = ";".join(whys) + "。给客户错误的时限或路径,客户会照着等、照着找,结果二次投诉。(关键项:总分最高59分)"
    return ScoreItem("事实准确", 0.0, 0.0, False, why, " ".join(dict.fromkeys(betters)), "critical")


def _not_answered(ctx: Ctx, example: str) -> ScoreItem:
    """切题作答: no sentence of the reply speaks of this customer's matter (cue phrases strung together)."""
    why = (
        f"回复只有通用的服务用语,没有一句针对客户说的「{short(ctx.case.message, 24)}」作答:"
        "把“理解”“核实”“补发”这类词串起来不等于回答。(关键项:总分最高59分)"
    )
    return ScoreItem("切题作答", 0.0, 0.0, False, why, example, "critical")


def _score_check(name: str, deduction: float, findings: tuple) -> tuple[ScoreItem, bool]:
    """A checker item (max_points 0): each finding of its reasons deducts `deduction` points at error level,
    half at warning level, a fifth for a suggestion."""
    reasons = CHECK_GROUPS[name]
    mine = [
        f
        for f in findings
        if f.reason in reasons
        or (name == "禁忌话术" and f.level == "error" and not any(f.reason in r for r in CHECK_GROUPS.values()))
    ]
    if not mine:
        return ScoreItem(name, 0.0, 0.0, True, _CHECK_OK[name], "", "check"), False
    points = -round(sum(_LEVEL_SHARE.get(f.level, 0.2) for f in mine) * deduction, 1)
    whys, betters = [], []
    for f in mine:
        whys.append(f"「{f.text}」{f.reason}:{f.message}" if f.text not in f.message else f"{f.reason}:{f.message}")
        if f.suggestions or getattr(f, "better", ()):
            fix = f.suggestions[0] if f.suggestions else f.better[0]  # a one-click fix, else the phrasing to copy
            betters.append(f"「{f.text}」→「{fix}」" if fix else f"删去「{f.text}」")
    red = name in ("禁忌话术", "隐私") and any(f.level == "error" for f in mine)
    why = " ".join(whys)
    if red:
        why += " (质检红线:出现这类错误时总分最高59分)"
    return ScoreItem(name, points, 0.0, False, why, ";".join(dict.fromkeys(betters)), "check"), red


def score_to_dict(drill: Drill, score: Score) -> dict[str, Any]:
    """The JSON document of `zhida train drill --json`."""
    return {
        "drill": drill_to_dict(drill),
        "total": score.total,
        "grade": score.grade,
        "items": [item_to_dict(i) for i in score.items],
        "findings": [f.as_dict() if hasattr(f, "as_dict") else dict(vars(f)) for f in score.findings],
        "model_answer": score.model_answer,
        "capped_by": list(score.capped_by),
    }


def item_to_dict(item: ScoreItem) -> dict[str, Any]:
    """One score item as JSON."""
    return {
        "name": item.name,
        "points": item.points,
        "max_points": item.max_points,
        "ok": item.ok,
        "why": item.why,
        "better": item.better,
        "kind": item.kind,
    }
