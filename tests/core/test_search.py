"""What an agent typing into the search box relies on: Chinese words, phrases, 繁体, pinyin, synonyms, filters."""

from __future__ import annotations

from pathlib import Path

from app.core.search.index import SearchIndex
from app.core.text.segment import words
from tests.conftest import article

SYNONYMS = "kind: synonyms\ngroups:\n  - [退款, 退钱]\n  - [快递, 物流]\n"


def _ids(hits: list) -> list[str]:
    return [h.id for h in hits]


def _kb(make_root, **articles: str) -> Path:
    return make_root({f"kb/{name}.md": text for name, text in articles.items()})


def test_plain_words_find_the_article_with_its_kind_and_a_marked_snippet(make_root):
    root = _kb(
        make_root,
        a=article("refund", "退款多久到账?", body="## 结论\n退款1-3个工作日原路退回。\n"),
        b=article("invoice", "怎么开发票", body="## 结论\n在订单页申请电子发票。\n"),
    )
    hits = SearchIndex(root).search("退款 到账")
    assert hits[0].id == "refund"
    assert hits[0].kind == "article"
    assert "<b>退款</b>" in hits[0].snippet


def test_quoted_phrase_needs_the_words_together(make_root):
    root = _kb(
        make_root,
        a=article("trade-in", "旧手机回收", body="## 说明\n本店支持以旧换新,旧机折价。\n"),
        b=article("scattered", "换新说明", body="## 说明\n以旧的配件不能换新的。\n"),
    )
    hits = SearchIndex(root).search('"以旧换新"')
    assert _ids(hits) == ["trade-in"]


def test_traditional_and_full_width_query_finds_simplified_text(make_root):
    root = _kb(
        make_root,
        a=article("returns", "退货运费谁出", body="## 结论\n质量问题退货运费由商家承担。\n"),
        b=article("other", "会员积分", body="## 结论\n积分一年有效。\n"),
    )
    assert SearchIndex(root).search("退貨運費")[0].id == "returns"
    assert SearchIndex(root).search("ＶＩＰ 退貨")[0].id == "returns"


def test_traditional_content_is_found_by_simplified_query_and_marked(make_root):
    root = _kb(make_root, a=article("tw", "退貨規則", body="## 結論\n七天內可退貨。\n"))
    hits = SearchIndex(root).search("退货")
    assert hits[0].id == "tw"
    assert "<b>退貨</b>" in hits[0].snippet


def test_the_variant_zhang_finds_the_standard_one_both_ways(make_root):
    # Agents and customers still write 帐户/到帐 for 账户/到账.
    root = _kb(
        make_root,
        a=article("arrive", "退款多久到账", body="## 结论\n1-3个工作日。\n"),
        b=article("acct", "帐户被冻结怎么办", body="## 结论\n联系人工客服解冻。\n"),
        c=article("other", "会员积分", body="## 结论\n积分一年有效。\n"),
    )
    index = SearchIndex(root)
    hit = index.search("到帐")[0]
    assert hit.id == "arrive" and "<b>到账</b>" in hit.snippet  # marked as the same word, not a sound-alike
    hit = index.search("账户冻结")[0]
    assert hit.id == "acct" and "<b>帐户</b>" in hit.snippet


def test_pinyin_initials_and_full_pinyin_find_the_title(make_root):
    root = _kb(
        make_root,
        a=article("rules", "退款规则", body="## 结论\n见规则。\n"),
        b=article("ship", "发货时间", body="## 结论\n48小时内发货。\n"),
    )
    index = SearchIndex(root)
    assert index.search("tkgz")[0].id == "rules"
    assert index.search("tuikuan")[0].id == "rules"
    assert index.search("fhsj")[0].id == "ship"


def test_same_sound_typo_still_finds_the_word(make_root):
    root = _kb(
        make_root,
        a=article("invoice", "发票怎么开", body="## 结论\n订单页申请。\n"),
        b=article("refund", "退款多久到账", body="## 结论\n1-3天。\n"),
    )
    assert SearchIndex(root).search("发漂")[0].id == "invoice"


def test_synonyms_from_the_library_are_expanded(make_root):
    files = {
        "kb/a.md": article("refund", "退款多久到账", body="## 结论\n1-3天。\n"),
        "kb/b.md": article("ship", "发货时间", body="## 结论\n48小时。\n"),
    }
    without = make_root(files, name="plain")
    assert "refund" not in _ids(SearchIndex(without).search("退钱"))
    with_synonyms = make_root({**files, "scripts_library/synonyms.yaml": SYNONYMS}, name="syn")
    assert SearchIndex(with_synonyms).search("退钱")[0].id == "refund"


