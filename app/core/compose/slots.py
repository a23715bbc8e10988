"""Filling one slot: every candidate text from the article, the scripts of a stage or the template,
ranked by fit with the message, adapted to audience and channel, and demoted when the checker objects.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from app.core.compose import adapt
from app.core.compose.facts import asks_for
from app.core.compose.library import ReplyLibrary
from app.core.compose.model import Alternative, Slot
from app.core.compose.templates import SlotSpec
from app.core.compose.triage import Triage
from app.core.compose.words import folded_word, script_words, topic_words
from app.core.content.model import Article, Script
from app.core.content.placeholders import find_placeholders
from app.core.text.fold import fold
from app.core.vocab import (
    ANGRY,
    ELDERLY,
    ERROR_LEVEL,
    FOREIGN,
    GENERAL_TYPE,
    HIGH,
    INQUIRY,
    SPECIAL_AUDIENCES,
    SUGGESTION_LEVEL,
    WARNING_LEVEL,
)

# Marks the source of an article section written for the agent (它说“请客户…”), not for the customer.
AGENT_NOTE = " (坐席提示)"
# Sources listed earlier in a slot's `from:` always outrank later ones; relevance orders within one source.
_SOURCE_STEP = 100.0
_RELEVANCE_CAP = 90.0
_ARTICLE_BONUS = 50.0
_AGENT_NOTE_PENALTY = 150.0  # an article section written for the agent sinks below every script
_TEXT_BONUS = 20.0
MAX_ALTERNATIVES = 3
_TOPIC_MIN = 3.0  # summed idf of shared words: about one uncommon word in common


@dataclass
class SlotContext:
    message: str
    folded: str
    triage: Triage
    type: str
    article: Article | None
    audience: str
    channel: str
    topic: set[str]
    idf: dict[str, float]
    by_stage: dict[str, list[tuple[int, Script]]] = field(default_factory=dict)
    situations: str = ""  # every article's questions, tags and category, folded
    known: frozenset[str] = frozenset()  # the facts the customer gave (订单号 …): never asked for again


def slot_context(
    message: str,
    tri: Triage,
    reply_type: str,
    article: Article | None,
    audience: str,
    channel: str,
    library: ReplyLibrary,
    known: frozenset[str] = frozenset(),
) -> SlotContext:
    """What the reply is about: the message and the chosen article's questions, tags and category."""
    topic_text = message
    if article is not None:
        tags = [t for t in article.tags if folded_word(t) not in library.function_tags]
        topic_text = " ".join([message, article.title, article.category, *tags, *article.similar])
    return SlotContext(
        message,
        fold(topic_text),
        tri,
        reply_type,
        article,
        audience,
        channel,
        set(topic_words(topic_text) - library.function_words),
        library.script_idf,
        library.by_stage,
        library.situations,
        known,
    )


_LEVEL_PENALTY = {ERROR_LEVEL: 10 * _SOURCE_STEP, WARNING_LEVEL: 8.0, SUGGESTION_LEVEL: 1.0}
_CHECKED_CANDIDATES = 6


def checker_demotion(checker: Any, audience: str, channel: str) -> Any:
    """A re-ranking of a slot's best candidates by the checker: a candidate with an error-level finding in
    this context is never chosen while another one is clean; warnings cost a little."""
    if checker is None:
        return lambda candidates: candidates
    from app.core.checker.match import CheckContext

    context = CheckContext(audience=audience, channel=channel)

    def rerank(candidates: list[Alternative]) -> list[Alternative]:
        head, tail = candidates[:_CHECKED_CANDIDATES], candidates[_CHECKED_CANDIDATES:]
        scored = []
        for alt in head:
            penalty = sum(_LEVEL_PENALTY.get(f.level, 0.0) for f in checker.check(alt.text, context))
            scored.append(dataclasses.replace(alt, score=alt.score - penalty) if penalty else alt)
        return sorted(scored + tail, key=lambda a: -a.score)

    return rerank


def candidates(spec: SlotSpec, ctx: SlotContext, used: set[str]) -> list[Alternative]:
    """Every candidate text for a slot, adapted to audience and channel, best first, one per distinct text."""
    found: list[Alternative] = []
    n = len(spec.sources)
    for index, source in enumerate(spec.sources):
        base = _SOURCE_STEP * (n - index)
        if source.kind == "article":
            found.extend(_article_candidate(source.arg, base, ctx))
        elif source.kind == "script":
            for order, script in ctx.by_stage.get(source.arg, ()):
                if script.id in used:
                    continue
                relevance = _script_relevance(script, spec, ctx)
                if relevance is None:
                    continue
                text, suffix = _script_text(script, ctx)
                # order keeps ties stable in file order.
                found.append(
                    Alternative(
                        text, f"script:{script.id}{suffix}", base + min(relevance, _RELEVANCE_CAP) - order * 1e-6
                    )
                )
        elif spec.text:
            english = ctx.audience == FOREIGN and "en" in spec.variants
            text = spec.variants["en"] if english else spec.text
            found.append(Alternative(text, f"template:{spec.name}" + ("@en" if english else ""), base + _TEXT_BONUS))
    best: dict[str, Alternative] = {}
    for alt in found:
        text = _adapt(alt.text, ctx)
        if not text.strip():
            continue
        alt = Alternative(text, alt.source, round(alt.score, 3))
        if text not in best or best[text].score < alt.score:
            best[text] = alt
    return sorted(best.values(), key=lambda a: -a.score)


def english_section(name: str) -> str:
    """The heading of a section's English version: `## 结论 (English)` (docs/authoring.md)."""
    return f"{name} (English)"


