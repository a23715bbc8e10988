"""How well the builder reads customers: type, article, "not found", search top-3, drafts the checker blocks.

    python -m app.bench.compose_eval [tests/data/compose/dev.jsonl] [--content DIR] [--json] [--show N]

Each line of the set is {"message", "type", "article" (id or null), "also": [ids], "audience", "channel",
"facts": {...}, "style": [...]} (tests/data/compose/README.md). For every message the builder composes a
draft exactly as the app does (real index on disk, the content root's checker and reply library) and the
harness counts:

- type accuracy: the triaged type equals the label;
- article top-1: for a covered message, the draft's article is the labelled one (or one in `also`) and
  the choice is not "none"; for an uncovered message (article null) the choice is "none";
- "no article" said: the share of uncovered messages for which the builder said nothing fits;
- false "no article": the share of covered messages for which it did;
- search top-3: the labelled article among the first three search hits for the raw message;
- unsure: the share of covered messages shown with candidates (close / weak);
- drafts with an error finding: drafts the checker would block from being copied;
- facts: of the labelled facts the template could use, the share filled from the message.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from app.core.compose.choice import NONE
from app.core.compose.composer import compose
from app.core.compose.facts import AMOUNT, PHONE_NUMBER, REFUND
from app.core.paths import bundled_content_root
from app.core.text.fold import fold
from app.core.text.pii import mask_personal_data
from app.core.vocab import ERROR_LEVEL
from app.core.workspace import load_workspace

DEFAULT_SET = bundled_content_root() / "tests" / "data" / "compose" / "dev.jsonl"


@dataclass
class Outcome:
    """One message's result."""

    message: str
    gold_type: str
    got_type: str
    gold_article: str | None
    also: tuple[str, ...]
    got_article: str | None
    status: str
    top3: tuple[str, ...]
    errors: tuple[str, ...]
    style: tuple[str, ...] = ()
    facts_expected: int = 0
    facts_filled: int = 0
    cues: tuple[str, ...] = field(default_factory=tuple)

    @property
    def article_ok(self) -> bool:
        """The right article, or an honest "none" for an uncovered message."""
        if self.gold_article is None:
            return self.status == NONE
        return self.status != NONE and self.got_article in (self.gold_article, *self.also)


def _expected(name: str, value: object) -> str:
    """The labelled value as the draft should carry it: a phone masked, an amount without its unit."""
    text = fold(str(value))
    if name == PHONE_NUMBER:
        return fold(mask_personal_data(str(value)))
    if name in (REFUND, AMOUNT):
        return re.sub(r"\s*(元|块钱|块)$", "", text.lstrip("¥￥"))
    return text


def load_set(path: Path) -> list[dict]:
    """The labelled messages of a JSONL file."""
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            try:
                rows.append(json.loads(line))
            except ValueError as exc:
                raise SystemExit(f"{path}:{number}: not JSON ({exc})") from None
    return rows


def evaluate(rows: list[dict], content_root: Path, home: Path) -> list[Outcome]:
    """Compose a draft for every row the way the app does and record what happened."""
    workspace = load_workspace(content_root, home)
    if workspace.index is not None:
        # As the window has it once warm: the semantic model loaded and every text embedded
        # (lexical only when the model is missing or ZHIDA_SEMANTIC=off).
        workspace.index.prepare_semantic(wait=120.0, inline=0)
        workspace.index.embed_pending()
    outcomes = []
    for row in rows:
        draft = compose(
            row["message"],
            workspace.content,
            searcher=workspace.index,
            checker=workspace.checker,
            library=workspace.replies,
            audience=row.get("audience", "普通"),
            channel=row.get("channel", "在线"),
        )
        hits = workspace.index.search(row["message"], limit=3, kind="article") if workspace.index else []
        # A labelled fact counts where the draft could use it: its placeholder is still open, or it was filled.
        open_names = set(draft.placeholders)
        given = {f.name: fold(f.value) for f in draft.facts}
        labelled = row.get("facts") or {}
        wanted = {k for k in labelled if k in open_names or k in given}
        # Filled means filled with the customer's value, not with whatever text sat in the right place.
        filled = {k for k in wanted if given.get(k) == _expected(k, labelled[k])}
        outcomes.append(
            Outcome(
                row["message"],
                row["type"],
                draft.triage.type,
                row.get("article"),
                tuple(row.get("also") or ()),
                draft.article.id if draft.article else None,
                draft.choice.status,
                tuple(h.id for h in hits),
                tuple(f"{f.rule}:{f.text}" for f in draft.findings if f.level == ERROR_LEVEL),
                tuple(row.get("style") or ()),
                len(wanted),
                len(filled),
                tuple(f"{c.field}:{c.text}" for c in draft.triage.cues),
            )
        )
    return outcomes


