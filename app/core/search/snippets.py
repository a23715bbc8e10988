"""Result snippets: the best short passage of a hit, HTML-escaped, matched terms wrapped in <b>…</b>.

Matching runs on folded text, which has the same length as the original, so the marks land on the
characters the content actually has (退貨 in the article is marked for a query 退货).
"""

from __future__ import annotations

import html

from app.core.text.fold import fold

WIDTH = 80


def _spans(folded: str, terms: list[str]) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for term in sorted(terms, key=len, reverse=True):
        start = folded.find(term)
        while start >= 0:
            end = start + len(term)
            if not any(s < end and start < e for s, e in spans):
                spans.append((start, end))
            start = folded.find(term, end)
    merged: list[tuple[int, int]] = []
    for s, e in sorted(spans):  # 到+账 found as two words read as one mark: <b>到账</b>
        if merged and merged[-1][1] == s:
            merged[-1] = (merged[-1][0], e)
        else:
            merged.append((s, e))
    return merged


def snippet(passages: list[str], terms: list[str], width: int = WIDTH) -> str:
    """The passage with the most distinct matched terms, cut to about `width` characters around them."""
    terms = [t for t in terms if t]
    best, best_spans, best_score = "", [], -1
    for text in passages:
        if not text:
            continue
        folded = fold(text)
        spans = _spans(folded, terms)
        score = len({folded[s:e] for s, e in spans})
        if score > best_score:
            best, best_spans, best_score = text, spans, score
    if not best:
        return ""
    start = 0
    if best_spans and best_spans[0][0] > width // 3:
        start = best_spans[0][0] - width // 4
    end = min(len(best), start + width)
    out = ["…" if start > 0 else ""]
    cursor = start
    for s, e in best_spans:
        if s < start or e > end:
            continue
        out.append(html.escape(best[cursor:s]))
        out.append(f"<b>{html.escape(best[s:e])}</b>")
        cursor = e
    out.append(html.escape(best[cursor:end]))
    if end < len(best):
        out.append("…")
    return " ".join("".join(out).split("\n")).strip()
