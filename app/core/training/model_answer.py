"""The model answer of a drill: the builder's draft cut down to what an agent would really send.

The draft (compose.composer.compose with the workspace's ReplyLibrary) fills every slot of the type's
template, often with whole article sections. Here each slot keeps its first sentence, the sentences
that carry the drill's key facts and, for steps, at most three; sentences addressed to the agent and
technique labels (风险前置:) go; what the customer said that the draft ignores (第三次, 曝光) is
acknowledged with the rubric's own wording; a draft that never touches the customer's matter gets
the article's most relevant customer-facing sentence. No slot text is rewritten.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.core.checker.match import Checker
from app.core.compose.adapt import customer_facing, key_fact, plain_text
from app.core.compose.composer import compose
from app.core.compose.library import ReplyLibrary
from app.core.compose.model import Draft
from app.core.content.model import Article, Content
from app.core.content.placeholders import find_placeholders
from app.core.text.chars import is_mostly_latin
from app.core.text.ngrams import run_bigrams
from app.core.text.sentences import split_sentences
from app.core.training.elements import Case, Ctx, better, first_substantive, score_element
from app.core.training.facts import myths
from app.core.training.rubric import CLOSING, Element, Scoring
from app.core.training.sentences import cue_hit, fact_form, filled, has_fact, sentences
from app.core.training.specifics import acknowledged, said_in
from app.core.training.substance import Grounding, grounded
from app.core.vocab import CONCLUSION, EMAIL, EXPLANATION, FOREIGN

MAX_STEPS = 2
MAX_SENTENCES = 2
_STEP = re.compile(r"^\s*(?:\d{1,2}\s*[.、)）]|第[一二三四五六七八九十]+步)")
_REPEAT = "再说一遍:"  # the builder's repeat line for elderly customers
_QUOTE = re.compile(r"[“\"]([^”\"]{8,200})[”\"]")


@dataclass(frozen=True)
class ModelAnswer:
    """The short reply shown as 参考答案, and the draft it was cut from (its slots feed 更好的说法)."""

    text: str
    draft: Draft


def draft_for(
    message: str,
    content: Content,
    checker: Checker,
    replies: ReplyLibrary | None,
    article: str,
    audience: str,
    channel: str,
) -> Draft:
    """The builder's draft for one customer message (the article given when it exists)."""
    article_id = article if article and content.article(article) is not None else None
    return compose(
        message, content, article_id=article_id, audience=audience, channel=channel, checker=checker, library=replies
    )


def model_answer_for(
    draft: Draft,
    message: str,
    facts: tuple[str, ...],
    values: tuple[tuple[str, str], ...],
    scoring: Scoring,
    grounding: Grounding | None = None,
    keep: set[str] | None = None,
) -> str:
    """The draft trimmed to a short, customer-facing reply that answers this message (with `keep`, only
    those slots, and any other that states a key fact)."""
    labels = tuple(dict.fromkeys((*scoring.internal_labels, *scoring.elements)))
    quotes = _quotes(draft.article) if draft.article is not None else []
    parts: list[str] = []
    stated: set[str] = set()
    for slot in draft.slots:
        raw = _tidy(filled(slot.text, values))
        if keep is not None and slot.name not in keep and not _has_any(raw, facts):
            continue
        text = _clean(_unplaceheld(raw), labels)
        if slot.source.startswith("article:") and draft.article is not None:
            # scripts and templates are already what an agent says; an article section may talk to the agent
            section = plain_text(draft.article.section(slot.source.partition("#")[2]))
            if quotes and customer_facing(section)[1] < 0.95:
                text = quotes.pop(0)  # …then its quoted 参考话术 is what to say
            cues = next((e.cues for e in scoring.elements.values() if e.slot == slot.name), ())
            text = _trim(text, facts, stated, cues, scoring)
        if (
            draft.audience == FOREIGN
            and parts
            and text
            and not is_mostly_latin(text)
            and any(is_mostly_latin(p) for p in parts)
        ):
            continue  # an English reply leaves out what the library has only in Chinese
        if text.startswith(_REPEAT) and parts:
            text = _REPEAT + key_fact(parts)  # say again what this answer said, not what the draft said
        if text:
            parts.append(text)
            form = fact_form(text)
            stated.update(f for f in facts if has_fact(form, f))
    extra: list[str] = []
    if grounding is not None and draft.article is not None:
        joined = sentences("\n".join(parts))
        topic = grounding.topic(message, draft.article)
        if grounded(joined, grounding, topic, scoring.all_cues, facts) < 0:
            best = _article_sentence(draft.article, message, labels)
            if best:
                extra.append(best)
    reply = sentences("\n".join(parts + extra))
    acks = [
        filled(said.specific.better, values)
        for said in said_in(message, scoring)
        if said.specific.better and not acknowledged(said, reply, set(), scoring)
    ]
    extra[:0] = acks
    if extra:
        parts[1:1] = extra
    return ("\n\n" if draft.channel == EMAIL else "\n").join(parts)


