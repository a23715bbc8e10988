"""The reply checker with the bundled rules: evasions caught, exceptions honoured, exact spans, safe fixes."""

from __future__ import annotations

import pytest

from app.core.checker.fixes import apply_fix
from app.core.checker.match import CheckContext, Checker, Finding
from app.core.content.loader import load_content
from tests.conftest import REPO_ROOT

FOREIGN = CheckContext(audience="外籍")


@pytest.fixture(scope="module")
def bundled() -> Checker:
    return Checker.from_content(load_content(REPO_ROOT))


def rules_hit(checker: Checker, text: str, context: CheckContext | None = None) -> set[str]:
    return {f.rule for f in checker.check(text, context)}


def only(checker: Checker, text: str, rule: str, context: CheckContext | None = None) -> Finding:
    found = [f for f in checker.check(text, context) if f.rule == rule]
    assert len(found) == 1, found
    return found[0]


def test_bundled_rule_set_is_large_loads_cleanly_and_satisfies_its_own_specs(bundled):
    assert len(bundled.rules) >= 80
    assert bundled.problems == []
    assert bundled.run_specs() == []
    assert sum(len(r.specs) for r in bundled.rules) >= 200


@pytest.mark.parametrize(
    "text",
    [
        "我不知道",
        "我 不-知道",
        "我\u200b不知道",
        "我不-知-道",
        "我\u3000不\u3000知\u3000道",
        "我,不,知,道",
        "我[微笑]不知道",
        "我\t不知道",
        "我🙂不知道",
    ],
)
def test_evasion_forms_are_caught_with_the_span_the_agent_typed(bundled, text):
    f = only(bundled, f"抱歉，{text}！", "evasive-dont-know")
    assert f.start == 3 and f.text == text
    assert f.level == "error" and f.reason == "推诿"
    # the rule's specs prove its whole-phrase rewrite (fixed:), so it is a one-click fix
    assert f.suggestions[0] == "我帮您查询一下"


def test_traditional_and_full_width_text_is_checked_like_simplified(bundled):
    assert "evasive-not-my-job" in rules_hit(bundled, "這不是我的問題")
    f = only(bundled, "這個ＡＰＩ接口報錯", "jargon-english-abbr")
    assert f.text == "ＡＰＩ"


def test_a_sentence_boundary_is_not_an_evasion(bundled):
    # "快" ends one clause and "点击" starts the next: not the rushing phrase "快点"
    assert "rush-hurry" not in rules_hit(bundled, "请您尽快，点击下方按钮完成支付")
    assert "rush-hurry" in rules_hit(bundled, "快 点确认")


@pytest.mark.parametrize(
    "text, rule",
    [
        ("我不知道您是否方便接听", "evasive-dont-know"),
        ("不一定能退款，需要审核", "promise-guaranteed-outcome"),
        ("如果是物流的问题，我们会先为您补发", "blame-third-party"),
        ("这个暂时没办法直接办理，我们可以为您申请优惠券补偿", "refuse-no-way"),
        ("我赶紧为您查一下", "rush-hurry"),
    ],
)
def test_context_exceptions_keep_good_replies_clean(bundled, text, rule):
    assert rule not in rules_hit(bundled, text)


def test_bare_refusal_is_flagged_but_refusal_with_an_alternative_is_not(bundled):
    assert "refuse-no-way" in rules_hit(bundled, "这个没办法。")
    assert "refuse-no-way" not in rules_hit(bundled, "这个没办法直接退，您可以先申请换货。")


@pytest.mark.parametrize("text", ["亲，您好", "好的亲", "亲您好", "宝，别着急", "親愛的，您好", "Hi 亲~"])
def test_familiar_address_is_an_error_for_foreign_customers(bundled, text):
    findings = [f for f in bundled.check(text, FOREIGN) if f.rule == "address-familiar-foreign"]
    assert findings and findings[0].level == "error"


@pytest.mark.parametrize(
    "text",
    [
        "我们会亲自为您处理",
        "请用支付宝付款",
        "这件宝贝已发货",
        "宝宝辅食已发货",
        "父亲节礼盒",
        "充电宝不能空运",
        "亲肤面料",
    ],
)
def test_single_character_address_matches_whole_words_only(bundled, text):
    assert not {"address-familiar-foreign", "address-familiar"} & rules_hit(bundled, text, FOREIGN)


