"""`zhida bench workbench`: the near-duplicate threshold on bq-dev, check time against 20,000 articles, preview time.

Quality: bq-dev's FAQ groups are same-intent questions. Each held-out phrasing (queries.jsonl) is checked
against the FAQs' questions (title + 相似问法) as a new article's title would be: a warning is its closest
other article at or above the threshold; it is right when that FAQ is one of the query's same-intent FAQs.
The threshold is chosen on the even-numbered queries (highest F1 among thresholds whose precision is at
least PRECISION_FLOOR) and reported on the odd-numbered ones. bq-dev's labels are incomplete (some FAQs
share an intent), so precision is a lower bound. The naive baseline is character-set Jaccard, tuned the same way.
Speed: one check against 20,000 articles × 3 questions (baoxian + bq-dev questions, recombined), ours
beside a plain Python loop over difflib-free Jaccard; preview: incremental vs full render of 5,000 characters.
"""

from __future__ import annotations

import json
import random
import statistics
import time
from pathlib import Path
from typing import Any

from app.core.authoring.neardup import THRESHOLD, NearDupIndex
from app.core.authoring.preview import PreviewRenderer
from app.core.content.render import render_markdown
from app.core.text.fold import fold

# ../shared/eval beside the repository (the first such folder above it: worktrees sit one level deeper).
EVAL = next(
    (p / "shared" / "eval" for p in Path(__file__).resolve().parents if (p / "shared" / "eval" / "bq-dev").is_dir()),
    Path(__file__).resolve().parents[3] / "shared" / "eval",
)
GRID = [round(0.30 + 0.05 * i, 2) for i in range(13)]
PRECISION_FLOOR = 0.25  # lower bound on labels that miss duplicate FAQs; see the module docstring


def _load(name: str) -> list[dict]:
    path = EVAL / name
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _jaccard_nearest(pairs: list[tuple[str, set[str]]], question: str) -> tuple[str, float]:
    chars = set(fold(question))
    best, score = "", 0.0
    for item, other in pairs:
        union = len(chars | other)
        s = len(chars & other) / union if union else 0.0
        if s > score:
            best, score = item, s
    return best, score


def _pr(rows: list[tuple[set[str], str, float]], threshold: float) -> tuple[float, float, int]:
    warned = [(rel, item) for rel, item, score in rows if score >= threshold]
    right = sum(1 for rel, item in warned if item in rel)
    return (right / len(warned) if warned else 0.0), right / len(rows), len(warned)


def _tune(rows: list[tuple[set[str], str, float]]) -> float:
    best, best_f1 = GRID[-1], -1.0
    for t in GRID:
        p, r, _ = _pr(rows, t)
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        if p >= PRECISION_FLOOR and f1 > best_f1:
            best, best_f1 = t, f1
    return best


def quality() -> dict[str, Any]:
    """Threshold tuned on half of bq-dev's phrasings, precision/recall on the other half, ours and the baseline."""
    faq = _load("bq-dev/faq.jsonl")
    queries = _load("bq-dev/queries.jsonl")
    questions = [(f["id"], q) for f in faq for q in (f["question"], *f["similar"])]
    index = NearDupIndex(questions)
    char_sets = [(item, set(fold(q))) for item, q in questions]
    ours: list[tuple[set[str], str, float]] = []
    naive: list[tuple[set[str], str, float]] = []
    for q in queries:
        rel = set(q["relevant_faq_ids"])
        top = index.nearest(q["query"], limit=1)
        ours.append((rel, top[0].item if top else "", top[0].score if top else 0.0))
        naive.append((rel, *_jaccard_nearest(char_sets, q["query"])))
    result: dict[str, Any] = {"queries": len(queries), "faqs": len(faq), "shipped_threshold": THRESHOLD}
    for name, rows in (("ours", ours), ("naive_jaccard", naive)):
        tune, held = rows[0::2], rows[1::2]
        t = _tune(tune)
        p, r, n = _pr(held, t)
        result[name] = {
            "threshold": t,
            "held_out_precision": round(p, 3),
            "held_out_recall": round(r, 3),
            "held_out_warnings": n,
            "curve": {str(x): [round(v, 3) for v in _pr(held, x)[:2]] for x in GRID},
        }
    return result


def speed(articles: int = 20_000, checks: int = 300) -> dict[str, Any]:
    """Milliseconds per near-duplicate check against `articles` articles of three questions each."""
    source = [f["question"] for f in _load("baoxian/faq.jsonl")] + [f["question"] for f in _load("bq-dev/faq.jsonl")]
    rng = random.Random(7)
    pairs = [(f"a{i}", rng.choice(source)[:18] + rng.choice(source)[:6]) for i in range(articles) for _ in range(3)]
    started = time.perf_counter()
    index = NearDupIndex(pairs)
    build = time.perf_counter() - started
    probes = [q["query"] for q in _load("bq-dev/queries.jsonl")[:checks]]
    times = []
    for question in probes:
        t = time.perf_counter()
        index.duplicates(question)
        times.append((time.perf_counter() - t) * 1000)
    char_sets = [(item, set(fold(q))) for item, q in pairs]
    naive = []
    for question in probes[:20]:
        t = time.perf_counter()
        _jaccard_nearest(char_sets, question)
        naive.append((time.perf_counter() - t) * 1000)
    times.sort()
    return {
        "articles": articles,
        "questions": len(pairs),
        "build_s": round(build, 2),
        "check_ms_median": round(statistics.median(times), 2),
        "check_ms_p95": round(times[int(len(times) * 0.95)], 2),
        "naive_check_ms_median": round(statistics.median(naive), 1),
    }


def preview(chars: int = 5000) -> dict[str, Any]:
    """Render time of a 5,000-character article: a full render and the incremental one after a keystroke."""
    body = (Path(__file__).resolve().parents[2] / "kb" / "returns").glob("*.md")
    text = "".join(p.read_text(encoding="utf-8").split("---", 2)[2] for p in sorted(body))
    text = (text * (chars // max(1, len(text)) + 1))[:chars]
    renderer = PreviewRenderer()
    renderer.render(text)
    full, incremental = [], []
    for i in range(15):
        edited = text[: chars // 2] + "字" * (i + 1) + text[chars // 2 :]
        t = time.perf_counter()
        render_markdown(edited)
        full.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        renderer.render(edited)
        incremental.append((time.perf_counter() - t) * 1000)
    return {
        "chars": len(text),
        "full_render_ms_median": round(statistics.median(full), 1),
        "incremental_render_ms_median": round(statistics.median(incremental), 1),
    }


def run_bench(docs: int | None = None, rules: int | None = None, content: str | None = None) -> dict[str, Any]:
    """Everything above, for `zhida bench workbench`."""
    return {"neardup_quality": quality(), "neardup_speed": speed(docs or 20_000), "preview": preview()}
