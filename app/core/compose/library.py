"""What building a reply needs from one loaded content root, computed once per load: the ReplyLibrary.

Triage cues and templates come from the content root, and what it lacks from the bundled content.
The workspace builds one ReplyLibrary per load and hands it to every `compose` call.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

from app.core.compose.choice import ArticleEvidence
from app.core.compose.overlap import OverlapSearcher
from app.core.compose.templates import TemplateSet, load_templates, parse_templates
from app.core.compose.triage import TriageRules, load_triage, parse_triage
from app.core.compose.words import folded_word, script_words, topic_words
from app.core.content.bundled import bundled_content, is_bundled
from app.core.content.model import Article, Content, Problem, Script
from app.core.text.fold import fold
from app.core.vocab import ARTICLE_TYPES, WARNING_LEVEL


def load_library(content: Content) -> tuple[TriageRules, TemplateSet, list[Problem]]:
    """Triage cues and templates of the content root; what it lacks comes from the bundled content."""
    fallback = None if is_bundled(content) else bundled_content()
    rules, triage_problems = load_triage(content, fallback)
    templates, template_problems = load_templates(content, fallback)
    return rules, templates, triage_problems + template_problems


def check_library(content: Content) -> list[Problem]:
    """`zhida validate` check for triage and template files: unknown types, stages, sources, bad cues."""
    stages = {s.stage for s in content.scripts if s.stage}
    _, problems = parse_triage(content.library_of("triage"))
    templates, more = parse_templates(content.library_of("templates"), stages)
    problems += more
    files = content.library_of("templates")
    if files:
        missing = [t for t in ARTICLE_TYPES if t not in templates.types]
        if missing:
            problems.append(
                Problem(
                    files[0].path,
                    1,
                    WARNING_LEVEL,
                    f"no template for {', '.join(missing)}: the bundled template is used",
                )
            )
    return problems


@dataclass
class ReplyLibrary:
    """Triage cues, templates and the script and article statistics the builder ranks with."""

    content: Content
    triage: TriageRules
    templates: TemplateSet
    problems: list[Problem] = field(default_factory=list)
    function_tags: frozenset[str] = frozenset()  # what templates ask for (感谢, 用户需求 …): not topic
    function_words: frozenset[str] = frozenset()  # those tags and their words
    by_stage: dict[str, list[tuple[int, Script]]] = field(default_factory=dict)
    situations: str = ""  # every article's questions, tags, category, folded
    script_idf: dict[str, float] = field(default_factory=dict)
    overlap: OverlapSearcher | None = None  # article choice without the index
    evidence: ArticleEvidence = field(default_factory=lambda: ArticleEvidence(Content(root=Path("."))))

    @classmethod
    def build(cls, content: Content) -> ReplyLibrary:
        """Everything `compose` needs from `content`, computed once."""
        rules, templates, problems = load_library(content)
        tags, words = _function_tags(templates)
        return cls(
            content,
            rules,
            templates,
            problems,
            tags,
            words,
            _by_stage(content.scripts),
            _situations(content.articles),
            _script_idf(content.scripts),
            OverlapSearcher(content),
            ArticleEvidence(content),
        )


def _function_tags(templates: TemplateSet) -> tuple[frozenset[str], frozenset[str]]:
    """(tags, tags and their words), folded: what the templates ask for (感谢, 用户需求, 约定反馈时间 …) says
    what a script does, not what it is about."""
    specs = [s for slots in templates.types.values() for s in slots] + [templates.opening, templates.closing]
    tags = frozenset(folded_word(t) for spec in specs if spec is not None for t in spec.tags)
    return tags, tags | frozenset(w for t in tags for w in topic_words(t))


def _by_stage(scripts: list[Script]) -> dict[str, list[tuple[int, Script]]]:
    """Scripts by stage with their file order (ties keep file order)."""
    by_stage: dict[str, list[tuple[int, Script]]] = {}
    for order, script in enumerate(scripts):
        by_stage.setdefault(script.stage, []).append((order, script))
    return by_stage


def _situations(articles: list[Article]) -> str:
    """What customers ask about: all articles' titles, 相似问法, tags and categories, folded."""
    return fold("\n".join(" ".join([a.title, a.category, *a.tags, *a.similar]) for a in articles))


def _script_idf(scripts: list[Script]) -> dict[str, float]:
    """idf of words over the script library: shared rare words say more about topic than 您的/我们."""
    df: dict[str, int] = {}
    for s in scripts:
        for word in script_words(s):
            df[word] = df.get(word, 0) + 1
    n = max(1, len(scripts))
    return {g: math.log(n / d) + 0.1 for g, d in df.items()}