def summarize(outcomes: list[Outcome]) -> dict[str, float | int]:
    """The numbers the issue's targets are stated in."""
    covered = [o for o in outcomes if o.gold_article is not None]
    uncovered = [o for o in outcomes if o.gold_article is None]

    def share(part: list[Outcome], test) -> float:
        return round(sum(1 for o in part if test(o)) / len(part), 3) if part else 0.0

    facts_expected = sum(o.facts_expected for o in outcomes)
    return {
        "messages": len(outcomes),
        "type_accuracy": share(outcomes, lambda o: o.gold_type == o.got_type),
        "article_top1": share(outcomes, lambda o: o.article_ok),
        "article_top1_covered": share(covered, lambda o: o.article_ok),
        "no_article_said": share(uncovered, lambda o: o.status == NONE),
        "false_no_article": share(covered, lambda o: o.status == NONE),
        "unsure_covered": share(covered, lambda o: o.status in ("close", "weak")),
        "search_top3": share(covered, lambda o: bool({o.gold_article, *o.also} & set(o.top3))),
        "drafts_with_error": sum(1 for o in outcomes if o.errors),
        "facts_filled": round(sum(o.facts_filled for o in outcomes) / facts_expected, 3) if facts_expected else 1.0,
    }


def _type_table(outcomes: list[Outcome]) -> str:
    by = Counter((o.gold_type, o.got_type) for o in outcomes)
    types = sorted({o.gold_type for o in outcomes} | {o.got_type for o in outcomes})
    lines = ["gold\\got " + " ".join(f"{t:>4}" for t in types)]
    for g in types:
        lines.append(f"{g:<8} " + " ".join(f"{by[(g, t)]:>4}" for t in types))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Print the summary (and with --show, the first N mistakes of each kind)."""
    parser = argparse.ArgumentParser(prog="python -m app.bench.compose_eval", description=__doc__.split("\n")[0])
    parser.add_argument("set", nargs="?", default=str(DEFAULT_SET), help="a labelled JSONL set")
    parser.add_argument("--content", default=str(bundled_content_root()), help="content root")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--show", type=int, default=0, metavar="N", help="list N mistakes of each kind")
    args = parser.parse_args(argv)
    rows = load_set(Path(args.set))
    with tempfile.TemporaryDirectory(prefix="zhida-compose-eval-") as home:
        outcomes = evaluate(rows, Path(args.content), Path(home))
    summary = summarize(outcomes)
    if args.json:
        json.dump(
            {"summary": summary, "outcomes": [o.__dict__ for o in outcomes]},
            sys.stdout,
            ensure_ascii=False,
            indent=1,
            default=list,
        )
        print()
        return 0
    for key, value in summary.items():
        print(f"{key:>22}: {value}")
    print(_type_table(outcomes))
    if args.show:
        kinds = {
            "type": [o for o in outcomes if o.gold_type != o.got_type],
            "article": [o for o in outcomes if not o.article_ok],
            "error": [o for o in outcomes if o.errors],
        }
        for kind, wrong in kinds.items():
            print(f"\n--- {kind} mistakes ({len(wrong)})")
            for o in wrong[: args.show]:
                print(
                    f"[{o.gold_type}→{o.got_type}] [{o.gold_article}→{o.got_article} {o.status}] {o.message[:70]}"
                    f"  cues={','.join(o.cues)[:60]} top3={','.join(o.top3)} {'; '.join(o.errors)[:80]}"
                )
    return 0


if __name__ == "__main__":
    sys.exit(main())
