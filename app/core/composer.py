"""The answer builder: triage a customer message, pick an article, fill a per-type template from the
article's sections and the script library, adapt it to audience and channel, and check the result.

Everything is plain data in, dataclasses out. Search and the checker are injected (`searcher`,
`checker`), so the builder works — and is tested — with or without them.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Iterable, Mapping, Protocol, Sequence

from app.core import adapt
from app.core.analysis import FILLER, words
from app.core.content import Article, Content, Problem, Script
from app.core.loadcache import bundled_content, is_bundled, per_load
from app.core.placeholders import PLACEHOLDER_RE, find_placeholders
from app.core.search import Hit
from app.core.templates import SlotSpec, TemplateSet, load_templates, parse_templates
from app.core.text import fold, is_ignorable
from app.core.triage import Cue, Triage, TriageRules, load_triage, parse_triage, triage

AUDIENCE_TAGS = ("老年", "外籍", "听障")
# Marks the source of an article section written for the agent (它说“请客户…”), not for the customer.
AGENT_NOTE = " (坐席提示)"
# Sources listed earlier in a slot's `from:` always outrank later ones; relevance orders within one source.
_SOURCE_STEP = 100.0
_RELEVANCE_CAP = 90.0
_ARTICLE_BONUS = 50.0
_AGENT_NOTE_PENALTY = 150.0  # an article section written for the agent sinks below every script
_TEXT_BONUS = 20.0
_MAX_ALTERNATIVES = 3
_OTHER_SITUATION = 6.0  # per script tag that names a situation the message is not about
_TOPIC_MIN = 3.0  # summed idf of shared words: about one uncommon word in common


class Searcher(Protocol):
    """Anything with SearchIndex.search's shape (the real index, or OverlapSearcher)."""

    def search(self, query: str, limit: int = 10, kind: str | None = None) -> Sequence[Any]: ...


@dataclass(frozen=True)
class Alternative:
    """A candidate text for a slot and where it comes from (article:ID#小节, script:ID[@en], template:…)."""

    text: str
    source: str
    score: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"text": self.text, "source": self.source}