def _clean(text: str, labels: tuple[str, ...]) -> str:
    """Customer-facing sentences only: none addressed to the agent, none under a technique label (风险前置:)."""
    kept, _ = customer_facing(text)
    if not labels:
        return kept.strip()
    label = re.compile(r"^\s*(?:" + "|".join(re.escape(x) for x in labels) + r")\s*[:：]")
    lines = ["".join(s for s in split_sentences(line) if not label.match(s)) for line in kept.split("\n")]
    return "\n".join(line for line in lines if line.strip()).strip()


def _unplaceheld(text: str) -> str:
    """The text without sentences whose {占位符} the drill leaves open (the whole text if all have one)."""
    if not find_placeholders(text):
        return text
    kept = [s.text for s in sentences(text) if not find_placeholders(s.text)]
    return "".join(kept) if kept else text


def _tidy(text: str) -> str:
    """A time filled into a script that already bounds it: 「24小时内之前」 → 「24小时内」."""
    return re.sub(r"内(?:之前|前)", "内", text)


def _trim(text: str, facts: tuple[str, ...], stated: set[str], cues: tuple, scoring: Scoring) -> str:
    """An article section cut to what answers: at most two steps (more only for a key fact), else at most
    two sentences — those with key facts not yet said, then one showing the slot's element, then the first."""
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    if not lines:
        return ""
    steps = [line for line in lines if _STEP.match(line)]
    if len(steps) == len(lines) and len(steps) > 1:
        keep = steps[:MAX_STEPS] + [s for s in steps[MAX_STEPS:] if _has_any(s, facts)]
        return "\n".join(keep)
    pieces = [s for s in sentences(" ".join(lines)) if not s.text.rstrip().endswith(("：", ":"))]
    if not pieces:
        return ""
    fresh = tuple(f for f in facts if f not in stated)
    chosen = [i for i, p in enumerate(pieces) if _has_any(p.text, fresh)][:MAX_SENTENCES]
    if len(chosen) < MAX_SENTENCES:
        shows = next((i for i, p in enumerate(pieces) if cues and cue_hit(p, cues, scoring.negations)), -1)
        if shows >= 0 and shows not in chosen:
            chosen.append(shows)
    if not chosen:
        chosen.append(0)
    chosen = sorted(set(chosen))
    if len(pieces[chosen[0]].squeezed) < 12 and chosen[0] + 1 < len(pieces):
        chosen = sorted(set(chosen) | {chosen[0] + 1})  # a fragment ("为保护账户安全。") needs what follows
    text = "".join(pieces[i].text for i in chosen)
    return re.sub(r"[；;，,]$", "." if is_mostly_latin(text) else "。", text)


def _has_any(text: str, facts: tuple[str, ...]) -> bool:
    form = fact_form(text)
    return any(has_fact(form, f) for f in facts)


def _quotes(article: Article) -> list[str]:
    """The customer-facing wording an article quotes (参考话术："……")."""
    return [m.group(1).strip() for name in (CONCLUSION, EXPLANATION) for m in _QUOTE.finditer(article.section(name))]