def _article_section(article: Article, name: str, audience: str) -> tuple[str, str]:
    """(Markdown of the section in the customer's language where the article has it, source suffix)."""
    if audience == FOREIGN and article.section(english_section(name)).strip():
        return article.section(english_section(name)), "@en"
    return article.section(name), ""


def article_section_text(article: Article, name: str, audience: str, channel: str) -> str:
    """One section of an article as it may go into a reply: plain text, customer-facing sentences only,
    in the customer's language where the article has it, adapted to audience and channel."""
    markdown, _ = _article_section(article, name, audience)
    kept, _share = adapt.customer_facing(adapt.plain_text(markdown), channel)
    return adapt.for_audience(kept, audience, channel)


def _article_candidate(section: str, base: float, ctx: SlotContext) -> list[Alternative]:
    article = ctx.article
    if article is None:
        return []
    markdown, suffix = _article_section(article, section, ctx.audience)
    if not markdown.strip():
        return []
    raw = adapt.plain_text(markdown)
    source = f"article:{article.id}#{section}{suffix}"
    kept, share = adapt.customer_facing(raw, ctx.channel)
    # An inquiry's answer may come from any article; a complaint or fault reply only from an article of
    # that type (a how-to article's 结论 is no apology).
    fits = ctx.type == INQUIRY or article.type == ctx.type
    if kept and share >= 0.4:
        return [Alternative(kept, source, base + (_ARTICLE_BONUS if fits else -_AGENT_NOTE_PENALTY))]
    # Mostly notes for the agent: offered as an alternative below every script, never chosen by itself.
    return [Alternative(raw, source + AGENT_NOTE, base - _AGENT_NOTE_PENALTY)]


def script_fits(script: Script, reply_type: str, channel: str, audience: str) -> bool:
    """True when a script may be used at all for this type of reply, channel and audience."""
    if script.type not in (reply_type, GENERAL_TYPE):
        return False
    if script.channels and channel not in script.channels:
        return False
    audience_tags = {t for t in script.tags if t in SPECIAL_AUDIENCES}
    return not audience_tags or audience in audience_tags


def _script_relevance(script: Script, spec: SlotSpec, ctx: SlotContext) -> float | None:
    """How well a script fits this slot and message; None when it must not be used at all."""
    if not script_fits(script, ctx.type, ctx.channel, ctx.audience):
        return None
    if asks_for(script.text) & ctx.known:
        return None  # never ask for what the customer already gave
    audience_tags = {t for t in script.tags if t in SPECIAL_AUDIENCES}
    tag_hits = len(set(script.tags) & set(spec.tags))
    if spec.require_tags and not tag_hits:
        return None
    topic = sum(ctx.idf.get(w, 0.0) for w in script_words(script) & ctx.topic)
    # ctx.folded holds the message and the article's questions and tags: a 物流 script fits a parcel article.
    tags_in_message = sum(
        1 for t in script.tags if t not in SPECIAL_AUDIENCES and t not in spec.tags and folded_word(t) in ctx.folded
    )
    if spec.topical and topic < _TOPIC_MIN and not tags_in_message:
        return None
    score = 6.0 * (script.type == ctx.type) + 5.0 * min(tag_hits, 2) + 12.0 * bool(audience_tags)
    score += min(1.5 * topic, 18.0) + 4.0 * min(tags_in_message, 2)
    # A tag naming another situation customers ask about (退款 or 大促 for a late parcel) makes the script's
    # details wrong here: it would tell the customer of a circumstance they never mentioned. Situations are
    # what the knowledge base's questions talk about; tags such as 情绪安抚 or 满意答复 say how a script
    # speaks, not what about, and cost nothing.
    if any(
        t not in SPECIAL_AUDIENCES
        and t not in spec.tags
        and folded_word(t) not in ctx.folded
        and folded_word(t) in ctx.situations
        for t in script.tags
    ):
        return None
    if ctx.audience == FOREIGN and "en" in script.variants:
        score += 10.0
    if ctx.triage.emotion == ANGRY and "情绪安抚" in script.tags:
        score += 4.0
    if ctx.triage.priority == HIGH and {"高优先级", "加急"} & set(script.tags):
        score += 3.0
    if ctx.channel in script.channels and len(script.channels) == 1:
        score += 2.0
    if script.shortcut:
        score += 3.0  # a script with a shortcut is a team standard, used and reviewed often
    score -= 1.0 * len(find_placeholders(script.text))
    return max(score, 0.0)


def _script_text(script: Script, ctx: SlotContext) -> tuple[str, str]:
    if ctx.audience == FOREIGN and script.variants.get("en", "").strip():
        return script.variants["en"].strip(), "@en"
    return script.text.strip(), ""


def _adapt(text: str, ctx: SlotContext) -> str:
    """Audience and channel rules applied to one candidate text."""
    return adapt.for_audience(text, ctx.audience, ctx.channel)


def polish(slots: list[Slot], ctx: SlotContext, has_opening: bool, has_closing: bool) -> list[Slot]:
    """Whole-reply touches: apologise once, and for the elderly repeat the key fact before the closing."""
    out: list[Slot] = []
    apologised = False
    for slot in slots:
        text = slot.text
        if apologised and text:
            trimmed = adapt.drop_repeated_apology(text)
            if trimmed.strip():
                text = trimmed
        apologised = apologised or adapt.has_apology(text)
        out.append(dataclasses.replace(slot, text=text))
    if ctx.audience == ELDERLY:
        end = len(out) - 1 if has_closing else len(out)
        body = out[1 if has_opening else 0 : end]
        fact = adapt.key_fact([s.text for s in body if s.text])
        if fact:
            out.insert(end, Slot("重复要点", "再说一遍:" + fact.rstrip(adapt.TRAILING_PAUSES), f"audience:{ELDERLY}"))
    return out