@dataclass(frozen=True)
class Slot:
    """One filled slot: its text, the source of the text, and the next-best alternatives."""

    name: str
    text: str
    source: str
    alternatives: tuple[Alternative, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """JSON form: {name, text, source, alternatives}."""
        return {"name": self.name, "text": self.text, "source": self.source,
                "alternatives": [a.to_dict() for a in self.alternatives]}


@dataclass(frozen=True)
class Draft:
    """A reply draft: triage, chosen article, slots, assembled text, open placeholders, checker findings."""

    triage: Triage
    article: Article | None
    slots: tuple[Slot, ...]
    text: str
    placeholders: tuple[str, ...]
    findings: tuple[Any, ...] = ()
    audience: str = "普通"
    channel: str = "在线"
    article_via: str = ""      # "given" | "search" | "overlap" | ""
    checked: bool = False      # False when no checker was available

    def slot(self, name: str) -> Slot | None:
        """The slot with this name, or None."""
        return next((s for s in self.slots if s.name == name), None)


class UnfilledPlaceholders(ValueError):
    """Copying was refused: these placeholders are still open."""

    def __init__(self, missing: list[str]):
        super().__init__("unfilled placeholders: " + ", ".join("{" + m + "}" for m in missing))
        self.missing = missing


# ---------------------------------------------------------------- placeholders and the copy guard


def fill(text: Draft | str, values: Mapping[str, str]) -> str:
    """Substitute `{名称}` with its value; names without a (non-blank) value stay as they are."""
    if isinstance(text, Draft):
        text = text.text

    def sub(match: Any) -> str:
        value = values.get(match.group(1))
        return value.strip() if isinstance(value, str) and value.strip() else match.group(0)
    return PLACEHOLDER_RE.sub(sub, text)


def missing_placeholders(draft: Draft | str, values: Mapping[str, str]) -> list[str]:
    """Placeholders of the draft that still have no value."""
    text = draft.text if isinstance(draft, Draft) else draft
    return find_placeholders(fill(text, values))


def can_copy(draft: Draft | str, filled: Mapping[str, str], override: bool = False) -> bool:
    """True when every placeholder is filled, or the agent explicitly overrides the guard."""
    return override or not missing_placeholders(draft, filled)


def copy_text(draft: Draft | str, values: Mapping[str, str], override: bool = False) -> str:
    """The text to put on the clipboard; raises UnfilledPlaceholders unless all are filled or overridden."""
    text = draft.text if isinstance(draft, Draft) else draft
    missing = missing_placeholders(text, values)
    if missing and not override:
        raise UnfilledPlaceholders(missing)
    return fill(text, values)


# ---------------------------------------------------------------- article choice without the search index


def bigrams(text: str) -> set[str]:
    """Character bigrams of folded text within runs of letters (so 繁/简 and widths match, and no bigram
    spans punctuation or a space)."""
    grams: set[str] = set()
    run: list[str] = []
    for ch in fold(text) + " ":
        if not is_ignorable(ch):
            run.append(ch)
            continue
        if len(run) == 1:
            grams.add(run[0])
        grams.update(run[i] + run[i + 1] for i in range(len(run) - 1))
        run = []
    return grams


# Words every complaint or reply contains: they say nothing about what the message is about.
_TOPIC_STOP = frozenset({"咨询", "投诉", "建议", "故障", "客户", "处理", "问题", "您的", "我们", "怎么", "什么",
                         "希望", "可以", "一下", "这个", "那个", "谢谢", "感谢", "您好", "请问", "没有", "已经",
                         "还是", "不是", "就是", "为什", "一直", "时候"})


class OverlapSearcher:
    """Article choice when the search index is not available: idf-weighted bigram overlap of the message
    with each article's title, similar questions and tags (its 结论 counts a little)."""

    MIN_SCORE = 2.0

    def __init__(self, content: Content):
        self._articles = [a for a in content.articles if a.status == "published"]
        self._keys = [bigrams(" ".join([a.title, *a.similar, *a.tags])) for a in self._articles]
        self._bodies = [bigrams(a.section("结论")) for a in self._articles]
        df: dict[str, int] = {}
        for key, body in zip(self._keys, self._bodies):
            for gram in key | body:
                df[gram] = df.get(gram, 0) + 1
        n = max(1, len(self._articles))
        self._idf = {g: math.log(1 + n / d) for g, d in df.items()}

    def search(self, query: str, limit: int = 10, kind: str | None = None, **_: Any) -> list[Hit]:
        """Articles sharing the most (rare) bigrams with the query, best first."""
        if kind not in (None, "article"):
            return []
        grams = bigrams(query)
        hits = []
        for article, key, body in zip(self._articles, self._keys, self._bodies):
            score = sum(self._idf.get(g, 0.0) * (1.0 if g in key else 0.3 if g in body else 0.0) for g in grams)
            if score >= self.MIN_SCORE:
                hits.append(Hit(article.id, "article", article.title, round(score, 3), snippet="",
                                category=article.category, type=article.type, path=article.path))
        hits.sort(key=lambda h: -h.score)
        return hits[:limit]


# ---------------------------------------------------------------- library files


def load_library(content: Content) -> tuple[TriageRules, TemplateSet, list[Problem]]:
    """Triage cues and templates of the content root; what it lacks comes from the bundled content."""
    fallback = None if is_bundled(content) else bundled_content()
    rules, triage_problems = load_triage(content, fallback)
    templates, template_problems = load_templates(content, fallback)
    return rules, templates, triage_problems + template_problems


@per_load(size=lambda content: len(content.library))
def _library_for(content: Content) -> tuple[TriageRules, TemplateSet]:
    """load_library once per loaded content (a reload makes a new Content, so edits are picked up)."""
    rules, templates, _ = load_library(content)
    return rules, templates


def check_library(content: Content) -> list[Problem]:
    """`zhida validate` check for triage and template files: unknown types, stages, sources, bad cues."""
    stages = {s.stage for s in content.scripts if s.stage}
    _, problems = parse_triage(content.library_of("triage"))
    templates, more = parse_templates(content.library_of("templates"), stages)
    problems += more
    files = content.library_of("templates")
    if files:
        missing = [t for t in ("咨询", "投诉", "建议", "故障") if t not in templates.types]
        if missing:
            problems.append(Problem(files[0].path, 1, "warning",
                                    f"no template for {', '.join(missing)}: the bundled template is used"))
    return problems


# ---------------------------------------------------------------- composing


@dataclass
class _Context:
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


def compose(message: str, content: Content, *, searcher: Searcher | None = None, checker: Any = None,
            article_id: str | None = None, audience: str = "普通", channel: str = "在线",
            greeting: bool | None = None, closing: bool = True,
            rules: TriageRules | None = None, templates: TemplateSet | None = None) -> Draft:
    """Triage `message`, choose the article (given, else the top search hit), fill the type's template,
    adapt it to audience and channel, and run the checker over the assembled text.

    Raises KeyError when `article_id` names no article. Triage cues and templates come from
    `load_library(content)` (cached per Content object) unless given.
    """
    if rules is None or templates is None:
        loaded_rules, loaded_templates = _library_for(content)
        rules = rules or loaded_rules
        templates = templates or loaded_templates
    tri = triage(message, rules)
    article, via = _choose_article(_topic_query(message, tri), content, searcher, article_id)
    reply_type = tri.type
    if not tri.type_from_cues and article is not None and article.type != tri.type:
        # No type cue in the message: the article knows better what kind of question this is.
        reply_type = article.type
        tri = dataclasses.replace(tri, type=reply_type, cues=tri.cues + (
            Cue("type", reply_type, "", 0, 0, f"文章类型 {article.id}"),))
    ctx = _context(message, tri, reply_type, article, audience, channel, content, *_function_tags(templates))

    specs: list[SlotSpec] = list(templates.types.get(reply_type, []))
    if templates.opening is not None and (greeting or (greeting is None and channel in templates.opening.auto_channels)):
        specs.insert(0, templates.opening)
    if templates.closing is not None and closing:
        specs.append(templates.closing)

    used: set[str] = set()
    slots: list[Slot] = []
    demote = _checker_demotion(checker, audience, channel)
    for spec in specs:
        candidates = demote(_candidates(spec, ctx, used))
        if not candidates:
            slots.append(Slot(spec.name, "", ""))
            continue
        # Notes for the agent are never sent by default; the agent may still pick one consciously.
        best = next((c for c in candidates if not c.source.endswith(AGENT_NOTE)), None)
        others = tuple(c for c in candidates if c is not best)[:_MAX_ALTERNATIVES]
        if best is None:
            slots.append(Slot(spec.name, "", "", others))
            continue
        if best.source.startswith("script:"):
            used.add(best.source[len("script:"):].split("@")[0])
        slots.append(Slot(spec.name, best.text, best.source, others))
    has_opening = bool(specs) and specs[0] is templates.opening
    has_closing = bool(specs) and specs[-1] is templates.closing and templates.closing is not None
    slots = _polish(slots, ctx, has_opening, has_closing)
    return _finish(tri, article, via, tuple(slots), audience, channel, checker)


_LEVEL_PENALTY = {"error": 10 * _SOURCE_STEP, "warning": 8.0, "suggestion": 1.0}
_CHECKED_CANDIDATES = 6


def _checker_demotion(checker: Any, audience: str, channel: str) -> Any:
    """A re-ranking of a slot's best candidates by the checker: a candidate with an error-level finding in
    this context is never chosen while another one is clean; warnings cost a little."""
    if checker is None:
        return lambda candidates: candidates
    from app.core.checker import CheckContext

    context = CheckContext(audience=audience, channel=channel)

    def rerank(candidates: list[Alternative]) -> list[Alternative]:
        head, tail = candidates[:_CHECKED_CANDIDATES], candidates[_CHECKED_CANDIDATES:]
        scored = []
        for alt in head:
            penalty = sum(_LEVEL_PENALTY.get(f.level, 0.0) for f in checker.check(alt.text, context))
            scored.append(dataclasses.replace(alt, score=alt.score - penalty) if penalty else alt)
        return sorted(scored + tail, key=lambda a: -a.score)

    return rerank


def edit_slot(draft: Draft, name: str, text: str, checker: Any = None) -> Draft:
    """The draft with one slot's text replaced (an alternative or the agent's own words), re-assembled and re-checked."""
    slots = []
    for slot in draft.slots:
        if slot.name != name:
            slots.append(slot)
            continue
        chosen = next((a for a in slot.alternatives if a.text == text), None)
        others = [a for a in slot.alternatives if a is not chosen]
        if slot.text and slot.text != text:
            others.insert(0, Alternative(slot.text, slot.source))
        slots.append(Slot(name, text, chosen.source if chosen else "edited", tuple(others[:_MAX_ALTERNATIVES])))
    if not any(s.name == name for s in draft.slots):
        raise KeyError(name)
    return _finish(draft.triage, draft.article, draft.article_via, tuple(slots), draft.audience, draft.channel,
                   checker)


def assemble(slots: Iterable[Slot], channel: str = "在线") -> str:
    """The reply text: the non-empty slots in order, one paragraph each (a blank line between in e-mail)."""
    sep = "\n\n" if channel == "邮件" else "\n"
    return sep.join(s.text.strip() for s in slots if s.text.strip())


def _finish(tri: Triage, article: Article | None, via: str, slots: tuple[Slot, ...], audience: str,
            channel: str, checker: Any) -> Draft:
    text = assemble(slots, channel)
    findings: tuple[Any, ...] = ()
    if checker is not None:
        from app.core.checker import CheckContext  # only needed (and only present) with a checker

        findings = tuple(checker.check(text, CheckContext(audience=audience, channel=channel)))
    return Draft(tri, article, slots, text, tuple(find_placeholders(text)), findings, audience, channel, via,
                 checked=checker is not None)


def _topic_query(message: str, tri: Triage) -> str:
    """The message without the words that name its type: 我要投诉 says what kind of reply, not about what,
    and would pull in every 「客户投诉怎么处理」 article whatever the complaint is about."""
    # Only cues that name the type itself (投诉, 我要投诉, 提个建议): 发错 or 闪退 decide the type and the topic.
    spans = sorted((c.start, c.end) for c in tri.cues if c.field == "type" and c.value in fold(c.text))
    if not spans:
        return message
    kept, cursor = [], 0
    for start, end in spans:
        kept.append(message[cursor:max(cursor, start)])
        cursor = max(cursor, end)
    kept.append(message[cursor:])
    rest = " ".join(part for part in kept if part.strip())
    return rest if any(ch.isalnum() for ch in rest) else message


def _choose_article(message: str, content: Content, searcher: Searcher | None,
                    article_id: str | None) -> tuple[Article | None, str]:
    if article_id:
        article = content.article(article_id)
        if article is None:
            raise KeyError(article_id)
        return article, "given"
    via = "search"
    if searcher is None:
        searcher, via = _overlap_for(content), "overlap"
    for hit in searcher.search(message, limit=5, kind="article"):
        article = content.article(getattr(hit, "id", ""))
        if article is not None and article.status == "published":
            return article, via
    return None, ""


@per_load(size=lambda content: len(content.articles))
def _overlap_for(content: Content) -> OverlapSearcher:
    """One OverlapSearcher per loaded content (building it reads every article's title and similar)."""
    return OverlapSearcher(content)


@per_load()
def _function_tags(templates: TemplateSet) -> tuple[frozenset[str], frozenset[str]]:
    """(tags, tags and their words), folded: what the templates ask for (感谢, 用户需求, 约定反馈时间 …) says
    what a script does, not what it is about."""
    specs = [s for slots in templates.types.values() for s in slots] + [templates.opening, templates.closing]
    tags = frozenset(_folded(t) for spec in specs if spec is not None for t in spec.tags)
    return tags, tags | frozenset(w for t in tags for w in _words_of(t))


def _context(message: str, tri: Triage, reply_type: str, article: Article | None, audience: str, channel: str,
             content: Content, function_tags: frozenset[str] = frozenset(),
             function_words: frozenset[str] = frozenset()) -> _Context:
    # What the reply is about: the message and the chosen article's questions, tags and category.
    topic_text = message
    if article is not None:
        tags = [t for t in article.tags if _folded(t) not in function_tags]
        topic_text = " ".join([message, article.title, article.category, *tags, *article.similar])
    return _Context(message, fold(topic_text), tri, reply_type, article, audience, channel,
                    _words_of(topic_text) - function_words, _script_idf(content.scripts), _by_stage(content.scripts),
                    _situations(content.articles))


@per_load(size=len)
def _by_stage(scripts: list[Script]) -> dict[str, list[tuple[int, Script]]]:
    """Scripts by stage with their file order (ties keep file order), once per load."""
    by_stage: dict[str, list[tuple[int, Script]]] = {}
    for order, script in enumerate(scripts):
        by_stage.setdefault(script.stage, []).append((order, script))
    return by_stage


@per_load(size=len)
def _situations(articles: list[Article]) -> str:
    """What customers ask about: all articles' titles, 相似问法, tags and categories, folded (cached per load)."""
    return fold("\n".join(" ".join([a.title, a.category, *a.tags, *a.similar]) for a in articles))


@per_load(size=len)
def _script_idf(scripts: list[Script]) -> dict[str, float]:
    """idf of words over the script library: shared rare words say more about topic than 您的/我们."""
    df: dict[str, int] = {}
    for s in scripts:
        for word in _script_words(s):
            df[word] = df.get(word, 0) + 1
    n = max(1, len(scripts))
    return {g: math.log(n / d) + 0.1 for g, d in df.items()}


@lru_cache(maxsize=4096)
def _folded(word: str) -> str:
    return fold(word)


@lru_cache(maxsize=4096)
def _words_of(text: str) -> frozenset[str]:
    """Folded words of two or more characters, filler and reply boilerplate left out.

    Words, not character bigrams: 还没到 (a parcel) and 没到账 (a refund) share the bigram 没到 but no word,
    so a refund script is not taken for a late parcel.
    """
    text = PLACEHOLDER_RE.sub(" ", text)
    return frozenset(w for w, _, _ in words(text) if len(w) > 1 and w not in FILLER and w not in _TOPIC_STOP)


def _script_words(s: Script) -> frozenset[str]:
    return _words_of(" ".join([s.title, s.text, *s.tags]))


def _candidates(spec: SlotSpec, ctx: _Context, used: set[str]) -> list[Alternative]:
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
                found.append(Alternative(text, f"script:{script.id}{suffix}",
                                         base + min(relevance, _RELEVANCE_CAP) - order * 1e-6))
        elif spec.text:
            english = ctx.audience == "外籍" and "en" in spec.variants
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


def _article_candidate(section: str, base: float, ctx: _Context) -> list[Alternative]:
    article = ctx.article
    if article is None or not article.section(section).strip():
        return []
    raw = adapt.plain_text(article.section(section))
    source = f"article:{article.id}#{section}"
    kept, share = adapt.customer_facing(raw)
    # An inquiry's answer may come from any article; a complaint or fault reply only from an article of
    # that type (a how-to article's 结论 is no apology).
    fits = ctx.type == "咨询" or article.type == ctx.type
    if kept and share >= 0.4:
        return [Alternative(kept, source, base + (_ARTICLE_BONUS if fits else -_AGENT_NOTE_PENALTY))]
    # Mostly notes for the agent: offered as an alternative below every script, never chosen by itself.
    return [Alternative(raw, source + AGENT_NOTE, base - _AGENT_NOTE_PENALTY)]


def _script_relevance(script: Script, spec: SlotSpec, ctx: _Context) -> float | None:
    """How well a script fits this slot and message; None when it must not be used at all."""
    if script.type not in (ctx.type, "通用"):
        return None
    if script.channels and ctx.channel not in script.channels:
        return None
    audience_tags = {t for t in script.tags if t in AUDIENCE_TAGS}
    if audience_tags and ctx.audience not in audience_tags:
        return None
    tag_hits = len(set(script.tags) & set(spec.tags))
    if spec.require_tags and not tag_hits:
        return None
    topic = sum(ctx.idf.get(w, 0.0) for w in _script_words(script) & ctx.topic)
    # ctx.folded holds the message and the article's questions and tags: a 物流 script fits a parcel article.
    tags_in_message = sum(1 for t in script.tags if t not in AUDIENCE_TAGS and t not in spec.tags
                          and _folded(t) in ctx.folded)
    if spec.topical and topic < _TOPIC_MIN and not tags_in_message:
        return None
    score = 6.0 * (script.type == ctx.type) + 5.0 * min(tag_hits, 2) + 12.0 * bool(audience_tags)
    score += min(1.5 * topic, 18.0) + 4.0 * min(tags_in_message, 2)
    # A tag naming another situation customers ask about (退款 or 大促 for a late parcel) makes the script's
    # details wrong here. Situations are what the knowledge base's questions talk about; tags such as
    # 情绪安抚 or 满意答复 say how a script speaks, not what about, and cost nothing.
    elsewhere = [t for t in script.tags if t not in AUDIENCE_TAGS and t not in spec.tags
                 and _folded(t) not in ctx.folded and _folded(t) in ctx.situations]
    score -= _OTHER_SITUATION * len(elsewhere)
    if ctx.audience == "外籍" and "en" in script.variants:
        score += 10.0
    if ctx.triage.emotion == "angry" and "情绪安抚" in script.tags:
        score += 4.0
    if ctx.triage.priority == "high" and {"高优先级", "加急"} & set(script.tags):
        score += 3.0
    if ctx.channel in script.channels and len(script.channels) == 1:
        score += 2.0
    if script.shortcut:
        score += 3.0  # a script with a shortcut is a team standard, used and reviewed often
    score -= 1.0 * len(find_placeholders(script.text))
    return max(score, 0.0)


def _script_text(script: Script, ctx: _Context) -> tuple[str, str]:
    if ctx.audience == "外籍" and script.variants.get("en", "").strip():
        return script.variants["en"].strip(), "@en"
    return script.text.strip(), ""


def _adapt(text: str, ctx: _Context) -> str:
    """Audience and channel rules applied to one candidate text."""
    if ctx.audience == "外籍":
        text = adapt.strip_familiar(text)
    if ctx.channel == "电话":
        text = adapt.spoken(text)
    if ctx.audience in ("老年", "听障"):
        text = adapt.shorten_sentences(text)
    return text.strip()


def _polish(slots: list[Slot], ctx: _Context, has_opening: bool, has_closing: bool) -> list[Slot]:
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
    if ctx.audience == "老年":
        end = len(out) - 1 if has_closing else len(out)
        body = out[1 if has_opening else 0:end]
        fact = adapt.key_fact([s.text for s in body if s.text])
        if fact:
            out.insert(end, Slot("重复要点", "再说一遍:" + fact.rstrip(adapt.TRAILING_PAUSES), "audience:老年"))
    return out


# ---------------------------------------------------------------- JSON


def draft_to_dict(draft: Draft) -> dict[str, Any]:
    """The JSON document of `zhida compose --json`: triage, article, slots, text, placeholders, findings."""
    article = None
    if draft.article is not None:
        a = draft.article
        article = {"id": a.id, "title": a.title, "path": a.path, "type": a.type, "via": draft.article_via}
    return {
        "triage": draft.triage.to_dict(),
        "article": article,
        "slots": [s.to_dict() for s in draft.slots],
        "text": draft.text,
        "placeholders": list(draft.placeholders),
        "findings": [finding_to_dict(f) for f in draft.findings],
    }


def finding_to_dict(finding: Any) -> dict[str, Any]:
    """A checker Finding as JSON (tuples become lists)."""
    if hasattr(finding, "as_dict"):
        return finding.as_dict()
    data = dataclasses.asdict(finding) if dataclasses.is_dataclass(finding) else dict(vars(finding))
    return {k: list(v) if isinstance(v, tuple) else v for k, v in data.items()}
