"""Spaced repetition of the quiz cards with FSRS (the `fsrs` package): a due queue per trainee.

Each card's state is replayed from the review log (only reviews of the card's current version count:
an edited article starts its cards afresh). The rating comes from the answer: wrong → Again, partly right or
right but slow → Hard, right → Good, right and fast → Easy. The queue shows cards in learning first, then due
reviews (at most `max_reviews_per_day` a day: the rest wait, most overdue first), then new cards (at
most `new_cards_per_day`, the trainee's own mistake cards before the generated ones). Fuzzing is off so
a replay always gives the same schedule.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime

from fsrs import Card as FsrsCard
from fsrs import Rating, Scheduler, State

from app.core.training.cards import ORDER, RECALL, Card, Verdict
from app.core.training.settings import TeamSettings
from app.core.training.store import REVIEWS, TrainingStore, local_day, parse_time

RATING_NAMES = {Rating.Again: "忘了", Rating.Hard: "困难", Rating.Good: "记得", Rating.Easy: "轻松"}
_SCHEDULER = Scheduler(enable_fuzzing=False)


@dataclass(frozen=True)
class Review:
    """One answer to a card, as logged."""

    when: datetime
    card: str
    version: str
    rating: int
    ok: bool
    ms: int = 0
    mode: str = "quiz"  # quiz | exam

    def to_dict(self) -> dict[str, object]:
        """The log line."""
        return {
            "ts": self.when.isoformat(),
            "card": self.card,
            "version": self.version,
            "rating": self.rating,
            "ok": self.ok,
            "ms": self.ms,
            "mode": self.mode,
        }

    @classmethod
    def from_dict(cls, raw: dict[str, object]) -> Review | None:
        """A log line back as a Review, or None when it is not one."""
        when = parse_time(raw.get("ts"))
        card, version, rating = raw.get("card"), raw.get("version", ""), raw.get("rating")
        if when is None or not isinstance(card, str) or not isinstance(version, str):
            return None
        if not isinstance(rating, int) or isinstance(rating, bool) or rating not in (1, 2, 3, 4):
            return None
        ms = raw.get("ms", 0)
        return cls(when, card, version, rating, raw.get("ok") is True, ms if isinstance(ms, int) else 0)


@dataclass
class CardState:
    """A card with its FSRS state for this trainee."""

    card: Card
    fsrs: FsrsCard
    reviews: int = 0
    lapses: int = 0
    first_day: str = ""  # the day it was first answered ('' for a new card)
    last: datetime | None = None

    @property
    def is_new(self) -> bool:
        """True until the card is answered once."""
        return self.reviews == 0

    @property
    def learning(self) -> bool:
        """True while the card is in (re)learning steps (minutes, not days)."""
        return not self.is_new and self.fsrs.state in (State.Learning, State.Relearning)


@dataclass
class DeckStats:
    """What the trainee and the trainer see at a glance."""

    total: int
    new: int  # never answered
    due_now: int  # answered before and due now (learning + reviews, before the backlog limit)
    in_queue: int  # what the queue offers now (limits applied)
    reviewed_today: int
    new_today: int
    due_times: list[str] = field(default_factory=list)  # ISO times of upcoming dues (for the trainer's board)


def rate(card: Card, verdict: Verdict, seconds: float, settings: TeamSettings) -> Rating:
    """The FSRS rating of an answer: wrong → Again; right: slow → Hard, fast → Easy, else Good."""
    if not verdict.ok:
        return Rating.Hard if verdict.partial and card.kind != ORDER else Rating.Again  # half a fact is not forgotten
    if card.kind == RECALL:
        return Rating.Good
    scale = 2.0 if card.kind == ORDER else 1.0  # putting steps in order takes longer than recalling a fact
    if seconds > settings.slow_seconds * scale:
        return Rating.Hard
    if seconds <= settings.fast_seconds * scale:
        return Rating.Easy
    return Rating.Good


def _fsrs_id(card_id: str) -> int:
    return int(hashlib.sha1(card_id.encode("utf-8")).hexdigest()[:12], 16)


class Deck:
    """A trainee's cards and their schedule, replayed from the review log."""

    def __init__(self, cards: list[Card], reviews: list[Review], settings: TeamSettings, now: datetime):
        self.settings = settings
        self.states: dict[str, CardState] = {}
        self.log: list[Review] = []
        for card in cards:
            self.states[card.id] = CardState(card, FsrsCard(card_id=_fsrs_id(card.id), due=now))
        for review in sorted(reviews, key=lambda r: r.when):
            self._apply(review)

    @classmethod
    def load(cls, store: TrainingStore, cards: list[Card], settings: TeamSettings, now: datetime) -> Deck:
        """The deck with the store's review log replayed."""
        raw, _ = store.read(REVIEWS)
        reviews = [r for r in (Review.from_dict(x) for x in raw) if r is not None]
        return cls(cards, reviews, settings, now)

    def _apply(self, review: Review) -> None:
        self.log.append(review)
        state = self.states.get(review.card)
        if state is None or review.version != state.card.version:
            return  # a card that is gone, or an older version of it (the article changed)
        if state.is_new:
            state.fsrs = FsrsCard(card_id=state.fsrs.card_id, due=review.when)
            state.first_day = local_day(review.when)
        state.fsrs, _ = _SCHEDULER.review_card(state.fsrs, Rating(review.rating), review.when)
        state.reviews += 1
        state.lapses += review.rating == Rating.Again
        state.last = review.when

    def answer(self, card_id: str, verdict: Verdict, seconds: float, now: datetime, mode: str = "quiz") -> Review:
        """Record an answer: the card is rescheduled; the caller appends the returned review to the log."""
        state = self.states[card_id]
        rating = rate(state.card, verdict, seconds, self.settings)
        review = Review(now, card_id, state.card.version, int(rating), verdict.ok, int(seconds * 1000), mode)
        self._apply(review)
        return review

    def queue(self, now: datetime) -> list[CardState]:
        """The cards to answer now: learning steps due, then reviews due (backlog limit), then new (daily limit)."""
        today = local_day(now)
        done_today = [r for r in self.log if local_day(r.when) == today and r.mode == "quiz"]
        new_today = len({s.card.id for s in self.states.values() if s.first_day == today})
        learning = sorted(
            (s for s in self.states.values() if s.learning and s.fsrs.due <= now), key=lambda s: s.fsrs.due
        )
        reviews = sorted(
            (s for s in self.states.values() if not s.is_new and not s.learning and s.fsrs.due <= now),
            key=lambda s: s.fsrs.due,
        )
        reviews = reviews[: max(0, self.settings.max_reviews_per_day - len(done_today))]
        fresh = [s for s in self.states.values() if s.is_new]
        fresh.sort(key=lambda s: s.card.source != "mistake")  # stable: the trainee's own mistakes first
        fresh = fresh[: max(0, self.settings.new_cards_per_day - new_today)]
        return learning + reviews + fresh

    def next_due(self, now: datetime) -> datetime | None:
        """When the next answered card falls due (None when none is waiting)."""
        later = [s.fsrs.due for s in self.states.values() if not s.is_new and s.fsrs.due > now]
        return min(later) if later else None

    def stats(self, now: datetime) -> DeckStats:
        """Counts for the progress page and the published summary."""
        today = local_day(now)
        answered = [s for s in self.states.values() if not s.is_new]
        due = [s for s in answered if s.fsrs.due <= now]
        upcoming = sorted(s.fsrs.due for s in answered)[:200]
        return DeckStats(
            len(self.states),
            len(self.states) - len(answered),
            len(due),
            len(self.queue(now)),
            sum(1 for r in self.log if local_day(r.when) == today and r.mode == "quiz"),
            sum(1 for s in answered if s.first_day == today),
            [d.isoformat() for d in upcoming],
        )
