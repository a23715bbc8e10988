"""FAQ migration: Excel, CSV (UTF-8 and GBK) and JSONL become articles a manager would keep: block-style
front matter, ids stable across re-imports, categories folded, nothing overwritten by accident, a dry run."""

from __future__ import annotations

import json

import pytest

from app.core.content.importer import NEW, UNCHANGED, UPDATE, ImportFileError, import_faq, slug
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
    assert report.written == [] and [p.row for p in report.failed_rows] == [3]
    assert [p.action for p in report.planned] == [UNCHANGED], "an unchanged article is neither an error nor rewritten"
    assert "知识管理员补充的内容" in target.read_text(encoding="utf-8")
    forced = import_faq(source, tmp_path / "root", force=True)
    assert forced.written == [target] and [p.action for p in forced.planned] == [UNCHANGED, UPDATE]


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
        ("faq.xls", b"\xd0\xcf\x11\xe0", "unsupported file type"),
        ("faq.xlsx", b"PK\x03\x04", "not a readable .xlsx"),
        ("faq.csv", b"foo,bar\n1,2\n", "no 'question' column"),
        ("missing.csv", None, "file not found"),
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


def test_front_matter_is_block_style(tmp_path):
    source = tmp_path / "faq.csv"
    source.write_text(CSV, encoding="utf-8")
    [first, _] = import_faq(source, tmp_path / "root").written
    text = first.read_text(encoding="utf-8")
    assert "{" not in text.split("---")[1], "flow-style mappings in the front matter"
    assert "\nsimilar:\n- 钱什么时候退回来\n- 退款一直没到\n" in text
    assert text.startswith("---\nid: refund-time\ntitle: 退款多久到账?\ncategory: 退换货\n")


def test_ids_come_from_the_question_and_survive_a_reordered_reimport(tmp_path):
    rows = ["退款多久到账?,三天内到账,退换货", "怎么开发票?,订单详情里申请,发票", "Apple Pay 支持吗?,支持,支付"]
    source = tmp_path / "faq.csv"
    source.write_text("问题,答案,分类\n" + "\n".join(rows) + "\n", encoding="utf-8")
    first = {p.title: p.id for p in import_faq(source, tmp_path / "root").planned}
    assert first == {
        "退款多久到账?": "tui-kuan-duo-jiu-dao-zhang",
        "怎么开发票?": "zen-me-kai-fa-piao",
        "Apple Pay 支持吗?": "apple-pay-zhi-chi-ma",
    }
    source.write_text("问题,答案,分类\n" + "\n".join(reversed(rows)) + "\n", encoding="utf-8")
    again = import_faq(source, tmp_path / "root")
    assert {p.title: p.id for p in again.planned} == first
    assert {p.action for p in again.planned} == {UNCHANGED} and again.written == []
    assert load_content(tmp_path / "root").errors == []


def test_questions_with_the_same_slug_get_distinct_ids(tmp_path):
    root = tmp_path / "root"
    source = tmp_path / "faq.csv"
    source.write_text("问题,答案\n发票,在订单详情申请\n", encoding="utf-8")
    import_faq(source, root)
    # 「發票？」 is the same question (繁體, full-width mark); 「髮漂」 sounds the same but asks something else.
    source.write_text("问题,答案\n發票？,在订单详情申请\n髮漂,开票的错别字\n", encoding="utf-8")
    report = import_faq(source, root, force=True)
    assert [(p.id, p.action) for p in report.planned] == [("fa-piao", UPDATE), ("fa-piao-2", NEW)]
    assert any("fa-piao-2" in p.message for p in report.problems if p.level == "warning")
    content = load_content(root)
    assert content.errors == [] and sorted(a.id for a in content.articles) == ["fa-piao", "fa-piao-2"]


def test_traditional_and_full_width_category_names_join_the_simplified_one(tmp_path):
    source = tmp_path / "faq.csv"
    source.write_text(
        "问题,答案,分类\n退款多久到账,三天,退换货\n退貨運費誰出,商家出,退換貨\n会员怎么升级,看成长值,ＶＩＰ会员\n",
        encoding="utf-8",
    )
    import_faq(source, tmp_path / "root")
    content = load_content(tmp_path / "root")
    assert sorted(content.categories()) == sorted(["退换货", "VIP会员"])
    assert {p.parent.name for p in (tmp_path / "root" / "kb").rglob("*.md")} == {"退换货", "VIP会员"}


def test_a_dry_run_writes_nothing_and_says_what_it_would(tmp_path):
    source = tmp_path / "faq.csv"
    source.write_text(CSV, encoding="utf-8")
    report = import_faq(source, tmp_path / "root", dry_run=True)
    assert report.written == [] and not (tmp_path / "root").exists()
    assert [(p.action, p.path.relative_to(tmp_path / "root").as_posix()) for p in report.planned] == [
        (NEW, "kb/退换货/refund-time.md"),
        (NEW, "kb/发票/invoice.md"),
    ]


def test_excel_workbook_is_read_directly(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "常见问题"
    sheet.append(["编号", "标准问", "相似问法", "标准答案", "分类"])
    sheet.append([1001, "退款多久到账?", "钱什么时候退|退款没到", "审核通过后1-3个工作日原路退回。", "退換貨"])
    sheet.append([None, None, None, None, None])
    sheet.append([None, "会员日是哪天?", None, "每月18日。", "会员"])
    source = tmp_path / "faq.xlsx"
    book.save(source)
    report = import_faq(source, tmp_path / "root")
    assert report.problems == []
    content = load_content(tmp_path / "root")
    assert content.errors == []
    refund = content.article("1001")
    assert refund.category == "退换货" and refund.similar == ["钱什么时候退", "退款没到"]
    assert content.article("hui-yuan-ri-shi-na-tian").section("结论") == "每月18日。"
    with pytest.raises(ImportFileError, match="没有名为“Sheet9”的工作表"):
        import_faq(source, tmp_path / "root", sheet="Sheet9")


def test_a_row_numbers_as_excel_shows_them(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.active.append(["问题", "答案"])
    book.active.append(["好问题", "答案"])
    book.active.append([None, "没有问题的答案"])
    source = tmp_path / "faq.xlsx"
    book.save(source)
    report = import_faq(source, tmp_path / "root")
    assert [(p.row, p.level) for p in report.problems] == [(3, "error")]


def test_slug_is_pinyin_and_never_longer_than_sixty_characters():
    assert slug("退款多久到账?") == "tui-kuan-duo-jiu-dao-zhang"
    assert slug("退款多久到賬？") == "tui-kuan-duo-jiu-dao-zhang", "繁體 and full width give the same id"
    assert len(slug("为什么" * 40)) <= 60