def test_familiar_address_is_only_a_suggestion_for_other_audiences(bundled):
    [f] = [f for f in bundled.check("亲，您好") if f.rule.startswith("address")]
    assert (f.rule, f.level) == ("address-familiar", "suggestion")


def test_rules_follow_audience_and_channel(bundled):
    assert "channel-phone-visual" in rules_hit(bundled, "请点击下方链接", CheckContext(channel="电话"))
    assert "channel-phone-visual" not in rules_hit(bundled, "请点击下方链接", CheckContext(channel="在线"))
    assert "channel-hearing-impaired" in rules_hit(bundled, "稍后给您打电话", CheckContext(audience="听障"))
    assert "channel-hearing-impaired" not in rules_hit(bundled, "稍后给您打电话")
    assert "sensitive-personal-questions-foreign" in rules_hit(bundled, "您多大了", CheckContext(audience="foreign"))
    assert "elderly-tech-terms" in rules_hit(bundled, "请清除APP缓存", CheckContext(audience="老年"))


def test_emoji_beyond_two_per_conversation_are_flagged_from_the_third(bundled):
    text = "好的[微笑]马上处理[抱拳]请稍等[玫瑰]谢谢😊"
    flagged = [f for f in bundled.check(text) if f.rule == "emoji-limit-online"]
    assert [f.text for f in flagged] == ["[玫瑰]", "😊"]
    assert [f.suggestions for f in flagged] == [("",), ("",)]
    assert not [f for f in bundled.check("好的[微笑]马上处理[抱拳]") if f.rule == "emoji-limit-online"]
    phone = [f for f in bundled.check("好的[抱拳]", CheckContext(channel="电话")) if f.rule == "emoji-phone"]
    assert phone and phone[0].text == "[抱拳]"


def test_findings_are_sorted_and_shorter_overlaps_of_the_same_level_are_merged(bundled):
    findings = bundled.check("我不知道，你自己看说明吧，这是物流的问题")
    assert [f.start for f in findings] == sorted(f.start for f in findings)
    assert [f.rule for f in findings] == ["evasive-dont-know", "evasive-read-yourself", "blame-third-party"]


def test_applying_one_fix_keeps_the_rest_of_the_text_and_the_other_offsets(bundled):
    text = "亲，我 不-知道，手机13812345678，你自己看说明吧。"
    findings = bundled.check(text, FOREIGN)
    target = next(f for f in findings if f.rule == "pii-mobile")
    fixed = apply_fix(text, target, 0)
    assert fixed == "亲，我 不-知道，手机138****5678，你自己看说明吧。"
    rest = bundled.check(fixed, FOREIGN)
    assert all(fixed[f.start : f.end] == f.text for f in rest)

    def untouched(found: list) -> list:
        # The fix writes new Chinese, which the 外籍 language rule flags afresh: not what this is about.
        return [(f.rule, f.text) for f in found if f.rule not in ("language-chinese-for-foreign", target.rule)]

    assert untouched(rest) == untouched(findings)


def test_one_click_fixes_only_mask_or_change_the_pronoun_and_the_rest_says_what_to_write(bundled):
    text = "我不知道，手机13812345678，这是物流的问题，一定能退款。你好"
    findings = bundled.check(text)
    for finding in sorted(findings, key=lambda f: f.start, reverse=True):
        if finding.suggestions:
            text = apply_fix(text, finding)
    assert text == "我帮您查询一下，手机138****5678，这是物流的问题，一定能退款。您好"
    left = [f for f in bundled.check(text) if f.level == "error"]
    assert {f.rule for f in left} == {"blame-third-party", "promise-guaranteed-outcome"}
    assert all(f.better and not f.suggestions for f in left)


@pytest.mark.parametrize(
    "text, kept",
    [
        ("你不要搞错了", "你不要搞错"),
        ("你不明白吗", "你不明白"),
        ("你以为你是谁", "你以为你是谁"),
        ("能不能快点", "快点"),
    ],
)
def test_no_fix_reverses_the_meaning(bundled, text, kept):
    for f in bundled.check(text):
        for choice in range(len(f.suggestions)):
            fixed = apply_fix(text, f, choice)
            # a one-click fix may only turn 你 into 您: every other character the agent wrote stays
            assert fixed.replace("您", "你") == text, (f.rule, fixed)
    assert any(kept in f.text or f.text in kept for f in bundled.check(text) if f.level != "suggestion")


