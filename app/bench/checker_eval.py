"""`python -m app.bench.checker_eval`: recall and false alarms of the checker on the labelled dev sets.

The sets live in tests/data/checker/ (see its README): 服务禁语-style lines in many families and
disguises, clean polite replies, and realistic seller replies labelled with or without an error. Each set
is checked line by line and as one text (all lines joined by line breaks), because an exception in one
line must not silence another. Prints one table; `--json` prints the numbers; `--misses` lists what failed.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from app.core.checker.match import CheckContext, Checker, Finding
from app.core.content.loader import load_content
from app.core.settings import resolve_content_root
from app.core.vocab import ERROR_LEVEL, LEVEL_RANK, WARNING_LEVEL

DATA = Path(__file__).resolve().parent.parent.parent / "tests" / "data" / "checker"
_ESCAPE = re.compile(r"\\(n|u[0-9a-fA-F]{4})")


@dataclass(frozen=True)
class Line:
    """One labelled line: its family (or '' for the clean sets) and whether it must be flagged."""

    text: str
    family: str
    bad: bool


def _unescape(text: str) -> str:
    return _ESCAPE.sub(lambda m: "\n" if m.group(1) == "n" else chr(int(m.group(1)[1:], 16)), text)


def load_sets(folder: Path = DATA) -> dict[str, list[Line]]:
    """The three dev sets: forbidden (all bad), polite (all clean) and seller (labelled)."""
    forbidden = []
    for raw in (folder / "forbidden.tsv").read_text(encoding="utf-8").splitlines():
        if raw.strip() and not raw.startswith("#"):
            family, _, text = raw.partition("\t")
            forbidden.append(Line(_unescape(text), family, True))
    polite = [
        Line(_unescape(t), "", False)
        for t in (folder / "polite.txt").read_text(encoding="utf-8").splitlines()
        if t.strip() and not t.startswith("#")
    ]
    seller = []
    for raw in (folder / "seller.jsonl").read_text(encoding="utf-8").splitlines():
        if raw.strip():
            item = json.loads(raw)
            seller.append(Line(item["text"], "error" if item["error"] else "", bool(item["error"])))
    return {"forbidden": forbidden, "polite": polite, "seller": seller}


def _levels_by_line(checker: Checker, lines: list[Line], together: bool) -> list[list[Finding]]:
    """Findings per line: each line checked alone, or all lines checked as one text."""
    context = CheckContext()
    if not together:
        return [checker.check(line.text, context) for line in lines]
    starts, pos = [], 0
    for line in lines:
        starts.append(pos)
        pos += len(line.text) + 1
    text = "\n".join(line.text for line in lines)
    per_line: list[list[Finding]] = [[] for _ in lines]
    import bisect

    for f in checker.check(text, context):
        first = bisect.bisect_right(starts, f.start) - 1
        last = bisect.bisect_right(starts, max(f.start, f.end - 1)) - 1
        for i in range(max(0, first), last + 1):
            per_line[i].append(f)
    return per_line


def _at_least(findings: list[Finding], level: str) -> bool:
    return any(LEVEL_RANK[f.level] >= LEVEL_RANK[level] for f in findings)


def evaluate(checker: Checker, sets: dict[str, list[Line]]) -> dict:
    """Recall and false alarms on each set, line by line and as one text, with the failing lines."""
    result: dict = {}
    for mode, together in (("lines", False), ("one_text", True)):
        forbidden = sets["forbidden"]
        found = _levels_by_line(checker, forbidden, together)
        caught = [_at_least(f, WARNING_LEVEL) for f in found]
        families: Counter[str] = Counter(line.family for line in forbidden)
        family_hits: Counter[str] = Counter(line.family for line, ok in zip(forbidden, caught) if ok)
        polite = sets["polite"]
        polite_found = _levels_by_line(checker, polite, together)
        polite_alarms = [line.text for line, f in zip(polite, polite_found) if _at_least(f, WARNING_LEVEL)]
        seller = sets["seller"]
        seller_found = _levels_by_line(checker, seller, together)
        false_errors = [
            (line.text, [x.rule for x in f if x.level == ERROR_LEVEL])
            for line, f in zip(seller, seller_found)
            if not line.bad and _at_least(f, ERROR_LEVEL)
        ]
        seller_bad = [line for line in seller if line.bad]
        seller_caught = sum(1 for line, f in zip(seller, seller_found) if line.bad and _at_least(f, WARNING_LEVEL))
        result[mode] = {
            "forbidden_recall": round(sum(caught) / len(forbidden), 3),
            "forbidden_caught": f"{sum(caught)}/{len(forbidden)}",
            "families": {k: f"{family_hits[k]}/{n}" for k, n in families.items()},
            "polite_false_alarms": f"{len(polite_alarms)}/{len(polite)}",
            "seller_false_errors": f"{len(false_errors)}/{len(seller) - len(seller_bad)}",
            "seller_errors_caught": f"{seller_caught}/{len(seller_bad)}",
            "misses": [line.text for line, ok in zip(forbidden, caught) if not ok],
            "polite_alarms": [
                (line.text, [(x.rule, x.text) for x in f if LEVEL_RANK[x.level] >= LEVEL_RANK[WARNING_LEVEL]])
                for line, f in zip(polite, polite_found)
                if _at_least(f, WARNING_LEVEL)
            ],
            "seller_false": false_errors,
            "seller_missed": [
                line.text for line, f in zip(seller, seller_found) if line.bad and not _at_least(f, WARNING_LEVEL)
            ],
        }
    specs = [(rule, spec) for rule in checker.rules for spec in rule.specs]
    problems = checker.run_specs()
    result["specs"] = {"total": len(specs), "contradicted": len(problems)}
    return result


def main(argv: list[str] | None = None) -> int:
    """Print the dev-set numbers for the content root's checker (default: the bundled content)."""
    parser = argparse.ArgumentParser(prog="python -m app.bench.checker_eval", description=__doc__)
    parser.add_argument("--content", default=None, help="content root whose rules to evaluate")
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    parser.add_argument("--misses", action="store_true", help="list the lines that failed")
    args = parser.parse_args(argv)
    checker = Checker.from_content(load_content(resolve_content_root(args.content)))
    result = evaluate(checker, load_sets())
    if args.json:
        for mode in ("lines", "one_text"):
            if not args.misses:
                for key in ("misses", "polite_alarms", "seller_false", "seller_missed"):
                    result[mode].pop(key)
        json.dump(result, sys.stdout, ensure_ascii=False, indent=1)
        print()
        return 0
    for mode in ("lines", "one_text"):
        r = result[mode]
        print(
            f"{mode:9} forbidden recall {r['forbidden_recall']:.3f} ({r['forbidden_caught']})  "
            f"polite false alarms {r['polite_false_alarms']}  seller false errors {r['seller_false_errors']}  "
            f"seller errors caught {r['seller_errors_caught']}"
        )
    print("families (one text):", "  ".join(f"{k} {v}" for k, v in result["one_text"]["families"].items()))
    print(f"rule specs: {result['specs']['total']} examples, {result['specs']['contradicted']} contradicted")
    if args.misses:
        r = result["one_text"]
        for text in r["misses"]:
            print("MISS", repr(text))
        for text, hits in r["polite_alarms"]:
            print("ALARM", text, hits)
        for text, rules in r["seller_false"]:
            print("FALSE-ERROR", text, rules)
        for text in r["seller_missed"]:
            print("SELLER-MISS", text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
