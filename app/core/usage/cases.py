"""The team's case library (案例库): search over cases, and a case as a training drill."""

from __future__ import annotations

from app.core.text.fold import fold
from app.core.text.ngrams import bigrams
from app.core.usage.records import Case
from app.core.vocab import COMPLAINT, NEGATIVE_CASE, POSITIVE_CASE

DRILL_PREFIX = "case-"


def search_cases(cases: list[Case], query: str) -> list[Case]:
    """Cases matching `query` (folded character pairs over message, reply and tags), best first; all if empty."""
    query = query.strip()
    if not query:
        return list(cases)
    wanted = set(bigrams(query)) or {fold(query)}
    scored = []
    for case in cases:
        text = " ".join((case.message, case.reply, " ".join(case.tags)))
        have = set(bigrams(text))
        score = len(wanted & have) / len(wanted) if have else 0.0
        if score >= 0.5 or fold(query) in fold(text):
            scored.append((score, case.ts, case))
    scored.sort(key=lambda t: (-t[0], -t[1]))
    return [c for _, _, c in scored]


def case_drill(case: Case) -> dict[str, object]:
    """A curated case as an entry of a `kind: drills` file (the customer's message is the drill's message)."""
    first_line = case.message.strip().splitlines()[0] if case.message.strip() else "案例"
    hint = {
        POSITIVE_CASE: "这是团队的正面案例:参考里面的处理方式。",
        NEGATIVE_CASE: "这是团队的反面案例:想想原来的回复哪里不好,再写一份更好的。",
    }.get(case.polarity, "团队案例:先判断问题类型,再按步骤回复。")
    drill: dict[str, object] = {
        "id": f"{DRILL_PREFIX}{case.id[:12]}",
        "title": f"案例:{first_line[:24]}",
        "type": case.type or COMPLAINT,
        "hint": hint,
        "message": case.message.strip(),
    }
    if case.article:
        drill["article"] = case.article
    return drill