def test_apply_fix_refuses_a_stale_finding(bundled):
    [f] = bundled.check("13812345678")
    with pytest.raises(ValueError):
        apply_fix("13812345679", f)
    with pytest.raises(ValueError):
        apply_fix("13812345678", f, choice=9)


def test_offsets_stay_right_around_emoji_and_rare_characters(bundled):
    text = "😀我不知道𠀀，你自己看说明"
    assert [(f.start, f.end, f.text) for f in bundled.check(text)] == [(1, 5, "我不知道"), (7, 13, "你自己看说明")]
    assert bundled.check("我不知道\ud800")[0].text == "我不知道"  # a lone surrogate from a widget does not crash


def test_empty_and_clean_text_give_no_findings(bundled):
    assert bundled.check("") == []
    assert bundled.check("您好，退款审核通过后1-3个工作日原路退回，周末可能延迟。") == []


def _customer_facing(article) -> str:
    # 常见误区 lists mistakes for agents to avoid (it may quote them); the answer builder never sends it.
    return "\n".join(text for name, text in article.sections.items() if name != "常见误区")


def test_no_bundled_script_or_article_has_an_error_level_finding(bundled):
    content = load_content(REPO_ROOT)
    errors = []
    for script in content.scripts:
        texts = [script.text] + ([script.variants["zh-TW"]] if "zh-TW" in script.variants else [])
        for channel in script.channels or ["在线"]:
            for text in texts:
                errors += [
                    (script.id, channel, f.rule, f.text)
                    for f in bundled.check(text, CheckContext(channel=channel))
                    if f.level == "error"
                ]
    for article in content.articles:
        for channel in article.channels or ["在线"]:
            text = article.title + "\n" + _customer_facing(article)
            errors += [
                (article.id, channel, f.rule, f.text)
                for f in bundled.check(text, CheckContext(channel=channel))
                if f.level == "error"
            ]
    assert len(content.scripts) > 0 and len(content.articles) > 0
    assert errors == []


@pytest.mark.parametrize(
    "text, rule, level",
    [
        ("这个我不造，您自己看说明", "evasive-dont-know", "error"),  # homophone, then a comma
        ("有完木完啊", "hostile-impatient", "error"),
        ("莫有时间跟你扯", "rush-customer", "error"),
        ("你块点", "rush-customer", "error"),
        ("您自己不会看啊", "hostile-rhetorical", "error"),  # 您 where the rule was written with 你
        ("你快一点说", "rush-customer", "error"),  # the optional 一
        ("等着呗。", "outage-passive-wait", "error"),  # any final particle
        ("您⾃⼰看说明", "evasive-read-yourself", "error"),  # Kangxi radicals
        ("有完，没完", "hostile-impatient", "error"),  # a comma inside the phrase
        ("这个我不知\n道", "evasive-dont-know", "error"),  # a line break inside the phrase
        ("wo bu zhi dao", "evasive-dont-know", "warning"),  # pinyin: a warning
        ("wbzd", "evasive-dont-know", "warning"),  # initials
    ],
)
def test_disguises_are_seen_through(bundled, text, rule, level):
    assert (rule, level) in {(f.rule, f.level) for f in bundled.check(text)}


@pytest.mark.parametrize(
    "text",
    [
        "请您耐心等着您的包裹",
        "不造成任何影响",
        "一块点心",
        "我们会尽快，点击下方按钮即可",
        "Please wait, we will check it",
    ],
)
def test_spellings_do_not_reach_into_ordinary_words(bundled, text):
    assert not [f for f in bundled.check(text) if f.level != "suggestion"]


def test_an_exception_in_one_line_does_not_excuse_another(bundled):
    lines = "没办法。\n您可以在APP里申请，或者联系我们。"
    assert "refuse-no-way" in {f.rule for f in bundled.check(lines)}
    assert "refuse-no-way" not in {f.rule for f in bundled.check("这个暂时没办法直接办理，您可以先申请换货。")}
