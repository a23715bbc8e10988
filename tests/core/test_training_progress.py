"""Progress per trainee (history, weak areas, next drill, mistakes as cards) and exam mode."""

from __future__ import annotations

from dataclasses import replace

from app.core.training.cards import ORDER, order_answer
from app.core.training.elements import Case
from app.core.training.exam import summary_markdown
from app.core.training.scoring import score_case
from tests.core.training_world import FakeClock, bundled, trainee_at


def test_attempts_give_a_history_weak_areas_a_next_drill_and_mistake_cards(tmp_path):
    clock = FakeClock()
    trainee = trainee_at(tmp_path / "home", clock)
    complaint = trainee.library.drill("complaint-damaged-expose")
    inquiry = trainee.library.drill("inquiry-refund-time")
    for drill, reply in (
        (complaint, "我帮您核实一下。"),
        (inquiry, "退款一般1-3个工作日原路退回。"),
        (complaint, "请您耐心等待。"),
    ):
        talk = trainee.conversation(drill)
        talk.answer(reply)
        trainee.record(drill, talk.result(), talk.turns)
        clock.advance(hours=1)
    progress = trainee.progress()
    assert [a.drill for a in progress.attempts] == [complaint.id, inquiry.id, complaint.id]
    assert progress.by_type[0].name == "投诉" and progress.by_type[0].count == 2  # weakest first
    assert progress.by_category and progress.by_item[0].average == 0.0
    assert progress.suggestion is not None and progress.suggestion.type == "投诉"
    assert "投诉" in progress.suggestion_why
    mistakes = [c for c in trainee.cards() if c.source == "mistake"]
    assert any(c.id == f"mistake:{complaint.id}:共情" and "更好" not in c.answer and c.answer for c in mistakes)
    assert trainee.queue()[0].card.source == "mistake"  # the trainee's own mistakes come first


def test_the_exam_records_a_pass_and_exports_a_summary(tmp_path):
    clock = FakeClock()
    trainee = trainee_at(tmp_path / "home", clock)
    exam = trainee.library.exam("onboarding-week1")
    session = trainee.exam_session(exam)
    for index, item in enumerate(session.items):
        clock.advance(minutes=2)
        if item.kind == "drill":
            answer = score_case(Case.of(session.drills[item.id]), "", trainee.services).model_answer
        else:
            card = session.cards[item.id]
            answer = order_answer(card, card.shuffled()) if card.kind == ORDER else card.answer
        session.answer(index, answer)
    result = trainee.finish_exam(session)
    assert result.passed and result.total >= exam.pass_mark and not result.over_time
    assert [e.exam for e in trainee.exams()] == ["onboarding-week1"]
    assert sum(1 for a in trainee.progress().attempts if a.exam == exam.id) == len(exam.drills)
    text = summary_markdown(result, "张明", session)
    assert "新人第一周考核" in text and "通过 ✓" in text and "张明" in text and text.count("| ") >= len(exam.items)


def test_answers_after_the_time_limit_do_not_count_and_the_exam_is_failed(tmp_path):
    clock = FakeClock()
    trainee = trainee_at(tmp_path / "home", clock)
    exam = replace(trainee.library.exam("onboarding-week1"), time_limit_min=10)
    session = trainee.exam_session(exam)
    card_index = next(i for i, item in enumerate(session.items) if item.kind == "card")
    card = session.cards[session.items[card_index].id]
    assert session.remaining() == 600
    clock.advance(minutes=11)
    late = session.answer(card_index, card.answer)
    assert late.late and late.score == 0 and session.remaining() == 0
    result = trainee.finish_exam(session)
    assert result.over_time and not result.passed and result.total == 0


def test_progress_survives_an_unreadable_line(tmp_path):
    clock = FakeClock()
    trainee = trainee_at(tmp_path / "home", clock, bundled())
    drill = trainee.library.drill("inquiry-refund-time")
    trainee.record(drill, trainee.conversation(drill).answer("退款一般1-3个工作日原路退回。").score)
    with (trainee.store.folder / "attempts.jsonl").open("a", encoding="utf-8") as fh:
        fh.write("not json\n")
    progress = trainee.progress()
    assert len(progress.attempts) == 1 and progress.skipped_lines == 1


def test_a_phone_number_in_a_reply_never_reaches_the_log(tmp_path):
    trainee = trainee_at(tmp_path / "home", FakeClock())
    drill = trainee.library.drill("complaint-damaged-expose")
    score = trainee.conversation(drill).answer("非常理解您的心情,我们核实后给您补发,结果发到13812345678。").score
    assert "13812345678" in " ".join(i.why for i in score.items)  # the trainee is told which number
    trainee.record(drill, score)
    log = (trainee.store.folder / "attempts.jsonl").read_text(encoding="utf-8")
    assert "13812345678" not in log and "138****5678" in log