def complete(
    model: str,
    weights: dict[str, float],
    case: Case,
    scoring: Scoring,
    content: Content,
    article: Article | None,
    draft: Draft,
    fallbacks: dict[str, tuple[str, str]] | None = None,
) -> str:
    """The model answer with the rubric's better phrasing added for each element it still misses (empathy for
    an upset customer the builder did not soothe, a record-and-route line for a suggestion …)."""
    parts = sentences(model)
    ctx = Ctx(case, model, parts, set(), scoring, content, article, draft, parts, 0, fallbacks)
    ctx.first_index = first_substantive(ctx)
    front: list[str] = []
    back: list[str] = []
    positions: dict[str, int] = {}
    for name, points in weights.items():
        element = scoring.elements.get(name)
        if element is None or element.detect not in ("cues", "options", "answer"):
            continue  # repetition, length and language are not fixed by adding a sentence
        if parts and score_element(element, points, ctx, positions).points > 0:
            continue
        text = _fitting(element, ctx)
        if text and text not in model and text not in front + back:
            (front if element.first or element.detect == "answer" else back).append(text)
    said = fact_form(model + "".join(front + back))
    for fact in case.facts:
        if not has_fact(said, fact) and article is not None:
            found = _fact_sentence(article, fact, tuple(scoring.internal_labels))
            if found and found not in back:
                back.append(found)
    if draft.audience == FOREIGN and is_mostly_latin(model):
        # An English answer gains nothing from a sentence the library has only in Chinese.
        front = [t for t in front if is_mostly_latin(t)]
        back = [t for t in back if is_mostly_latin(t)]
    if not front and not back:
        return model
    sep = "\n\n" if draft.channel == EMAIL else "\n"
    lines = [line for line in model.split(sep) if line.strip()]
    opening = 1 if lines and any(cue_hit(s, scoring.greetings) for s in sentences(lines[0])) else 0
    answers = any(e.detect == "answer" for n in weights if (e := scoring.elements.get(n)) is not None)
    if answers and front and lines[opening:]:
        # 结论先行: a soothing line goes right after the answer, not before it
        lines[opening + 1 : opening + 1] = front
        front = []
    closing = scoring.elements.get(CLOSING)
    end = len(lines)
    if closing is not None and lines and any(cue_hit(s, closing.cues) for s in sentences(lines[-1])):
        end -= 1
    lines = lines[:opening] + front + lines[opening:end] + back + lines[end:]
    return sep.join(lines)


def _fitting(element: Element, ctx: Ctx) -> str:
    """A better phrasing for `element` that really shows it and has no open {占位符}: the rubric's pick,
    else the template's own text; '' when neither does."""
    zh, en = (ctx.fallbacks or {}).get(element.slot, ("", ""))
    own = en if ctx.case.drill.audience == FOREIGN and en else zh
    for text in (better(element, ctx), filled(own, ctx.case.drill.values)):
        text = _unplaceheld(_tidy(text)).strip()
        if not text or find_placeholders(text):
            continue
        if element.detect == "answer" or any(cue_hit(s, element.cues, ctx.scoring.negations) for s in sentences(text)):
            return text
        if element.detect == "options" and any(cue_hit(s, c) for s in sentences(text) for _, c in element.options):
            return text
    return ""


def _fact_sentence(article: Article, fact: str, labels: tuple[str, ...]) -> str:
    """The article's first customer-facing sentence stating `fact`, or ''."""
    texts = [plain_text(article.section(name)) for name in (CONCLUSION, EXPLANATION)]
    texts.extend(correction for _, correction in myths(article))
    for text in texts:
        for s in sentences(_clean(text, labels)):
            if has_fact(fact_form(s.text), fact):
                return s.text
    return ""


def _article_sentence(article: Article, message: str, labels: tuple[str, ...]) -> str:
    """The article's customer-facing sentence (a quoted 参考话术 first) closest to the customer's words."""
    topic = run_bigrams(message)
    candidates: list[str] = []
    for name in (CONCLUSION, EXPLANATION):
        section = article.section(name)
        candidates.extend(m.group(1) for m in _QUOTE.finditer(section))
        candidates.extend(s.text for s in sentences(_clean(plain_text(section), labels)))
    scored = [(len(run_bigrams(c) & topic), -i, c) for i, c in enumerate(candidates) if not _QUOTE.search(c)]
    scored = [s for s in scored if s[0] > 0]
    if not scored:
        return ""
    return max(scored)[2].strip()
