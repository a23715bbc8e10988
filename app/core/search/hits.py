"""Search results as plain data: what the index, the fallback searcher and the builder exchange (no Whoosh)."""

from __future__ import annotations

from dataclasses import dataclass

LAYER_MARK = "@"  # team paths start with kb/ or scripts_library/, so "@personal/…" can never clash


@dataclass(frozen=True)
class Hit:
    """One search result; `snippet` is HTML-escaped with matched terms in <b>…</b>.

    `score` orders the hits of one search (BM25-based when only the lexical retriever answered, the
    fused reciprocal-rank score when both did); `retrievers` says which found this hit ("lexical",
    "semantic"; empty from searchers that do not say, e.g. compose's fallback).
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

    @property
    def layer(self) -> str:
        """ "personal" for the agent's own scripts, "" for team content."""
        return self.path[1:].split("/", 1)[0] if self.path.startswith(LAYER_MARK) else ""
