"""`zhida bench search --docs N`: build, update and query an index of N real Chinese Q&A articles.

Documents come from ../shared/eval/baoxian/faq.jsonl (insurance questions with real answers), replicated
with variation up to N; without that file a generated corpus of the same shape is used. Each side (our
index, and a naive Whoosh + jieba ChineseAnalyzer index for comparison) runs in its own process so
peak RSS and the cold start are measured honestly.
"""

from __future__ import annotations

import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from app.bench.naive import cold_search_script, has_jieba
from app.core.content.importer import article_text
from app.core.paths import bundled_content_root

BAOXIAN = bundled_content_root().parent / "shared" / "eval" / "baoxian" / "faq.jsonl"
DEFAULT_DOCS = 20000
SHORT_QUERIES = 200
LONG_QUERIES = 60
_PREFIXES = ["", "请问", "咨询一下:", "急!", "您好,", "我想知道"]
_SUFFIXES = ["", "?", "谢谢", "求解答", "在线等", "怎么办"]


def _source_faqs() -> list[dict]:
    if BAOXIAN.is_file():
        return [json.loads(line) for line in BAOXIAN.read_text(encoding="utf-8").splitlines() if line.strip()]
    rng = random.Random(7)
    vocab = (
        "保险 理赔 退保 保费 医保 社保 报销 车险 意外险 重疾险 受益人 合同 犹豫期 现金价值 缴费 "
        "年限 住院 门诊 发票 审核 材料 身份证 银行卡 到账 投保 续保 停保 补缴 养老 失业金"
    ).split()
    return [
        {
            "id": f"gen{i:05d}",
            "question": "".join(rng.choices(vocab, k=4)) + "怎么办",
            "similar": [],
            "answer": ",".join("".join(rng.choices(vocab, k=6)) for _ in range(12)),
        }
        for i in range(3000)
    ]


