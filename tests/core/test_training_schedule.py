"""FSRS scheduling on a fake clock: wrong answers come back sooner, daily limits, an append-only log."""

from __future__ import annotations

from dataclasses import replace

from app.core.training.cards import Card, Verdict
from app.core.training.schedule import Deck, Rating, rate
from app.core.training.settings import TeamSettings
from app.core.training.store import TrainingStore
from tests.core.training_world import FakeClock, bundled, trainee_at


def cards(n: int) -> list[Card]:
    return [Card(f"c{i}", "fact", f"问题{i}", "1-3个工作日", facts=("1-3个工作日",), version="v1") for i in range(n)]


def test_a_card_answered_wrong_comes_back_sooner_than_one_answered_right(tmp_path):
    clock = FakeClock()
    trainee = trainee_at(tmp_path / "home", clock)
    first, second = [s.card for s in trainee.queue()[:2]]
    wrong = trainee.answer_card(first.id, "不知道", 12)
    right = trainee.answer_card(second.id, second.answer, 12)
    assert not wrong.verdict.ok and right.verdict.ok
    assert wrong.due < right.due
    clock.advance(minutes=5)
    due_now = {s.card.id for s in trainee.queue()}
    assert first.id in due_now and second.id not in due_now


def test_the_rating_comes_from_correctness_and_time():
    settings = TeamSettings()
    card = cards(1)[0]
    assert rate(card, Verdict(False), 3, settings) == Rating.Again
    assert rate(card, Verdict(False, partial=True), 3, settings) == Rating.Hard
    assert rate(card, Verdict(True), 3, settings) == Rating.Easy
    assert rate(card, Verdict(True), 20, settings) == Rating.Good
    assert rate(card, Verdict(True), 90, settings) == Rating.Hard
    order = replace(card, kind="order", steps=("a", "b", "c"))
    assert rate(order, Verdict(True), 60, settings) == Rating.Good  # ordering steps gets twice the time


def test_new_cards_are_limited_per_day():
    clock = FakeClock()
    deck = Deck(cards(30), [], replace(TeamSettings(), new_cards_per_day=5), clock())
    assert len(deck.queue(clock())) == 5
    for state in deck.queue(clock()):
        deck.answer(state.card.id, Verdict(True), 3, clock())  # Easy: not due again today
    assert deck.queue(clock()) == []
    clock.advance(days=1)
    assert len([s for s in deck.queue(clock()) if s.is_new]) == 5


def test_the_review_backlog_is_limited_and_the_most_overdue_come_first():
    clock = FakeClock()
    deck = Deck(cards(6), [], replace(TeamSettings(), new_cards_per_day=6, max_reviews_per_day=2), clock())
    for n, state in enumerate(deck.queue(clock())):
        deck.answer(state.card.id, Verdict(True), 3, clock.advance(minutes=n))
    clock.advance(days=60)
    queue = deck.queue(clock())
    assert len(queue) == 2
    assert [s.card.id for s in queue] == ["c0", "c1"]  # answered first, due first


def test_the_log_is_append_only_and_a_torn_line_loses_nothing_else(tmp_path):
    clock = FakeClock()
    store = TrainingStore.open(tmp_path / "home")
    trainee = trainee_at(tmp_path / "home", clock)
    card = trainee.queue()[0].card
    trainee.answer_card(card.id, "不知道", 5)
    log = store.folder / "reviews.jsonl"
    before = log.read_bytes()
    with open(log, "ab") as fh:
        fh.write(b'{"ts": "2026-11-02T01:0')  # a crash in the middle of a write
    clock.advance(minutes=2)
    trainee.answer_card(card.id, card.answer, 5)
    data = log.read_bytes()
    assert data.startswith(before)
    records, skipped = store.read("reviews.jsonl")
    assert len(records) == 2 and skipped == 1  # the torn line is skipped; the answer after it is kept
    assert trainee.deck().states[card.id].reviews == 2


def test_a_replay_of_the_log_gives_the_same_schedule(tmp_path):
    clock = FakeClock()
    trainee = trainee_at(tmp_path / "home", clock)
    for _ in range(3):
        state = trainee.queue()[0]
        trainee.answer_card(state.card.id, state.card.answer, 10)
        clock.advance(minutes=11)
    first = {k: s.fsrs.due for k, s in trainee.deck().states.items() if not s.is_new}
    again = {
        k: s.fsrs.due for k, s in trainee_at(tmp_path / "home", clock, bundled()).deck().states.items() if not s.is_new
    }
    assert first == again and first
