"""Sentence splitting (app/core/text/sentences.py): the one rule the reply builder and the training scorer share."""

from __future__ import annotations

from itertools import pairwise

import pytest

from app.core.text.sentences import sentence_spans, split_sentences


@pytest.mark.parametrize(
    "text, expected",
    [
        ("您好。请稍等！马上处理", ["您好。", "请稍等！", "马上处理"]),
        ("真的吗？？好的!!", ["真的吗？？", "好的!!"]),
        ("第一步；第二步;第三步", ["第一步；", "第二步;", "第三步"]),
        ("核实订单\n告知时效。\n", ["核实订单\n", "告知时效。", "\n"]),
        ("Sorry for the wait. Your refund is on its way.", ["Sorry for the wait. ", "Your refund is on its way."]),
        ("It costs 3.5 yuan. Thanks", ["It costs 3.5 yuan. ", "Thanks"]),
        ("Please see Mr. smith today", ["Please see Mr. smith today"]),
        ("退款1-3个工作日到账。请留意。", ["退款1-3个工作日到账。", "请留意。"]),
    ],
)
def test_a_reply_is_cut_after_each_sentence_end_and_joins_back(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected
    assert "".join(split_sentences(text)) == text


def test_the_spans_follow_each_other_over_the_whole_text() -> None:
    text = "您好！\n退款已受理。 It will arrive in 3 days. Thanks!"
    spans = sentence_spans(text)
    assert spans[0][0] == 0 and spans[-1][1] == len(text)
    assert all(a[1] == b[0] for a, b in pairwise(spans))
    assert split_sentences("") == []