def test_a_synonym_counts_in_the_re_ranking_too(make_root):
    # 碎了 is said by the customer, 破损 is written in the article: the synonym must outweigh 收到的 in common.
    root = make_root(
        {
            "kb/a.md": article("damaged", "收到商品破损怎么办"),
            "kb/b.md": article("wrong", "收到的东西不是我买的"),
            **{
                f"kb/other{i}.md": article(f"other{i}", title)
                for i, title in enumerate(
                    [
                        "我的订单在哪里",
                        "你们的客服电话是多少",
                        "发票的抬头怎么改",
                        "会员的积分规则",
                        "收到的优惠券怎么用",
                    ]
                )
            },
            "scripts_library/synonyms.yaml": "kind: synonyms\ngroups:\n  - [破损, 碎了]\n",
        }
    )
    assert SearchIndex(root).search("收到的杯子碎了")[0].id == "damaged"


def test_colloquial_filler_does_not_drown_the_meaning(make_root):
    root = _kb(
        make_root,
        a=article("insurance", "运费险怎么理赔", body="## 结论\n退货后自动理赔。\n"),
        b=article("chatty", "我想问一下怎么联系你们啊", body="## 结论\n请问您要联系客服吗?是的呢。\n"),
    )
    assert SearchIndex(root).search("我想问一下运费险怎么理赔呢啊")[0].id == "insurance"


def test_a_pasted_customer_message_finds_its_topic(make_root):
    root = _kb(
        make_root,
        a=article("invoice", "电子发票怎么开", body="## 结论\n订单完成后在订单详情申请电子发票。\n"),
        b=article("refund", "退款多久到账", body="## 结论\n1-3天。\n"),
        c=article("ship", "发货时间", body="## 结论\n48小时。\n"),
    )
    message = (
        "你好,我上个月在你们店里买了一台电脑,当时忘了要发票,现在公司报销需要电子发票,"
        "请问我现在还能补开吗?需要提供什么信息?我的订单已经确认收货很久了,麻烦尽快帮我看一下,谢谢!"
        "另外我想知道开出来的发票抬头能不能写公司名称,税号要不要填。"
    )
    assert len(message) > 50
    assert SearchIndex(root).search(message)[0].id == "invoice"


def test_scripts_are_searchable_by_text_and_shortcut(make_root):
    root = make_root(
        {
            "kb/a.md": article("refund", "退款多久到账", body="## 结论\n1-3天。\n"),
            "scripts_library/s.yaml": "- id: delay\n  title: 物流延迟致歉\n  text: 非常抱歉,您的包裹因天气原因延迟。\n"
            "  type: 投诉\n  stage: 致歉\n  shortcut: wlyc\n  tags: [物流]\n",
        }
    )
    index = SearchIndex(root)
    hit = index.search("包裹 延迟")[0]
    assert (hit.id, hit.kind) == ("delay", "script")
    assert index.search("wlyc")[0].id == "delay"


def test_filters_by_kind_category_type_tag_and_channel(make_root):
    root = make_root(
        {
            "kb/a.md": article(
                "phone-refund", "电话退款流程", category="退换货", type="咨询", tags="[退款]", channels="[电话]"
            ),
            "kb/b.md": article(
                "online-refund", "在线退款投诉", category="售后", type="投诉", tags="[投诉]", channels="[在线]"
            ),
            "scripts_library/s.yaml": "- id: s-refund\n  title: 退款安抚\n  text: 退款马上处理。\n  type: 通用\n",
        }
    )
    index = SearchIndex(root)
    assert set(_ids(index.search("退款"))) == {"phone-refund", "online-refund", "s-refund"}
    assert _ids(index.search("退款", kind="script")) == ["s-refund"]
    assert _ids(index.search("退款", kind="article", category="售后")) == ["online-refund"]
    assert _ids(index.search("退款", type="咨询")) == ["phone-refund"]
    assert _ids(index.search("退款", tag="投诉")) == ["online-refund"]
    # An article without channels applies to every channel; scripts without channels too.
    assert set(_ids(index.search("退款", channel="电话"))) == {"phone-refund", "s-refund"}


def test_drafts_and_archived_articles_are_hidden_unless_asked(make_root):
    root = _kb(
        make_root,
        a=article("live", "退款规则", status="published"),
        b=article("draft", "退款规则草稿", status="draft"),
        c=article("old", "退款旧规则", status="archived"),
    )
    index = SearchIndex(root)
    assert _ids(index.search("退款规则")) == ["live"]
    assert set(_ids(index.search("退款规则", include_drafts=True))) == {"live", "draft", "old"}


def test_title_and_similar_questions_outrank_the_body(make_root):
    root = _kb(
        make_root,
        a=article("body-only", "会员说明", body="## 说明\n会员可享受价保服务,详见价保规则。\n"),
        b=article("similar", "保价申请", similar="[降价了能退差价吗, 价保怎么申请]", body="## 结论\n在订单页申请。\n"),
    )
    assert SearchIndex(root).search("价保")[0].id == "similar"


