"""Conversations that react: the customer's next message depends on the reply; the whole is scored."""

from __future__ import annotations

from app.core.content.loader import load_content
from app.core.training.conversation import CALM, ESCALATE, LEFT, Conversation
from app.core.training.drills import load_drills
from app.core.training.scoring import score_case
from app.core.validation import validate_root
from app.core.vocab import ANGRY, ANXIOUS, ARTICLE_TYPES, AUDIENCES
from tests.conftest import REPO_ROOT, article
from tests.core.training_world import bundled

GOOD_FIRST = (
    "非常理解您的心情,让您多次联系还没解决,真的非常抱歉,这次由我全程跟进。您反映的问题我们非常重视,"
    "麻烦您拍一下玻璃杯破损处和外包装的照片发给我,我马上核实,可以为您补发或者退款,今天18点前给您回复。"
)


def conversation(drill_id: str) -> Conversation:
    ws = bundled()
    drill = ws.training.drill(drill_id)
    assert drill is not None and drill.is_conversation
    return Conversation(drill, ws.training.services(ws.content, ws.checker, ws.replies))


def test_a_forbidden_phrase_escalates_and_the_customer_answers_with_the_escalate_line():
    talk = conversation("conv-damaged-third-time")
    turn = talk.answer("这是物流的问题,你自己看说明吧。")
    assert turn.reaction == ESCALATE and "禁忌话术" in turn.why
    assert turn.next_message == talk.drill.turns[0].escalate == talk.message
    assert talk.mood == ANGRY and talk.patience == talk.drill.persona.patience - 1
    assert turn.score.total <= 59


def test_empathy_and_a_concrete_plan_calm_the_customer():
    talk = conversation("conv-damaged-third-time")
    turn = talk.answer(GOOD_FIRST)
    assert turn.reaction == CALM, turn.why
    assert turn.next_message == talk.drill.turns[0].calm
    assert talk.mood == ANXIOUS  # one step down from 愤怒


def test_ignoring_what_the_customer_said_escalates_even_a_polite_reply():
    talk = conversation("conv-damaged-third-time")
    polite = "非常理解您的心情。麻烦您拍一下玻璃杯破损的照片发给我,我马上核实,可以为您补发或者退款,今天18点前给您回复。"
    turn = talk.answer(polite)
    assert turn.reaction == ESCALATE and "重复来访" in turn.why and "威胁投诉曝光" in turn.why


def test_the_customer_leaves_when_patience_runs_out_and_the_conversation_is_capped():
    talk = conversation("conv-damaged-third-time")
    talk.answer("这是物流的问题。")
    last = talk.answer("请耐心等待。")
    assert last.reaction == LEFT and talk.finished and talk.left
    assert last.next_message == talk.drill.turns[0].leave  # the last 'leave' written up to this turn
    overall = talk.result()
    assert "客户耐心" in overall.capped_by and overall.total <= 59


def test_a_conversation_answered_with_the_model_answers_goes_calm_and_scores_well():
    talk = conversation("conv-damaged-third-time")
    while not talk.finished:
        model = score_case(talk.case(), "", talk.services).model_answer
        assert talk.answer(model).reaction == CALM
    assert talk.result().total >= 90


def test_the_overall_score_takes_each_element_from_the_reply_that_showed_it():
    talk = conversation("conv-damaged-third-time")
    talk.answer(GOOD_FIRST.replace("今天18点前给您回复。", ""))  # no feedback time in the first reply
    assert not talk.turns[0].score.item("约定反馈时间").ok
    talk.answer("收到照片了,我们为您补发新的玻璃杯,我会在今天18点前给您回复补发进度。")
    overall = talk.result()
    assert overall.item("约定反馈时间").ok and overall.item("共情").ok


def test_the_bundled_conversations_cover_every_type_and_audience():
    drills, problems = load_drills(load_content(REPO_ROOT))
    assert problems == []
    talks = [d for d in drills if d.is_conversation]
    assert len(talks) >= 12
    assert {d.type for d in talks} == set(ARTICLE_TYPES)
    assert {d.audience for d in talks} == set(AUDIENCES)
    assert all(d.persona is not None and all(t.calm and t.escalate for t in d.turns) for d in talks)


def test_a_turn_asking_for_an_unknown_element_is_reported_at_its_line(make_root):
    root = make_root(
        {
            "kb/a.md": article("refund"),
            "scripts_library/drills.yaml": (
                "kind: drills\ndrills:\n  - id: t\n    title: t\n    type: 咨询\n    message: 退款多久到账?\n"
                "    persona: {name: 李先生, mood: angry, patience: 9}\n"
                "    turns:\n      - calm: 好的\n        escalate: 不行\n        expect: [不存在的要素]\n"
                "      - calm: 只有一半\n"
            ),
        }
    )
    problems = [p.format() for p in validate_root(root).problems if p.path.endswith("drills.yaml")]
    assert any(":7: error:" in p and "patience" in p for p in problems), problems
    assert any(":9: error:" in p and "不存在的要素" in p for p in problems), problems
    assert any(":12: error:" in p and "'calm' and 'escalate'" in p for p in problems), problems
