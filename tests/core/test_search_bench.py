"""`zhida bench search` must keep producing the numbers the issue asks for (on a tiny corpus here)."""

from __future__ import annotations

from app.bench.search import build_corpus, make_queries, run_bench


def test_corpus_is_real_text_replicated_with_variation(tmp_path):
    rows = build_corpus(tmp_path / "c", 12)
    assert len(list((tmp_path / "c" / "kb").rglob("*.md"))) == 12
    assert len({r["id"] for r in rows}) == 12
    short, long_ = make_queries(rows)
    assert all(1 <= len(q.split()) <= 4 for q in short)
    assert all(50 <= len(q) <= 300 for q in long_)


def test_bench_reports_every_key_for_both_sides():
    result = run_bench(docs=30)
    keys = {
        "build_s",
        "incremental_10_s",
        "cold_open_first_query_s",
        "short_p50_ms",
        "short_p95_ms",
        "long_p95_ms",
        "peak_rss_mb",
    }
    assert result["docs"] == 30 and keys <= set(result)
    assert keys <= set(result["baseline"])
    assert all(isinstance(result[k], (int, float)) and result[k] >= 0 for k in keys)
