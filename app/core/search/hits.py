"""Search results as plain data: what the index, the fallback searcher and the builder exchange (no Whoosh)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

LAYER_MARK = "@"  # team paths start with kb/ or scripts_library/, so "@personal/…" can never clash


@dataclass(frozen=True)
class Hit:
    """One search result; `snippet` is HTML-escaped with matched terms in <b>…</b>.

    `score` orders the hits of one search (BM25-based when only the lexical retriever answered, the
    fused reciprocal-rank score when both did); `retrievers` says which found this hit ("lexical",
    "semantic"; empty from searchers that do not say, e.g. compose's fallback); `similarity` is the
    semantic retriever's cosine between the query and the item's closest phrasing (0.0 when it did not
    find the item or is not ready) — the builder weighs it as evidence that the article answers.
    """

    id: str
    kind: str
    title: str
    score: float
    snippet: str
    category: str = ""
    type: str = ""
    path: str = ""
    retrievers: tuple[str, ...] = ()
    similarity: float = 0.0

    @property
    def layer(self) -> str:
        """ "personal" for the agent's own scripts, "" for team content."""
        return self.path[1:].split("/", 1)[0] if self.path.startswith(LAYER_MARK) else ""


class Searcher(Protocol):
    """Anything with SearchIndex.search's shape (the real index, or OverlapSearcher)."""

    def search(self, query: str, limit: int = 10, kind: str | None = None) -> Sequence[Hit]: ...
