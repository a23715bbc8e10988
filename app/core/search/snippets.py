"""Result snippets: the best short passage of a hit, HTML-escaped, matched terms wrapped in <b>…</b>.

Matching runs on folded text, which has the same length as the original, so the marks land on the
characters the content actually has (退貨 in the article is marked for a query 退货). A mark must also
end where one of the text's own words ends and begin where a word begins, or be a word's tail of two or
more characters (the head of a Chinese compound: 发票 in 开发票, 换新 in 以旧换新): so 开发 (a piece of
the query's 开发票) is not marked inside 补开发票 or 开发者, and a one-character term is not marked
inside a longer word.
"""

from __future__ import annotations

import html
from collections.abc import Callable

from app.core.text.fold import fold
from app.core.text.segment import segmenter

WIDTH = 80


def _spans(folded: str, terms: list[str], aligned: bool = False) -> list[tuple[int, int]]:
    """Non-overlapping occurrences of the terms, longest first; with `aligned`, only those on word edges."""
    ok = _word_edges(folded, terms) if aligned else None
    spans: list[tuple[int, int]] = []
    for term in sorted(terms, key=len, reverse=True):
        start = folded.find(term)
        while start >= 0:
            end = start + len(term)
            if (ok is None or ok(start, end)) and not any(s < end and start < e for s, e in spans):
                spans.append((start, end))
            start = folded.find(term, start + 1)
    merged: list[tuple[int, int]] = []
    for s, e in sorted(spans):  # 到+账 found as two words read as one mark: <b>到账</b>
        if merged and merged[-1][1] == s:
            merged[-1] = (merged[-1][0], e)
        else:
            merged.append((s, e))
    return merged


def _word_edges(folded: str, terms: list[str]) -> Callable[[int, int], bool]:
    """Whether a span sits on the text's words, judged in the region the snippet will show."""
    first = min((i for i in (folded.find(t) for t in terms) if i >= 0), default=0)
    lo, hi = max(0, first - 40), min(len(folded), first + 2 * WIDTH + 40)
    starts, ends = {lo}, {hi}
    for _, start, end in segmenter().tokenize(folded[lo:hi]):
        starts.add(lo + start)
        ends.add(lo + end)

    def ok(s: int, e: int) -> bool:
        return lo <= s and e <= hi and e in ends and (s in starts or e - s >= 2)

    return ok


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
    best_spans = _spans(fold(best), terms, aligned=True)
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
