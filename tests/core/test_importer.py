"""FAQ migration: CSV (UTF-8 and GBK) and JSONL become articles that validate, nothing overwritten by accident."""

from __future__ import annotations

import json

import pytest

from app.core.content.importer import ImportFileError, import_faq
from app.core.content.loader import load_content

CSV = (
    "id,question,similar,answer,category\n"
    'refund-time,退款多久到账?,钱什么时候退回来|退款一直没到,"审核通过后1-3个工作日原路退回。\n周末可能顺延。",退换货\n'
    "invoice,怎么开发票?,发票在哪开,在订单详情申请电子发票。,发票\n"
)


@pytest.mark.parametrize("encoding", ["utf-8", "gbk", "utf-8-sig"])
def test_csv_round_trip_produces_valid_articles(tmp_path, encoding):
    source = tmp_path / "faq.csv"
    source.write_bytes(CSV.encode(encoding))
    report = import_faq(source, tmp_path / "root")
    assert report.problems == [] and len(report.written) == 2
    assert (report.encoding_warning is None) == (encoding == "utf-8")
    content = load_content(tmp_path / "root")
    assert content.errors == []
    refund = content.article("refund-time")
    assert refund.title == "退款多久到账?" and refund.category == "退换货"
    assert refund.similar == ["钱什么时候退回来", "退款一直没到"]
    assert refund.section("结论") == "审核通过后1-3个工作日原路退回。\n周末可能顺延。"
    assert refund.path == "kb/退换货/refund-time.md"


def test_jsonl_round_trip_with_list_similar(tmp_path):
    source = tmp_path / "faq.jsonl"
    rows = [
        {
            "id": "a1",
            "question": "积分怎么兑换",
            "similar": ["积分咋用", "积分换东西"],
            "answer": "在【我的-积分】兑换。",
            "category": "会员积分",
        },
        {"id": "a2", "question": "会员等级", "similar": "等级有什么用|怎么升级", "answer": "按成长值升级。"},
    ]
    source.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    report = import_faq(source, tmp_path / "root")
    assert report.problems == []
    content = load_content(tmp_path / "root")
    assert content.errors == []
    assert content.article("a1").similar == ["积分咋用", "积分换东西"]
    assert content.article("a2").similar == ["等级有什么用", "怎么升级"]
    assert content.article("a2").path == "kb/imported/a2.md"


def test_existing_files_are_not_overwritten_without_force(tmp_path):
    source = tmp_path / "faq.csv"
    source.write_text(CSV, encoding="utf-8")
    import_faq(source, tmp_path / "root")
    target = tmp_path / "root" / "kb" / "发票" / "invoice.md"
    target.write_text(target.read_text(encoding="utf-8") + "\n知识管理员补充的内容\n", encoding="utf-8")
    report = import_faq(source, tmp_path / "root")
    assert report.written == [] and [p.row for p in report.failed_rows] == [2, 3]
    assert "知识管理员补充的内容" in target.read_text(encoding="utf-8")
    assert len(import_faq(source, tmp_path / "root", force=True).written) == 2


def test_bad_rows_are_reported_with_row_numbers_and_the_rest_imported(tmp_path):
    source = tmp_path / "faq.jsonl"
    source.write_text(
        '{"id": "ok", "question": "好问题", "answer": "答案"}\n'
        '{"id": "no-q", "answer": "没有问题"}\n'
        "not json\n"
        '{"id": "ok", "question": "重复", "answer": "x"}\n',
        encoding="utf-8",
    )
    report = import_faq(source, tmp_path / "root")
    assert [p.row for p in report.failed_rows] == [3, 2, 4] or sorted(p.row for p in report.failed_rows) == [2, 3, 4]
    assert [p.name for p in report.written] == ["ok.md"]


def test_category_and_id_cannot_escape_the_target_folder(tmp_path):
    source = tmp_path / "faq.jsonl"
    source.write_text(
        '{"id": "../../evil", "question": "问", "answer": "答", "category": "../../../etc"}\n', encoding="utf-8"
    )
    report = import_faq(source, tmp_path / "root")
    [written] = report.written
    assert written.resolve().is_relative_to((tmp_path / "root" / "kb").resolve())
    assert not (tmp_path / "evil.md").exists()


@pytest.mark.parametrize(
    "name,content,needle",
    [
        ("faq.xlsx", b"PK\x03\x04", "unsupported file type"),
        ("faq.csv", b"foo,bar\n1,2\n", "no 'question' column"),
        ("missing.csv", None, "not found"),
    ],
)
def test_whole_file_problems_raise_a_clear_error(tmp_path, name, content, needle):
    source = tmp_path / name
    if content is not None:
        source.write_bytes(content)
    with pytest.raises(ImportFileError, match=needle):
        import_faq(source, tmp_path / "root")


def test_chinese_column_headers_are_understood(tmp_path):
    source = tmp_path / "faq.csv"
    source.write_bytes("问题,相似问法,答案,分类\n发票怎么开,开票|要发票,订单详情里申请,发票\n".encode("gbk"))
    report = import_faq(source, tmp_path / "root")
    assert report.failed_rows == [] and len(report.written) == 1
    assert load_content(tmp_path / "root").articles[0].similar == ["开票", "要发票"]