def test_snippet_is_html_escaped(make_root):
    root = _kb(make_root, a=article("html", "优惠券规则", body="## 说明\n满<100>元可用 & 优惠券不找零。\n"))
    snippet = SearchIndex(root).search("优惠券")[0].snippet
    assert "&lt;100&gt;" in snippet and "&amp;" in snippet
    assert "<b>优惠券</b>" in snippet


def test_blank_or_punctuation_query_returns_nothing(make_root):
    root = _kb(make_root, a=article("a", "退款规则"))
    index = SearchIndex(root)
    assert index.search("") == []
    assert index.search("   ") == []
    assert index.search("?!。") == []


def test_user_dictionary_keeps_domain_words_whole(make_root):
    root = make_root({"kb/a.md": article("a", "价保规则"), "scripts_library/userdict.txt": "# 领域词\n沃保无忧 10\n"})
    SearchIndex(root).open()
    assert "沃保无忧" in [w for w, _, _ in words("请问沃保无忧怎么买")]


def test_open_is_cheap_to_repeat_and_reports_ready(make_root):
    root = _kb(make_root, a=article("a", "退款规则"))
    index = SearchIndex(root)
    assert not index.is_ready
    index.open()
    assert index.is_ready
    assert index.open() is index


def test_team_usage_breaks_near_ties_but_never_buries_a_better_match(make_root):
    root = _kb(
        make_root,
        a=article("a", "退款到账时间", body="## 结论\n1-3天。\n"),
        b=article("b", "退款到账时间", body="## 结论\n1-3天。\n"),
        c=article("c", "会员积分", body="## 说明\n退款后积分扣回。\n"),
    )
    index = SearchIndex(root)
    assert set(_ids(index.search("退款到账时间"))[:2]) == {"a", "b"}
    for favourite in ("a", "b"):
        index.set_usage({favourite: 500})
        assert _ids(index.search("退款到账时间"))[0] == favourite
    index.set_usage({"c": 10_000})
    assert _ids(index.search("退款到账时间"))[2] == "c"


def test_a_malformed_synonyms_file_is_reported_by_validate(make_root):
    from app.core.validation import validate_root

    root = make_root(
        {"kb/a.md": article("a", "退款规则"), "scripts_library/synonyms.yaml": "kind: synonyms\ngroups:\n  - [退款]\n"}
    )
    problems = [p for p in validate_root(root).problems if p.path == "scripts_library/synonyms.yaml"]
    assert problems and "at least two words" in problems[0].message


def test_an_english_question_reaches_chinese_content_through_the_synonyms(make_root):
    # A foreign customer's pasted question: function words go, content words cross over via synonyms.yaml.
    root = make_root(
        {
            "kb/a.md": article("refund", "退款多久到账", body="## 结论\n1-3个工作日。\n"),
            "kb/b.md": article("password", "怎么修改登录密码", body="## 结论\n在设置里修改。\n"),
            "scripts_library/synonyms.yaml": "kind: synonyms\ngroups:\n  - [退款, refund]\n",
        }
    )
    assert SearchIndex(root).search("How long does a refund take?")[0].id == "refund"


def test_pinyin_initials_find_words_in_the_middle_of_a_title(make_root):
    root = _kb(
        make_root,
        a=article("rules", "七天无理由退款规则说明", body="## 结论\n见规则。\n"),
        b=article("ship", "发货时间", body="## 结论\n48小时内发货。\n"),
    )
    index = SearchIndex(root)
    assert index.search("tkgz")[0].id == "rules"
    assert index.search("tkg")[0].id == "rules"  # still typing


def test_english_words_are_not_read_as_pinyin_being_typed(make_root):
    # "paid" is a prefix of paidui (排队): only the last word of a query can be pinyin still being typed.
    root = _kb(
        make_root,
        a=article("queue", "排队等待提示", body="## 结论\n请稍候。\n"),
        b=article("twice", "订单被扣了两次钱", body="## 结论\n重复扣款会自动退回。\n"),
    )
    assert "queue" not in _ids(SearchIndex(root).search("I paid twice"))


def test_snippets_mark_whole_words_not_pieces_the_segmenter_cut(make_root):
    root = _kb(make_root, a=article("invoice", "发票补开", body="## 结论\n如需补开发票,开发者工具无关。\n"))
    hit = SearchIndex(root).search("开发票")[0]
    assert "<b>开发</b>" not in hit.snippet and "开<b>发</b>" not in hit.snippet
    assert "<b>发票</b>" in hit.snippet or "<b>开发票</b>" in hit.snippet
