"""The answer builder: triage a customer message, pick an article, fill a per-type template from the
article's sections and the script library, adapt it to audience and channel, and check the result.

Everything is plain data in, dataclasses out. Search and the checker are injected (`searcher`,
`checker`), so the builder works — and is tested — with or without them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from typing import Any

from app.core.checker.match import CheckContext, Checker
from app.core.compose import choice
from app.core.compose.choice import ArticleChoice
from app.core.compose.facts import ORDER, PHONE_NUMBER, PRODUCT, WAYBILL, Fact, extract_facts, fact_values
from app.core.compose.library import ReplyLibrary
from app.core.compose.model import Alternative, Draft, Slot
from app.core.compose.slots import AGENT_NOTE, MAX_ALTERNATIVES, candidates, checker_demotion, polish, slot_context
from app.core.compose.templates import SlotSpec
from app.core.compose.triage import Cue, Triage, triage
from app.core.content.model import Content
from app.core.content.placeholders import PLACEHOLDER_RE, find_placeholders
from app.core.search.hits import Searcher
from app.core.text.fold import fold
from app.core.vocab import EMAIL, GENERAL, ONLINE

# What stands in a slot only the agent can fill: nothing in the knowledge base answers the message.
TO_CONFIRM = "{待确认}"


def fill(text: Draft | str, values: Mapping[str, str]) -> str:
    """Substitute `{名称}` with its value; names without a (non-blank) value stay as they are."""
    if isinstance(text, Draft):
        text = text.text

    def sub(match: Any) -> str:
        value = values.get(match.group(1))
        return value.strip() if isinstance(value, str) and value.strip() else match.group(0)

    return PLACEHOLDER_RE.sub(sub, text)


def compose(
    message: str,
    content: Content,
    *,
    searcher: Searcher | None = None,
    checker: Checker | None = None,
    article_id: str | None = None,
    audience: str = GENERAL,
    channel: str = ONLINE,
    greeting: bool | None = None,
    closing: bool = True,
    library: ReplyLibrary | None = None,
) -> Draft:
    """Triage `message`, choose the article (given, else the top search hit), fill the type's template,
    adapt it to audience and channel, and run the checker over the assembled text.

    Raises KeyError when `article_id` names no article. Pass the workspace's `library` (built once per
    load); without one it is built from `content` for this call.
    """
    library = library if library is not None else ReplyLibrary.build(content)
    templates = library.templates
    tri = triage(message, library.triage)
    facts = extract_facts(message)
    if article_id:
        picked = choice.given(content, article_id)
    else:
        skip = [(c.start, c.end) for c in tri.cues if c.field == "type" and c.value in fold(c.text)]
        skip += [(f.start, f.end) for f in facts.values() if f.name in (PRODUCT, ORDER, WAYBILL, PHONE_NUMBER)]
        picked = choice.choose(
            _topic_query(message, tri),
            choice.message_words(message, skip),
            content,
            searcher or library.overlap,
            library.evidence,
            "overlap" if searcher is None else "search",
        )
    article = picked.article
    # The customer's intent decides the kind of reply, never a searched article's type; only an article the
    # agent chose for a message that says nothing about its kind lends its type.
    reply_type = tri.type
    if picked.status == choice.GIVEN and not tri.type_from_cues and article is not None and article.type != tri.type:
        reply_type = article.type
        tri = dataclasses.replace(
            tri, type=reply_type, cues=(*tri.cues, Cue("type", reply_type, "", 0, 0, f"文章类型 {article.id}"))
        )
    ctx = slot_context(message, tri, reply_type, article, audience, channel, library, frozenset(facts))

    specs: list[SlotSpec] = list(templates.types.get(reply_type, []))
    if templates.opening is not None and (
        greeting or (greeting is None and channel in templates.opening.auto_channels)
    ):
        specs.insert(0, templates.opening)
    if templates.closing is not None and closing:
        specs.append(templates.closing)

    used: set[str] = set()
    slots: list[Slot] = []
    demote = checker_demotion(checker, audience, channel)
    for spec in specs:
        found = demote(candidates(spec, ctx, used))
        if article is None and spec.answer and picked.status != choice.GIVEN:
            # Nothing in the knowledge base answers this: the answer is the agent's to write, and visibly so.
            slots.append(Slot(spec.name, TO_CONFIRM, "待确认", tuple(found[:MAX_ALTERNATIVES])))
            continue
        if not found:
            slots.append(Slot(spec.name, "", ""))
            continue
        # Notes for the agent are never sent by default; the agent may still pick one consciously.
        best = next((c for c in found if not c.source.endswith(AGENT_NOTE)), None)
        others = tuple(c for c in found if c is not best)[:MAX_ALTERNATIVES]
        if best is None:
            slots.append(Slot(spec.name, "", "", others))
            continue
        if best.source.startswith("script:"):
            used.add(best.source[len("script:") :].split("@")[0])
        slots.append(Slot(spec.name, best.text, best.source, others))
    has_opening = bool(specs) and specs[0] is templates.opening
    has_closing = bool(specs) and specs[-1] is templates.closing and templates.closing is not None
    slots = polish(slots, ctx, has_opening, has_closing)
    values = fact_values(facts)
    slots = [dataclasses.replace(s, text=fill(s.text, values)) for s in slots]
    return _finish(tri, picked, tuple(slots), audience, channel, checker, tuple(facts.values()))


def edit_slot(draft: Draft, name: str, text: str, checker: Checker | None = None) -> Draft:
    """The draft with one slot's text replaced (an alternative or the agent's own words), re-assembled, re-checked."""
    slots = []
    for slot in draft.slots:
        if slot.name != name:
            slots.append(slot)
            continue
        chosen = next((a for a in slot.alternatives if a.text == text), None)
        others = [a for a in slot.alternatives if a is not chosen]
        if slot.text and slot.text != text:
            others.insert(0, Alternative(slot.text, slot.source))
        slots.append(Slot(name, text, chosen.source if chosen else "edited", tuple(others[:MAX_ALTERNATIVES])))
    if not any(s.name == name for s in draft.slots):
        raise KeyError(name)
    return _finish(draft.triage, draft.choice, tuple(slots), draft.audience, draft.channel, checker, draft.facts)


def assemble(slots: Iterable[Slot], channel: str = ONLINE) -> str:
    """The reply text: the non-empty slots in order, one paragraph each (a blank line between in e-mail)."""
    sep = "\n\n" if channel == EMAIL else "\n"
    return sep.join(s.text.strip() for s in slots if s.text.strip())


def _finish(
    tri: Triage,
    picked: ArticleChoice,
    slots: tuple[Slot, ...],
    audience: str,
    channel: str,
    checker: Checker | None,
    facts: tuple[Fact, ...],
) -> Draft:
    text = assemble(slots, channel)
    findings: tuple[Any, ...] = ()
    if checker is not None:
        findings = tuple(checker.check(text, CheckContext(audience=audience, channel=channel)))
    return Draft(
        tri,
        picked.article,
        slots,
        text,
        tuple(find_placeholders(text)),
        findings,
        audience,
        channel,
        picked.via,
        checked=checker is not None,
        choice=picked,
        facts=facts,
    )


def _topic_query(message: str, tri: Triage) -> str:
    """The message without the words that name its type: 我要投诉 says what kind of reply, not about what,
    and would pull in every 「客户投诉怎么处理」 article whatever the complaint is about."""
    # Only cues that name the type itself (投诉, 我要投诉, 提个建议): 发错 or 闪退 decide the type and the topic.
    spans = sorted((c.start, c.end) for c in tri.cues if c.field == "type" and c.value in fold(c.text))
    if not spans:
        return message
    kept, cursor = [], 0
    for start, end in spans:
        kept.append(message[cursor : max(cursor, start)])
        cursor = max(cursor, end)
    kept.append(message[cursor:])
    rest = " ".join(part for part in kept if part.strip())
    return rest if any(ch.isalnum() for ch in rest) else message
