"""How each rubric element is recognised in a reply: cue phrases, 结论先行, options, repetition, length, language.

`score_element` grades one element of the rubric for one reply and says why, with a better phrasing
taken from the model answer's slot for the element, else the most on-topic library script of its
stage, else the model answer's sentence showing it.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.core.compose.adapt import customer_facing, plain_text
from app.core.compose.model import Draft
from app.core.content.model import Article, Content
from app.core.text.chars import is_mostly_latin
from app.core.text.ngrams import run_bigrams
from app.core.training.drills import Drill
from app.core.training.facts import quantities
from app.core.training.rubric import Element, Scoring
from app.core.training.sentences import (
    Sentence,
    cue_hit,
    fact_form,
    filled,
    has_fact,
    overlaps,
    sentences,
    short,
)
from app.core.vocab import CONCLUSION, EXPLANATION, FOREIGN, GENERAL_TYPE, SPECIAL_AUDIENCES


@dataclass(frozen=True)
class ScoreItem:
    """One scored aspect of the reply, with the reason and a better phrasing."""

    name: str
    points: float
    max_points: float
    ok: bool
    why: str
    better: str = ""
    kind: str = "element"  # element | facts | specific | check | critical


@dataclass(frozen=True)
class Case:
    """One customer message to answer: a drill's opening message or a later turn of its conversation."""

    drill: Drill
    message: str
    facts: tuple[str, ...]
    article: str
    emotion: str
    expect: tuple[str, ...] = ()  # the elements this message asks for (empty: the type's own)
    covered: frozenset[str] = frozenset()  # elements an earlier reply of the conversation already showed
    first: bool = True
    last: bool = True

    @classmethod
    def of(cls, drill: Drill) -> Case:
        """The drill's opening message as a one-reply case."""
        return cls(drill, drill.message, drill.facts, drill.article, drill.emotion, last=not drill.turns)


@dataclass
class Ctx:
    """Everything an element's detector reads: the case, the reply's sentences, the rubric, the model answer."""

    case: Case
    reply: str
    sentences: list[Sentence]
    tainted: set[int]  # sentence indexes holding an error-level finding
    scoring: Scoring
    content: Content
    article: Article | None
    draft: Draft
    model_sentences: list[Sentence]
    first_index: int = 0  # first sentence that is not only a greeting
    fallbacks: dict[str, tuple[str, str]] | None = None  # slot → the template's own text (zh, en)


def first_substantive(ctx: Ctx) -> int:
    """Index of the first sentence that says more than a greeting (您好 / 尊敬的… / 很高兴为您服务)."""
    soothing = ctx.scoring.elements.get("共情")
    for i, s in enumerate(ctx.sentences):
        if any(has_fact(fact_form(s.text), f) for f in ctx.case.facts):
            return i
        if cue_hit(s, ctx.scoring.greetings) and len(s.squeezed) <= 40:
            continue
        # A short "您别着急。" / "Sorry for the wait." before the answer is care, not a detour.
        if soothing is not None and len(s.squeezed) <= 20 and cue_hit(s, soothing.cues, ctx.scoring.negations):
            continue
        return i
    return 0


def score_element(element: Element, points: float, ctx: Ctx, positions: dict[str, int]) -> ScoreItem:
    """Grade one rubric element of the reply; `positions` records the first sentence showing it."""
    detect = element.detect
    if detect == "answer":
        return _score_answer(element, points, ctx, positions)
    if detect == "options":
        return _score_options(element, points, ctx, positions)
    if detect == "repeat":
        return _score_repeat(element, points, ctx, positions)
    if detect == "short":
        longest = max(ctx.sentences, key=lambda s: len(s.squeezed))
        if len(longest.squeezed) <= element.max_chars:
            return ScoreItem(element.name, points, points, True, element.ok_text or "句子简短明确。")
        return ScoreItem(
            element.name,
            round(points / 2, 1),
            points,
            False,
            (element.missing_text or "有的句子太长。") + f"(最长一句 {len(longest.squeezed)} 字:"
            f"「{short(longest.text)}」)",
            better(element, ctx),
        )
    if detect == "language":
        english = sum(1 for s in ctx.sentences if is_mostly_latin(s.text))
        if english * 2 >= len(ctx.sentences):
            return ScoreItem(element.name, points, points, True, element.ok_text or "用客户的语言回复。")
        english_model = " ".join(s.text for s in ctx.model_sentences if is_mostly_latin(s.text))
        return ScoreItem(
            element.name,
            0.0,
            points,
            False,
            element.missing_text or "客户用英文提问,回复却主要是中文。",
            english_model or better(element, ctx),
        )
    index, cue, tainted_only = _find(element, ctx)
    if index >= 0:
        positions[element.name] = index
        return ScoreItem(element.name, points, points, True, _ok_text(element, cue))
    why = element.missing_text or f"没有体现「{element.name}」。"
    if tainted_only:
        why = f"「{element.name}」只出现在含禁忌话术的句子里,不计分。" + why
    return ScoreItem(element.name, 0.0, points, False, why, better(element, ctx))


