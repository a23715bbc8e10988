"""The team's case library (案例库): search over cases, and a case as a training drill."""

from __future__ import annotations

from pathlib import Path

import yaml

from app.core.fileio.atomic import write_text_atomic
from app.core.fileio.bounded import ParseError, read_yaml
from app.core.fileio.limits import DEFAULT_LIMITS
from app.core.fileio.yamlsafe import YamlError
from app.core.text.fold import fold
from app.core.text.ngrams import bigrams
from app.core.usage.records import Case
from app.core.vocab import CASE_APPROVED, COMPLAINT, NEGATIVE_CASE, POSITIVE_CASE

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


DRILLS_FILE = "scripts_library/team-cases.yaml"
_HEADER = (
    "# 团队案例演练: written by 知答 (数据看板 → 案例库 → 导出为练习).\n"
    "# Exporting again replaces the drills whose id starts with case-; other drills in this file are kept.\n"
)


def export_case_drills(root: Path, cases: list[Case]) -> tuple[str, int]:
    """Write the approved cases as drills to DRILLS_FILE (atomically); (path, number of case drills)."""
    path = Path(root) / DRILLS_FILE
    kept: list[object] = []
    if path.exists():
        try:
            existing = read_yaml(path, DEFAULT_LIMITS.library, root=root)
        except (OSError, ParseError, YamlError) as exc:
            raise ValueError(f"{DRILLS_FILE}: cannot read ({exc}); fix or move it first") from None
        items = existing.get("drills", []) if isinstance(existing, dict) else None
        if not isinstance(items, list):
            raise ValueError(f"{DRILLS_FILE}: not a drills file; move it first")
        kept = [d for d in items if not (isinstance(d, dict) and str(d.get("id", "")).startswith(DRILL_PREFIX))]
    drills = [case_drill(c) for c in cases if c.status == CASE_APPROVED]
    data = {"kind": "drills", "name": "团队案例演练", "drills": [_plain(d) for d in kept] + drills}
    text = _HEADER + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
    write_text_atomic(path, text)
    return DRILLS_FILE, len(drills)


def _plain(value: object) -> object:
    """A parsed YAML value as plain dicts and lists (the line-tracking mappings are dict subclasses)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value
