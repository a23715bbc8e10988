"""From a stored document to the Hit an agent sees, and which queries the semantic retriever is asked about."""

from __future__ import annotations

from typing import Any

from app.core.search import fusion
from app.core.search.hits import Hit
from app.core.search.semantic import READY, Semantic
from app.core.search.snippets import snippet
from app.core.text.chars import is_cjk


def semantic_worthy(text: str) -> bool:
    """A question or sentence (two Chinese characters, or two words of English), not pinyin or a shortcut."""
    cjk = sum(1 for ch in text if is_cjk(ch))
    if cjk >= 2:
        return True
    return cjk == 0 and len([w for w in text.split() if w.isalpha()]) >= 2


def make_hit(
    stored: dict[str, Any], score: float, retrievers: tuple[str, ...], terms: list[str], similarity: float = 0.0
) -> Hit:
    """The hit of a stored document, its snippet marking `terms` (`similarity`: its semantic cosine, if found)."""
    passages = [stored.get("body", ""), *stored.get("similar", "").split("\n"), stored.get("title", "")]
    return Hit(
        id=stored["id"],
        kind=stored["kind"],
        title=stored.get("title", ""),
        score=round(score, 4),
        snippet=snippet(passages, terms),
        category=stored.get("category", ""),
        type=stored.get("type", ""),
        path=stored.get("path", ""),
        retrievers=retrievers,
        similarity=round(similarity, 4),
    )


def semantic_candidates(
    semantic: Semantic,
    searcher: Any,
    docnums: dict[tuple[str, str], int | None],
    text: str,
    allowed: set[int] | None,
    blocked: set[int],
) -> list[tuple[int, float]]:
    """The semantic retriever's best documents as (docnum, cosine), filtered like the lexical ones.

    `docnums` caches (path, id) → docnum for this searcher (the caller clears it when the searcher changes).
    """
    if semantic.state != READY:
        return []
    ranked = []
    for key, cosine in semantic.search(text, fusion.SEMANTIC_DEPTH * 2) or []:
        if key not in docnums:
            docnums[key] = next(
                (d for d in searcher.document_numbers(path=key[0]) if searcher.stored_fields(d).get("id") == key[1]),
                None,
            )
        docnum = docnums[key]
        if docnum is None or docnum in blocked or (allowed is not None and docnum not in allowed):
            continue
        ranked.append((docnum, cosine))
        if len(ranked) >= fusion.SEMANTIC_DEPTH:
            break
    return ranked