def _ok_text(element: Element, cue: str) -> str:
    said = f"(“{cue}”)" if cue and len(cue) <= 20 else ""
    return (element.ok_text or f"做到了「{element.name}」。") + said


def _find(element: Element, ctx: Ctx) -> tuple[int, str, bool]:
    """(index of the first sentence showing the element or -1, the cue, whether only tainted sentences showed it)."""
    grams: set[str] = set()
    article = ctx.article
    if element.section and article is not None:
        grams = run_bigrams(article.section(element.section))
    tainted_only = False
    for i, s in enumerate(ctx.sentences):
        cue = cue_hit(s, element.cues, ctx.scoring.negations, element.unless)
        # The time may sit in the sentence before ("24小时内。我给您回电话" when sentences are kept short).
        if (
            cue
            and element.with_
            and not (cue_hit(s, element.with_) or (i > 0 and cue_hit(ctx.sentences[i - 1], element.with_)))
        ):
            cue = ""
        if not cue and not (grams and overlaps(s, grams)):
            continue
        if i in ctx.tainted:
            tainted_only = True
            continue
        return i, cue, False
    return -1, "", tainted_only


def apply_order(items: list[ScoreItem], ctx: Ctx, positions: dict[str, int]) -> list[ScoreItem]:
    """An element marked `first` (共情 in a complaint) that comes after the others earns half."""
    out = []
    for item in items:
        element = ctx.scoring.elements.get(item.name)
        steps = ctx.scoring.types.get(ctx.case.drill.type, {})
        # Only where the type asks for it first (共情 in a complaint); an extra for an upset customer may
        # follow the answer (结论先行), and only the type's own steps count, not the closing or 问候.
        if element is not None and element.first and item.ok and item.name in steps:
            others = [
                p
                for n, p in positions.items()
                if n != item.name
                and n in steps
                and ctx.scoring.elements[n].detect in ("cues", "options")
                and n != "服务闭环"
            ]
            mine = positions.get(item.name, 0)
            if others and mine > min(others):
                item = ScoreItem(
                    item.name,
                    round(item.max_points / 2, 1),
                    item.max_points,
                    False,
                    element.partial_text or f"「{item.name}」应放在最前面。",
                    better(element, ctx),
                )
        out.append(item)
    return out


def _score_answer(element: Element, points: float, ctx: Ctx, positions: dict[str, int]) -> ScoreItem:
    """结论先行: the first sentence after the greeting states a key fact or the article's conclusion."""
    article = ctx.article
    conclusion = article.section(element.section or CONCLUSION) if article is not None else ""
    grams = run_bigrams(conclusion)
    units = {q.unit for q in quantities(conclusion)}

    def answers(s: Sentence) -> bool:
        if any(has_fact(fact_form(s.text), f) for f in ctx.case.facts):
            return True
        if grams and overlaps(s, grams, 0.4):
            return True
        if units and any(q.unit in units for q in quantities(s.text)):
            return True  # an answer of the asked kind ("15个工作日"): whether it is right is the facts check's job
        return bool(element.cues) and bool(cue_hit(s, element.cues, ctx.scoring.negations, element.unless))

    hits = [i for i, s in enumerate(ctx.sentences) if i not in ctx.tainted and answers(s)]
    if hits and hits[0] <= ctx.first_index:
        positions[element.name] = hits[0]
        return ScoreItem(element.name, points, points, True, element.ok_text or "第一句就回答了客户的问题。")
    if hits:
        positions[element.name] = hits[0]
        return ScoreItem(
            element.name,
            round(points / 2, 1),
            points,
            False,
            (element.partial_text or "答案放在了后面:客户要先读完铺垫才知道结果。") + f"(第{hits[0] + 1}句才回答)",
            better(element, ctx),
        )
    return ScoreItem(
        element.name, 0.0, points, False, element.missing_text or "没有直接回答客户的问题。", better(element, ctx)
    )


def _score_options(element: Element, points: float, ctx: Ctx, positions: dict[str, int]) -> ScoreItem:
    """补偿方案: 2–3 distinct options earn full points, one option two thirds."""
    kinds: list[str] = []
    first = -1
    for i, s in enumerate(ctx.sentences):
        if i in ctx.tainted:
            continue
        for kind, cues in element.options:
            if kind not in kinds and cue_hit(s, cues, ctx.scoring.negations, element.unless):
                kinds.append(kind)
                first = i if first < 0 else first
    if first >= 0:
        positions[element.name] = first
    named = "、".join(kinds)
    if len(kinds) >= 2:
        return ScoreItem(element.name, points, points, True, (element.ok_text or "给出了可选方案。") + f"({named})")
    if kinds:
        return ScoreItem(
            element.name,
            round(points * 2 / 3, 1),
            points,
            False,
            (element.partial_text or "只给了一个方案。") + f"(只有{named})",
            _options_better(element, ctx),
        )
    return ScoreItem(
        element.name, 0.0, points, False, element.missing_text or "没有给出解决方案。", _options_better(element, ctx)
    )


