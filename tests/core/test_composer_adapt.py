"""Reply text adapted to audience and channel (app/core/adapt.py, used by the answer builder)."""

from __future__ import annotations

import pytest

from app.core.compose.adapt import customer_facing, key_fact, plain_text, shorten_sentences, spoken, strip_familiar


@pytest.mark.parametrize(
    "text, expected",
    [
        ("亲,别着急", "别着急"),
        ("亲~您好", "您好"),
        ("您好!亲,请稍等", "您好!请稍等"),
        ("宝,您的订单已发出", "您的订单已发出"),
        ("Hi 亲, hello", "Hi hello"),
        ("您可以用支付宝,也可以用银行卡", "您可以用支付宝,也可以用银行卡"),
        ("请您亲自签收", "请您亲自签收"),
    ],
)
def test_familiar_address_is_removed_but_words_containing_it_stay(text: str, expected: str) -> None:
    assert strip_familiar(text) == expected


def test_phone_style_reads_menus_and_steps_aloud_without_emoji_codes() -> None:
    assert spoken("1. 打开APP【我的-设置】\n2. 点击[微笑]确认") == "第一步，打开APP“我的”、“设置”。第二步，点击确认"


def test_long_sentences_are_split_for_elderly_customers_with_either_comma_width() -> None:
    text = "退款审核通过后一般1-3个工作日原路退回\uff0c周末及节假日可能顺延,请您耐心等待。"
    assert shorten_sentences(text) == "退款审核通过后一般1-3个工作日原路退回。周末及节假日可能顺延。请您耐心等待。"
    assert shorten_sentences("好的,马上处理。") == "好的,马上处理。"


def test_key_fact_is_the_first_sentence_with_a_number_or_placeholder() -> None:
    assert key_fact(["您的心情我理解。", "退款1-3个工作日到账。请留意。"]) == "退款1-3个工作日到账。"
    assert key_fact(["我会在{反馈时间}前回复您。"]) == "我会在{反馈时间}前回复您。"


def test_agent_notes_are_dropped_and_steps_renumbered() -> None:
    kept, share = customer_facing("1. 请客户提供订单号。\n2. 打开【我的-订单】。\n3. 点击申请售后。")
    assert kept == "1. 打开【我的-订单】。\n2. 点击申请售后。"
    assert 0.4 < share < 1


def test_markdown_becomes_plain_chat_text() -> None:
    assert plain_text("- **注意**:退款需审核\n### 小结\n[详情](https://x)") == "注意:退款需审核\n小结\n详情"
