"""Relevance harness: build a KB from an FAQ JSONL, run its queries through the real CLI, score, beside the naive peer.

    python -m app.bench.relevance [--set bq-dev|baoxian] [--faqs N] [--queries N] [--json]

Sets live in ../shared/eval/ beside the repository, or in $ZHIDA_EVAL_DIR (never copied into it):
- bq-dev: 965 short bank FAQs (title + 相似问法), 1,748 short paraphrases (`queries.jsonl`);
- baoxian: 3,769 insurance Q&A (title + answer as body), 225 long pasted questions (`queries-dev.jsonl`).

One run scores, on the same KB and the same queries: 知答 as shipped (lexical fused with the semantic
retriever when its model package is installed), 知答 lexical alone (`--no-semantic`), and the naive
Whoosh + jieba OR query (when jieba, the `bench` extra, is installed). The KB is built with the
importer in a temporary folder with its own ZHIDA_HOME; `zhida index` builds the index and the
embeddings, then `zhida search --batch` answers. `search_top_k` is the same scoring in-process, for
other harnesses (the compose dev set's "search top-3").
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from app.core.content.importer import import_faq
from app.core.paths import bundled_content_root

# ../shared/eval beside the checkout; ZHIDA_EVAL_DIR points elsewhere (a worktree, CI's copy).
EVAL_ROOT = Path(os.environ.get("ZHIDA_EVAL_DIR") or bundled_content_root().parent / "shared" / "eval")
DEFAULT_EVAL = EVAL_ROOT / "bq-dev"
QUERY_FILES = ("queries.jsonl", "queries-dev.jsonl")


def _jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def queries_file(eval_dir: Path) -> Path:
    """The query file of an eval set (queries.jsonl, or queries-dev.jsonl for baoxian)."""
    for name in QUERY_FILES:
        if (eval_dir / name).is_file():
            return eval_dir / name
    raise FileNotFoundError(f"{eval_dir}: no {' or '.join(QUERY_FILES)}")


def score(queries: list[dict], answers: list[list[str]]) -> dict[str, float]:
    """Recall@1/3/5/10 and MRR@10 of ranked id lists against the labels."""
    r1 = r3 = r5 = r10 = mrr = 0.0
    for q, ids in zip(queries, answers, strict=True):
        relevant = set(q["relevant_faq_ids"])
        rank = next((i for i, hit_id in enumerate(ids[:10], 1) if hit_id in relevant), None)
        if rank is not None:
            r1 += rank == 1
            r3 += rank <= 3
            r5 += rank <= 5
            r10 += 1
            mrr += 1 / rank
    n = max(1, len(queries))
    return {
        "R@1": round(r1 / n, 3),
        "R@3": round(r3 / n, 3),
        "R@5": round(r5 / n, 3),
        "R@10": round(r10 / n, 3),
        "MRR@10": round(mrr / n, 3),
    }


def _cli(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(
        [sys.executable, "-m", "app", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        check=False,
        stdin=subprocess.DEVNULL,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"zhida {args[0]} failed: {proc.stderr.strip()[-500:]}")
    return proc


def _batch(root: Path, batch: Path, env: dict[str, str], extra: list[str]) -> tuple[list[list[str]], list[dict], float]:
    started = time.perf_counter()
    proc = _cli(["search", "--content", str(root), "--batch", str(batch), "--limit", "10", *extra], env)
    elapsed = time.perf_counter() - started
    lines = [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]
    return [[h["id"] for h in line["hits"]] for line in lines], lines, elapsed


def evaluate(
    eval_dir: Path, max_faqs: int | None = None, max_queries: int | None = None, naive: bool = True
) -> dict[str, Any]:
    """Scores of 知答 (shipped), 知答 lexical alone and the naive peer on one eval set; optionally a subset.

    The top level holds the shipped scores (R@1 … MRR@10) so older callers keep working; `lexical`,
    `naive` and `retrievers` (which retrievers answered, counted over the queries) sit beside them.
    """
    faqs = _jsonl(eval_dir / "faq.jsonl")
    queries = _jsonl(queries_file(eval_dir))
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
        _cli(["index", "--content", str(root)], env)
        index_s = time.perf_counter() - started
        shipped, lines, seconds = _batch(root, batch, env, [])
        lexical, _, lexical_s = _batch(root, batch, env, ["--no-semantic"])
        peer = _naive_answers(root, tmp_path, queries) if naive else None
    answered: dict[str, int] = {}
    for line in lines:
        for name in line.get("retrievers") or []:
            answered[name] = answered.get(name, 0) + 1
    result: dict[str, Any] = {
        **score(queries, shipped),
        "queries": len(queries),
        "faqs": len(faqs),
        "index_s": round(index_s, 2),
        "seconds": round(seconds, 2),
        "retrievers": answered,
        "lexical": {**score(queries, lexical), "seconds": round(lexical_s, 2)},
    }
    if peer is not None:
        result["naive"] = score(queries, peer)
    return result


def _naive_answers(root: Path, tmp_path: Path, queries: list[dict]) -> list[list[str]] | None:
    from app.bench.naive import NaiveIndex, has_jieba

    if not has_jieba():
        return None
    peer = NaiveIndex(root, tmp_path / "naive" / "index").build()
    return [peer.search(q["query"], limit=10) for q in queries]


def search_top_k(
    root: Path, cases: Iterable[tuple[str, Iterable[str]]], k: int = 3, home: Path | None = None, **filters: Any
) -> dict[str, Any]:
    """Share of (query, acceptable ids) cases whose first `k` hits include an acceptable id, in-process.

    For other harnesses (the compose dev set): the index of `root` is brought up to date and its
    embeddings computed first, so the number is the one an agent gets once the app has settled.
    """
    from app.core.search.index import SearchIndex

    index = SearchIndex(root, home=home)
    try:
        index.update()
        index.embed_pending()
        total = found = 0
        misses: list[str] = []
        for query, wanted in cases:
            total += 1
            ids = [h.id for h in index.search(query, limit=k, **filters)]
            if set(ids) & set(wanted):
                found += 1
            else:
                misses.append(query)
        return {
            f"top{k}": round(found / max(total, 1), 3),
            "cases": total,
            "retrievers": index.retrievers(),
            "misses": misses,
        }
    finally:
        index.close()


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(prog="python -m app.bench.relevance", description=__doc__.split("\n")[0])
    parser.add_argument("--set", default="bq-dev", help="eval set under ../shared/eval (bq-dev, baoxian)")
    parser.add_argument(
        "--eval", type=Path, default=None, help="folder with faq.jsonl and the queries (overrides --set)"
    )
    parser.add_argument("--faqs", type=int, default=None, help="use only the first N FAQs (and their queries)")
    parser.add_argument("--queries", type=int, default=None, help="use only the first N queries")
    parser.add_argument("--no-naive", action="store_true", help="skip the naive peer")
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    args = parser.parse_args(argv)
    result = evaluate(args.eval or EVAL_ROOT / args.set, args.faqs, args.queries, naive=not args.no_naive)
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    else:
        for name, scores in [("知答", result), ("知答 lexical", result["lexical"]), ("naive", result.get("naive"))]:
            if scores:
                print(f"{name:12} " + "  ".join(f"{k} {scores[k]}" for k in ("R@1", "R@3", "R@5", "R@10", "MRR@10")))
        print(f"queries {result['queries']}  faqs {result['faqs']}  retrievers {result['retrievers']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
