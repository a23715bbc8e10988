"""The builder's data: a draft, its slots and each slot's alternatives, and the searcher it is given."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from app.core.compose.choice import NONE, ArticleChoice
from app.core.compose.facts import Fact
from app.core.compose.triage import Triage
from app.core.content.model import Article
from app.core.vocab import GENERAL, ONLINE


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
        return {
            "name": self.name,
            "text": self.text,
            "source": self.source,
            "alternatives": [a.to_dict() for a in self.alternatives],
        }


@dataclass(frozen=True)
class Draft:
    """A reply draft: triage, chosen article, slots, assembled text, open placeholders, checker findings."""

    triage: Triage
    article: Article | None
    slots: tuple[Slot, ...]
    text: str
    placeholders: tuple[str, ...]
    findings: tuple[Any, ...] = ()
    audience: str = GENERAL
    channel: str = ONLINE
    article_via: str = ""  # "given" | "search" | "overlap" | ""
    checked: bool = False  # False when no checker was available
    choice: ArticleChoice = field(default_factory=lambda: ArticleChoice(None, NONE))
    facts: tuple[Fact, ...] = ()  # what the message said that filled placeholders

    def slot(self, name: str) -> Slot | None:
        """The slot with this name, or None."""
        return next((s for s in self.slots if s.name == name), None)


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
        "choice": draft.choice.to_dict(),
        "facts": [f.to_dict() for f in draft.facts],
    }


def finding_to_dict(finding: Any) -> dict[str, Any]:
    """A checker Finding as JSON (tuples become lists)."""
    if hasattr(finding, "as_dict"):
        return finding.as_dict()
    is_instance = dataclasses.is_dataclass(finding) and not isinstance(finding, type)
    data = dataclasses.asdict(finding) if is_instance else dict(vars(finding))
    return {k: list(v) if isinstance(v, tuple) else v for k, v in data.items()}
