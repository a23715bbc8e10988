"""Relevance harness: build a KB from an FAQ JSONL, run its queries through `zhida search --batch`, score.

    python -m app.core.eval_relevance [--eval DIR] [--faqs N] [--queries N] [--json]

DIR defaults to ../shared/eval/bq-dev beside the repository (never copied into it). Prints Recall@1/5/10
and MRR@10. The KB is built with the importer (one article per FAQ: title = question, similar = similar)
in a temporary folder with its own ZHIDA_HOME, and the queries go through the real CLI.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from app.core.content.importer import import_faq
from app.core.paths import bundled_content_root

DEFAULT_EVAL = bundled_content_root().parent / "shared" / "eval" / "bq-dev"


def evaluate(eval_dir: Path, max_faqs: int | None = None, max_queries: int | None = None) -> dict:
    """Scores for the FAQ set in `eval_dir` (faq.jsonl + queries.jsonl); optionally a subset."""
    faqs = [json.loads(line) for line in (eval_dir / "faq.jsonl").read_text(encoding="utf-8").splitlines() if line]
    queries = [
        json.loads(line) for line in (eval_dir / "queries.jsonl").read_text(encoding="utf-8").splitlines() if line
    ]
    if max_faqs:
        faqs = faqs[:max_faqs]
        kept = {f["id"] for f in faqs}
        queries = [q for q in queries if set(q["relevant_faq_ids"]) & kept]
    if max_queries:
        queries = queries[:max_queries]
    with tempfile.TemporaryDirectory(prefix="zhida-eval-") as tmp:
        tmp_path = Path(tmp)
        source = tmp_path / "faq.jsonl"
        source.write_text("".join(json.dumps(f, ensure_ascii=False) + "\n" for f in faqs), encoding="utf-8")
        root = tmp_path / "content"
        import_faq(source, root)
        batch = tmp_path / "queries.jsonl"
        batch.write_text(
            "".join(json.dumps({"query": q["query"]}, ensure_ascii=False) + "\n" for q in queries), encoding="utf-8"
        )
        env = dict(os.environ, ZHIDA_HOME=str(tmp_path / "home"))
        started = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, "-m", "app", "search", "--content", str(root), "--batch", str(batch), "--limit", "10"],
            capture_output=True,
            text=True,
            encoding="utf-8",
            env=env,
            check=False,
        )
        elapsed = time.perf_counter() - started
        if proc.returncode != 0:
            raise RuntimeError(f"zhida search --batch failed: {proc.stderr.strip()}")
        answers = [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]
    return score(queries, answers) | {"queries": len(queries), "faqs": len(faqs), "seconds": round(elapsed, 2)}


def score(queries: list[dict], answers: list[dict]) -> dict:
    """Recall@1/5/10 and MRR@10 of `answers` (batch output lines) against the labels."""
    r1 = r5 = r10 = mrr = 0.0
    for q, a in zip(queries, answers, strict=True):
        relevant = set(q["relevant_faq_ids"])
        ids = [h["id"] for h in a["hits"]][:10]
        rank = next((i for i, hit_id in enumerate(ids, 1) if hit_id in relevant), None)
        if rank is not None:
            r1 += rank == 1
            r5 += rank <= 5
            r10 += 1
            mrr += 1 / rank
    n = max(1, len(queries))
    return {"R@1": round(r1 / n, 3), "R@5": round(r5 / n, 3), "R@10": round(r10 / n, 3), "MRR@10": round(mrr / n, 3)}


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(prog="python -m app.core.eval_relevance", description=__doc__.split("\n")[0])
    parser.add_argument("--eval", type=Path, default=DEFAULT_EVAL, help="folder with faq.jsonl and queries.jsonl")
    parser.add_argument("--faqs", type=int, default=None, help="use only the first N FAQs (and their queries)")
    parser.add_argument("--queries", type=int, default=None, help="use only the first N queries")
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    args = parser.parse_args(argv)
    result = evaluate(args.eval, args.faqs, args.queries)
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    else:
        print("  ".join(f"{k} {v}" for k, v in result.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
