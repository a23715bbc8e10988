"""Triage of customer messages: type, priority and emotion, each explained by the cues that decided it."""

from __future__ import annotations

import pytest

from app.core.compose.library import load_library
from app.core.compose.triage import load_triage, triage
from app.core.content.loader import load_content
from app.core.validation import validate_root


@pytest.fixture(scope="module")
def rules():
    from tests.conftest import REPO_ROOT

    loaded, _templates, problems = load_library(load_content(REPO_ROOT))
    assert problems == []
    return loaded


def cue_texts(result, field: str) -> set[str]:
    return {c.text for c in result.cues if c.field == field}


def test_repeated_angry_complaint_is_high_priority_with_its_cues(rules) -> None:
    result = triage("我的快递多次催了还没发货!!!你们怎么回事,再不处理我就投诉", rules)
    assert (result.type, result.priority, result.emotion) == ("投诉", "high", "angry")
    assert {"多次", "投诉", "还没发货"} <= cue_texts(result, "priority")
    assert {"!!!", "怎么回事"} <= cue_texts(result, "emotion")
    assert "投诉" in cue_texts(result, "type")


def test_cue_reasons_name_the_priority_rule(rules) -> None:
    result = triage("我的账号被盗了", rules)
    assert result.priority == "high"
    assert any(c.field == "priority" and c.reason == "账户被盗" for c in result.cues)


def test_traditional_and_full_width_message_points_at_what_was_typed(rules) -> None:
    message = "我的帳戶被盜了，怎麼辦？？"
    result = triage(message, rules)
    assert result.priority == "high"
    stolen = next(c for c in result.cues if c.field == "priority")
    assert stolen.text == "被盜" and message[stolen.start : stolen.end] == "被盜"
    assert result.emotion == "anxious"


@pytest.mark.parametrize(
    "message, expected",
    [
        ("会员积分如何兑换?", "咨询"),
        ("商品破损未赔偿", "投诉"),
        ("希望增加夜间客服", "建议"),
        ("账号登录失败", "故障"),
        ("支付系统报错", "故障"),
        ("你好", "咨询"),
    ],
)
def test_the_four_types_of_the_domain_examples(rules, message: str, expected: str) -> None:
    assert triage(message, rules).type == expected


def test_calm_inquiry_is_normal_and_neutral(rules) -> None:
    result = triage("请问退款多久到账?", rules)
    assert (result.priority, result.emotion) == ("normal", "neutral")


def test_vip_cue_raises_priority_whatever_the_case(rules) -> None:
    assert triage("我是ＶＩＰ会员,发票怎么开", rules).priority == "high"
    assert triage("我是vip会员,发票怎么开", rules).priority == "high"


def test_a_knowledge_manager_can_add_a_cue(make_root) -> None:
    root = make_root(
        {
            "scripts_library/triage.yaml": (
                "kind: triage\n"
                "types:\n  建议: [要是有]\n"
                "priority:\n  high:\n    大促: [双十一]\n"
                "emotion:\n  anxious: [火烧眉毛]\n"
            )
        }
    )
    rules, problems = load_triage(load_content(root))
    assert problems == []
    result = triage("双十一要是有夜间客服就好了,火烧眉毛", rules)
    assert (result.type, result.priority, result.emotion) == ("建议", "high", "anxious")


def test_broken_triage_file_is_reported_with_file_and_line(make_root) -> None:
    root = make_root(
        {
            "scripts_library/triage.yaml": (
                "kind: triage\n"
                "types:\n"
                "  表扬: [谢谢]\n"
                "  投诉:\n"
                "    - {pattern: '(unclosed'}\n"
                "emotion:\n"
                "  happy: [开心]\n"
            )
        }
    )
    problems = [p for p in validate_root(root).problems if p.path.endswith("triage.yaml")]
    lines = {p.line: p.message for p in problems}
    assert "unknown type '表扬'" in lines[3]
    assert "invalid cue pattern" in lines[5]
    assert "unknown emotion 'happy'" in lines[7]
    assert all(p.level == "error" for p in problems)


def test_a_question_asked_angrily_is_a_complaint_and_an_anxious_one_is_not(rules) -> None:
    angry = triage("退款到底什么时候到账,怎么回事", rules)
    assert (angry.type, angry.emotion) == ("投诉", "angry")
    assert {c.text for c in angry.cues if c.field == "emotion"} == {"到底", "怎么回事"}  # the chips say why
    assert triage("退款什么时候到账,急用", rules).type == "咨询"
