"""Quiz cards from the knowledge base: generated per article, answers checked in any wording, an article
edit regenerates its cards, a manager's overrides file disables, rewrites or adds cards."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.core.content.loader import load_content
from app.core.training.cards import FACT, ORDER, TRUEFALSE, check_answer, load_cards, order_answer
from app.core.training.library import TrainingLibrary
from app.core.training.schedule import Deck
from app.core.training.store import TrainingStore
from app.core.validation import validate_root
from tests.conftest import article
from tests.core.training_world import FakeClock

BODY = """## 结论
退款审核通过后一般1-3个工作日原路退回,可在【我的-退换/售后】查看。

## 说明
银行卡3-7个工作日。

## 操作步骤
1. 打开APP进入【我的-退换/售后】。
2. 点击对应售后单。
3. 在【退款详情】中查看退款状态。

## 常见误区
- 误区:退款成功就应该马上到账。实际以支付渠道的处理时间为准。
- 误以为信用卡没收到短信就是没到账:可以查看信用卡账单。
"""


@pytest.fixture
def root(make_root) -> Path:
    return make_root(
        {"kb/returns/refund.md": article("refund", title="退款多久到账?", similar="[钱什么时候退回来]", body=BODY)}
    )


def cards_of(root: Path) -> dict:
    cards, problems = load_cards(load_content(root))
    assert problems == []
    return {c.id: c for c in cards}


def test_an_article_yields_a_fact_card_true_false_cards_and_an_order_card(root):
    cards = cards_of(root)
    assert set(cards) == {"refund#fact", "refund#true", "refund#myth1", "refund#myth2", "refund#steps"}
    fact = cards["refund#fact"]
    assert fact.kind == FACT and fact.facts == ("1-3个工作日", "我的-退换/售后")
    assert fact.prompt_for(0) == "退款多久到账?" and fact.prompt_for(1) == "钱什么时候退回来"  # 相似问法 in turn
    myth = cards["refund#myth1"]
    assert myth.kind == TRUEFALSE and not myth.truth and myth.prompt == "退款成功就应该马上到账。"
    assert "支付渠道" in myth.explain
    assert cards["refund#true"].truth and cards["refund#steps"].kind == ORDER and len(cards["refund#steps"].steps) == 3


def test_answers_are_checked_in_the_trainees_own_words(root):
    cards = cards_of(root)
    fact = cards["refund#fact"]
    assert check_answer(fact, "一般一到三个工作日,在我的 > 退换/售后 里看").ok
    half = check_answer(fact, "1~3个工作日")
    assert not half.ok and half.partial and "我的-退换/售后" in half.missing
    assert not check_answer(fact, "3个工作日,我的-退换/售后").ok
    myth = cards["refund#myth1"]
    assert check_answer(myth, "错").ok and check_answer(myth, "×").ok and not check_answer(myth, "对").ok
    steps = cards["refund#steps"]
    shown = steps.shuffled()
    assert shown != [0, 1, 2]  # never shown already in order
    assert check_answer(steps, order_answer(steps, shown)).ok
    assert not check_answer(steps, "ABC" if order_answer(steps, shown) != "ABC" else "CBA").ok
    assert "3 个字母" in check_answer(steps, "AB").note


def test_editing_the_article_regenerates_its_card_and_its_schedule_starts_again(root):
    clock = FakeClock()
    store = TrainingStore.open(root.parent / "home")
    library = TrainingLibrary.build(load_content(root))
    deck = Deck.load(store, library.cards, library.settings, clock())
    review = deck.answer(
        "refund#fact", check_answer(library.card("refund#fact"), "1-3个工作日 我的-退换/售后"), 5, clock()
    )
    store.append("reviews.jsonl", review.to_dict())
    assert not Deck.load(store, library.cards, library.settings, clock()).states["refund#fact"].is_new

    path = root / "kb" / "returns" / "refund.md"
    path.write_text(path.read_text(encoding="utf-8").replace("1-3个工作日原路", "1-5个工作日原路"), encoding="utf-8")
    edited = TrainingLibrary.build(load_content(root))
    card = edited.card("refund#fact")
    assert card.facts[0] == "1-5个工作日" and card.version != library.card("refund#fact").version
    again = Deck.load(store, edited.cards, edited.settings, clock())
    assert again.states["refund#fact"].is_new  # the old answer was to the old fact
    assert len(store.read("reviews.jsonl")[0]) == 1  # the log keeps everything


def test_the_overrides_file_disables_rewrites_and_adds_cards(root):
    (root / "scripts_library" / "cards.yaml").write_text(
        "kind: drills\ncards:\n"
        "  - id: refund#myth2\n    disabled: true\n"
        "  - id: refund#fact\n    question: 信用卡退款多久到账?\n    answer: [3-7个工作日]\n"
        "  - id: team-1\n    kind: truefalse\n    statement: VIP客户高峰期也要排队。\n    correct: false\n"
        "  - id: refund#gone\n    disabled: true\n"
        "  - id: team-2\n    kind: truefalse\n    statement: 没写对错\n",
        encoding="utf-8",
    )
    content = load_content(root)
    cards, problems = load_cards(content)
    by_id = {c.id: c for c in cards}
    assert "refund#myth2" not in by_id
    assert by_id["refund#fact"].prompt == "信用卡退款多久到账?" and by_id["refund#fact"].facts == ("3-7个工作日",)
    assert by_id["refund#fact"].prompts == ()  # a rewritten question is asked as written
    assert by_id["team-1"].source == "custom" and by_id["team-1"].answer == "错"
    found = [p.format() for p in validate_root(root).problems if p.path.endswith("cards.yaml")]
    assert any(":12: warning:" in f and "refund#gone" in f for f in found), found
    assert any(":14: error:" in f and "team-2" in f for f in found), found
    assert len(problems) == 2


def test_drafts_and_archived_articles_yield_no_cards(make_root):
    root = make_root({"kb/a.md": article("a", status="draft", body=BODY)})
    assert load_cards(load_content(root))[0] == []
