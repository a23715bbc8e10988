"""`zhida search` and `zhida index` as the relevance harness and agents' scripts use them."""

from __future__ import annotations

import json

import pytest

from app.bench.relevance import DEFAULT_EVAL, EVAL_ROOT, evaluate
from app.cli import main
from tests.conftest import article


@pytest.fixture
def root(make_root):
    return make_root(
        {
            "kb/a.md": article("refund", "退款多久到账", category="退换货", body="## 结论\n退款1-3个工作日到账。\n"),
            "kb/b.md": article("invoice", "怎么开发票", category="发票", body="## 结论\n订单页申请。\n"),
            "scripts_library/s.yaml": "- id: sorry\n  title: 退款延迟致歉\n  text: 抱歉退款慢了。\n  shortcut: tkyc\n",
        }
    )


def test_search_json_prints_query_and_hits_with_kind(root, capsys):
    assert main(["search", "退款", "--json", "--content", str(root)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["query"] == "退款"
    assert {h["id"] for h in data["hits"]} == {"refund", "sorry"}
    assert {"id", "kind", "title", "score", "snippet"} <= set(data["hits"][0])
    assert {h["kind"] for h in data["hits"]} == {"article", "script"}


def test_search_filters_and_limit(root, capsys):
    assert main(["search", "退款", "--json", "--kind", "script", "--content", str(root)]) == 0
    assert [h["id"] for h in json.loads(capsys.readouterr().out)["hits"]] == ["sorry"]
    assert main(["search", "退款", "--json", "--limit", "1", "--content", str(root)]) == 0
    assert len(json.loads(capsys.readouterr().out)["hits"]) == 1
    assert main(["search", "退款", "--json", "--category", "发票", "--content", str(root)]) == 0
    assert json.loads(capsys.readouterr().out)["hits"] == []


def test_human_output_lists_ranked_hits(root, capsys):
    assert main(["search", "fapiao", "--content", str(root)]) == 0
    out = capsys.readouterr().out
    assert out.startswith(" 1. [文章] 怎么开发票")


def test_batch_reads_jsonl_and_writes_one_line_per_query(root, tmp_path, capsys):
    batch = tmp_path / "q.jsonl"
    batch.write_text('{"query": "退款"}\n\n{"query": "发票"}\n{"query": "没有这种东西"}\n', encoding="utf-8")
    assert main(["search", "--batch", str(batch), "--content", str(root)]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line["query"] for line in lines] == ["退款", "发票", "没有这种东西"]
    assert lines[1]["hits"][0]["id"] == "invoice"
    assert lines[2]["hits"] == []


def test_batch_with_a_bad_line_names_file_and_line(root, tmp_path, capsys):
    batch = tmp_path / "q.jsonl"
    batch.write_text('{"query": "退款"}\nnot json\n', encoding="utf-8")
    assert main(["search", "--batch", str(batch), "--content", str(root)]) == 1
    err = capsys.readouterr().err
    assert f"{batch}:2:" in err and "Traceback" not in err
    assert main(["search", "--batch", str(tmp_path / "missing.jsonl"), "--content", str(root)]) == 1
    assert "missing.jsonl" in capsys.readouterr().err


def test_search_without_query_is_a_one_line_error(root, capsys):
    assert main(["search", "--content", str(root)]) == 1
    assert "QUERY" in capsys.readouterr().err


def test_index_reports_progress_and_what_it_touched(root, capsys):
    assert main(["index", "--content", str(root)]) == 0
    err = capsys.readouterr().err
    assert "3/3" in err and "3 documents" in err
    assert main(["index", "--json", "--content", str(root)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["added"], data["changed"], data["deleted"], data["rebuilt"]) == (0, 0, 0, False)
    assert main(["index", "--rebuild", "--json", "--content", str(root)]) == 0
    assert json.loads(capsys.readouterr().out)["rebuilt"] is True


@pytest.mark.skipif(not (DEFAULT_EVAL / "faq.jsonl").is_file(), reason="shared eval data not present")
def test_relevance_harness_runs_through_batch_on_a_small_subset():
    result = evaluate(DEFAULT_EVAL, max_faqs=40, max_queries=40)
    assert result["queries"] == 40
    assert {"R@1", "R@5", "R@10", "MRR@10"} <= set(result)
    # Forty FAQs make an easy task: a broken pipeline scores near zero here.
    assert result["R@5"] >= 0.5
    assert result["lexical"]["R@5"] >= 0.5  # the same run scores the lexical retriever alone …
    assert result.get("naive", {"R@5": 1.0})["R@5"] > 0  # … and the naive peer, when jieba is installed


@pytest.mark.skipif(not (EVAL_ROOT / "baoxian" / "faq.jsonl").is_file(), reason="shared eval data not present")
def test_baoxian_harness_reads_the_long_questions_file():
    result = evaluate(EVAL_ROOT / "baoxian", max_faqs=60, max_queries=6, naive=False)
    assert result["queries"] == 6 and result["R@10"] > 0


def test_search_top_k_scores_cases_in_process_for_other_harnesses(root):
    from app.bench.relevance import search_top_k

    result = search_top_k(root, [("退款多久到账", ["refund"]), ("开发票", ["invoice"]), ("积分兑换", ["refund"])], k=3)
    assert result["top3"] == round(2 / 3, 3) and result["cases"] == 3
    assert result["misses"] == ["积分兑换"] and result["retrievers"] == ["lexical"]