def build_corpus(root: Path, docs: int) -> list[dict]:
    """Write `docs` articles under root/kb (real Q&A replicated with variation); returns the FAQ rows used."""
    source = _source_faqs()
    rows = []
    for n in range(docs):
        base = source[n % len(source)]
        copy = n // len(source)
        question, answer = base["question"], base.get("answer") or ""
        if copy:
            # Variation: another wording around the question, the answer's sentences rotated.
            question = _PREFIXES[copy % len(_PREFIXES)] + question + _SUFFIXES[(copy // 2) % len(_SUFFIXES)]
            parts = [p for p in answer.replace("。", "。\n").split("\n") if p]
            if len(parts) > 1:
                shift = copy % len(parts)
                answer = "".join(parts[shift:] + parts[:shift])
        row = {"id": f"b{n:06d}", "question": question, "similar": base.get("similar") or [], "answer": answer}
        rows.append(row)
        folder = root / "kb" / f"part{n // 1000:03d}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{row['id']}.md").write_text(
            article_text(row["id"], question, row["similar"], answer, ""), encoding="utf-8"
        )
    (root / "scripts_library").mkdir(parents=True, exist_ok=True)
    return rows


def make_queries(rows: list[dict], seed: int = 11) -> tuple[list[str], list[str]]:
    """Short queries (1–4 words of a question) and pasted messages (50–300 characters of an answer)."""
    from app.core.text.segment import FILLER, words

    rng = random.Random(seed)
    short: list[str] = []
    long_: list[str] = []
    while len(short) < SHORT_QUERIES:
        kept = [w for w, _, _ in words(rng.choice(rows)["question"]) if w not in FILLER]
        if kept:
            start = rng.randrange(len(kept))
            short.append(" ".join(kept[start : start + rng.randint(1, 4)]))
    candidates = [r["answer"] for r in rows if len(r["answer"]) >= 50]
    while len(long_) < LONG_QUERIES and candidates:
        text = rng.choice(candidates)
        size = rng.randint(50, min(300, len(text)))
        start = rng.randrange(len(text) - size + 1)
        long_.append(text[start : start + size])
    return short, long_


def _percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def _peak_rss_mb() -> float | None:
    try:
        import resource
    except ImportError:  # Windows
        return None
    # The largest of this process and its children (a parallel build writes in forked processes).
    peak = max(
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    )
    return round(peak / (1024 * 1024 if sys.platform == "darwin" else 1024), 1)


def _touch_ten(root: Path) -> None:
    for path in sorted((root / "kb").rglob("*.md"))[:10]:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write("\n补充说明:以上内容已更新。\n")


def _timed(search, queries: list[str]) -> list[float]:
    times = []
    for q in queries:
        t = time.perf_counter()
        search(q)
        times.append((time.perf_counter() - t) * 1000)
    return times


def _worker(side: str, root: Path, queries_file: Path) -> dict[str, Any]:
    """One side's measurements, run in a fresh process."""
    queries = json.loads(queries_file.read_text(encoding="utf-8"))
    engine = _Ours(root) if side == "ours" else _Naive(root)
    started = time.perf_counter()
    engine.build()
    build_s = time.perf_counter() - started
    _touch_ten(root)
    started = time.perf_counter()
    engine.update()
    incremental = time.perf_counter() - started
    for q in queries["short"][:10]:
        engine.search(q)
    short_ms = _timed(engine.search, queries["short"])
    long_ms = _timed(engine.search, queries["long"])
    result: dict[str, Any] = {
        "build_s": round(build_s, 2),
        "incremental_10_s": round(incremental, 3),
        "short_p50_ms": round(statistics.median(short_ms), 2),
        "short_p95_ms": round(_percentile(short_ms, 95), 2),
        "long_p95_ms": round(_percentile(long_ms, 95), 2),
        "peak_rss_mb": _peak_rss_mb(),  # lexical only: measured before any model is loaded
    }
    if isinstance(engine, _Ours):
        result.update(engine.semantic(queries))
    return result


class _Ours:
    def __init__(self, root: Path):
        from app.core.search.index import SearchIndex

        self.wanted = os.environ.get("ZHIDA_SEMANTIC", "")  # "off" in tests: then no semantic keys
        os.environ["ZHIDA_SEMANTIC"] = "off"  # lexical numbers first, without the model in memory
        self.index = SearchIndex(root)

    def build(self) -> None:
        self.index.update(rebuild=True, progress=_progress)

    def update(self) -> None:
        self.index.update()

    def search(self, query: str) -> None:
        self.index.search(query, limit=10)

    def semantic(self, queries: dict[str, list[str]]) -> dict[str, Any]:
        """Background embedding of every document, then the cost of a fused search (the keys semantic_*)."""
        from app.core.search.index import SearchIndex

        os.environ["ZHIDA_SEMANTIC"] = self.wanted
        index = SearchIndex(self.index.root)
        started = time.perf_counter()
        if not index.semantic.wait(120):
            return {"semantic": index.semantic.notice or "unavailable"}
        load_s = time.perf_counter() - started
        started = time.perf_counter()
        embedded = index.embed_pending(progress=_embed_progress)
        embed_s = time.perf_counter() - started
        model = index.semantic._model
        embed_ms = _timed(lambda q: model.query(q) if model else None, queries["short"][:50] + queries["long"])
        for q in queries["short"][:5]:
            index.search(q)
        short_ms = _timed(index.search, queries["short"])
        long_ms = _timed(index.search, queries["long"])
        lexical_ms = _timed(lambda q: index.search(q, semantic=False), queries["long"])
        return {
            "semantic": index.semantic.state,
            "semantic_model_load_s": round(load_s, 2),
            "semantic_texts": embedded,
            "semantic_embed_s": round(embed_s, 1),
            "semantic_query_embed_p95_ms": round(_percentile(embed_ms, 95), 2),
            "fused_short_p95_ms": round(_percentile(short_ms, 95), 2),
            "fused_long_p95_ms": round(_percentile(long_ms, 95), 2),
            # what the semantic side adds to a pasted message: embedding + vector search + fusion
            "semantic_added_long_p95_ms": round(_percentile(long_ms, 95) - _percentile(lexical_ms, 95), 2),
            "semantic_peak_rss_mb": _peak_rss_mb(),
        }


class _Naive:
    """Whoosh + jieba's ChineseAnalyzer over title and body, OR query: the baseline the issue compares with."""

    def __init__(self, root: Path):
        from app.bench.naive import NaiveIndex

        self.root = root
        self.peer = NaiveIndex(root, Path(os.environ["ZHIDA_HOME"]) / "naive-index")

    def build(self) -> None:
        self.peer.build()

    def update(self) -> None:
        self.peer.update(sorted((self.root / "kb").rglob("*.md"))[:10])

    def search(self, query: str) -> None:
        self.peer.search(query, limit=10)


def _progress(done: int, total: int) -> None:
    if done == total or done % 2000 == 0:
        print(f"\rbench: indexing {done}/{total}", end="\n" if done == total else "", file=sys.stderr, flush=True)


def _embed_progress(done: int, total: int) -> None:
    if done == total or done % 1024 < 32:
        print(f"\rbench: embedding {done}/{total}", end="\n" if done == total else "", file=sys.stderr, flush=True)


# A fresh process's first answer: lexical if the model is still loading (it loads on its own thread).
_COLD_OURS = """
import sys
from app.core.search.index import SearchIndex
hits = SearchIndex(sys.argv[1]).search(sys.argv[2], limit=10)
"""


def _run_side(side: str, root: Path, home: Path, queries_file: Path) -> dict[str, Any]:
    env = dict(os.environ, ZHIDA_HOME=str(home))
    proc = subprocess.run(
        [sys.executable, "-m", "app.bench.search", side, str(root), str(queries_file)],
        stdout=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        env=env,
        check=False,
        stdin=subprocess.DEVNULL,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"bench worker '{side}' failed (exit {proc.returncode})")
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    query = json.loads(queries_file.read_text(encoding="utf-8"))["short"][0]
    started = time.perf_counter()
    cold = [_COLD_OURS, str(root)] if side == "ours" else [cold_search_script(), str(home / "naive-index")]
    subprocess.run(
        [sys.executable, "-c", cold[0], cold[1], query],
        env=env,
        check=True,
        capture_output=True,
    )
    result["cold_open_first_query_s"] = round(time.perf_counter() - started, 3)
    return result


def run_bench(docs: int | None = None, rules: int | None = None, content: str | None = None) -> dict:
    """Measure build, incremental update, cold start, query latency and memory at `docs` documents."""
    docs = DEFAULT_DOCS if docs is None else docs
    if docs < 1:
        raise ValueError(f"--docs must be at least 1 (got {docs})")
    keys = [
        "build_s",
        "incremental_10_s",
        "cold_open_first_query_s",
        "short_p50_ms",
        "short_p95_ms",
        "long_p95_ms",
        "peak_rss_mb",
    ]
    with tempfile.TemporaryDirectory(prefix="zhida-bench-") as tmp:
        tmp_path = Path(tmp)
        root = tmp_path / "content"
        rows = build_corpus(root, docs)
        short, long_ = make_queries(rows)
        queries_file = tmp_path / "queries.json"
        queries_file.write_text(json.dumps({"short": short, "long": long_}, ensure_ascii=False), encoding="utf-8")
        ours = _run_side("ours", root, tmp_path / "home-ours", queries_file)
        # The naive side gets an untouched copy of the corpus state (the ten edited files do not matter to it).
        naive = _run_side("naive", root, tmp_path / "home-naive", queries_file) if has_jieba() else None
    result: dict[str, Any] = {"docs": docs, "corpus": "baoxian" if BAOXIAN.is_file() else "generated"}
    result.update({k: ours.get(k) for k in keys})
    result.update({k: v for k, v in ours.items() if k.startswith(("semantic", "fused"))})
    if naive is None:
        result["baseline"] = {"docs": docs, "skipped": 'the baseline needs jieba: pip install -e ".[bench]"'}
    else:
        result["baseline"] = {"docs": docs, **{k: naive.get(k) for k in keys}}
    return result


def main(argv: list[str]) -> int:
    """Worker entry point: `python -m app.core.bench_search ours|naive ROOT QUERIES`."""
    side, root, queries_file = argv[0], Path(argv[1]), Path(argv[2])
    print(json.dumps(_worker(side, root, queries_file)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