def _options_better(element: Element, ctx: Ctx) -> str:
    """A sentence of the article, the model answer or the library naming two or more options."""
    article = ctx.article
    pools: list[str] = []
    slot = ctx.draft.slot(element.slot) if element.slot else None
    pools.append(filled(slot.text, ctx.case.drill.values) if slot is not None else "")
    if article is not None:
        for section in (CONCLUSION, EXPLANATION):
            kept, _ = customer_facing(plain_text(article.section(section)))
            pools.extend(kept.split("\n"))
    pools.extend(script.text for _, script in _library_scripts(element, ctx))
    for text in pools:
        for s in sentences(text):
            kinds = {k for k, cues in element.options if cue_hit(s, cues, ctx.scoring.negations)}
            if len(kinds) >= 2:
                return s.text
    return better(element, ctx)


def _score_repeat(element: Element, points: float, ctx: Ctx, positions: dict[str, int]) -> ScoreItem:
    """重复要点 (elderly customers): a key fact said twice, or an explicit 再说一遍."""
    form = fact_form(ctx.reply)
    for fact in ctx.case.facts:
        for alt in fact.split("|"):
            f = fact_form(alt)
            if f and form.count(f) >= 2:
                return ScoreItem(
                    element.name, points, points, True, (element.ok_text or "重复了关键信息。") + f"(“{alt}”)"
                )
    index, cue, _ = _find(element, ctx)
    if index >= 0:
        return ScoreItem(element.name, points, points, True, _ok_text(element, cue))
    return ScoreItem(
        element.name, 0.0, points, False, element.missing_text or "关键信息只说了一遍。", better(element, ctx)
    )


def better(element: Element, ctx: Ctx) -> str:
    """A better phrasing: the model answer's slot for the element, else a library script of its stage,
    else the model answer's sentence showing the element."""
    if element.slot:
        slot = ctx.draft.slot(element.slot)
        text = filled(slot.text.strip(), ctx.case.drill.values) if slot is not None else ""
        if text and (not element.cues or any(cue_hit(s, element.cues, ctx.scoring.negations) for s in sentences(text))):
            return text
    scripts = _library_scripts(element, ctx)
    if scripts and scripts[0][0] > 0:
        return filled(scripts[0][1].text, ctx.case.drill.values)
    zh, en = (ctx.fallbacks or {}).get(element.slot, ("", ""))
    if zh:  # the template's own wording fits any topic; an off-topic script does not
        return filled((en if ctx.case.drill.audience == FOREIGN and en else zh), ctx.case.drill.values)
    for s in ctx.model_sentences:
        if element.cues and cue_hit(s, element.cues, ctx.scoring.negations, element.unless):
            return s.text
    return filled(scripts[0][1].text, ctx.case.drill.values) if scripts else ""


def _library_scripts(element: Element, ctx: Ctx) -> list[tuple[int, _ScriptText]]:
    """Scripts of the element's stage usable for this drill, most on-topic first, with their topic overlap."""
    if not element.stage:
        return []
    article = ctx.article
    topic = run_bigrams(ctx.case.message + (" " + article.title + " " + " ".join(article.tags) if article else ""))
    english = ctx.case.drill.audience == FOREIGN
    ranked = []
    for order, script in enumerate(ctx.content.scripts):
        if script.stage != element.stage or script.type not in (ctx.case.drill.type, GENERAL_TYPE):
            continue
        if script.channels and ctx.case.drill.channel not in script.channels:
            continue
        audience_tags = {t for t in script.tags if t in SPECIAL_AUDIENCES}
        if audience_tags and ctx.case.drill.audience not in audience_tags:
            continue
        tag_hits = len(set(script.tags) & set(element.tags))
        if element.tags and not tag_hits:
            continue
        text = script.variants.get("en", "") if english else ""
        overlap = len(run_bigrams(" ".join([script.title, script.text, *script.tags])) & topic)
        ranked.append(
            (
                -(3 * min(overlap, 4) + 2 * tag_hits + (script.type == ctx.case.drill.type) + bool(audience_tags)),
                order,
                overlap,
                _ScriptText(script.id, (text or script.text).strip()),
            )
        )
    ranked.sort(key=lambda r: (r[0], r[1]))
    return [(r[2], r[3]) for r in ranked]


@dataclass(frozen=True)
class _ScriptText:
    id: str
    text: str
