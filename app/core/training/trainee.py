"""One trainee practising against one loaded workspace: the quiz, drills and conversations, exams, progress.

The app's 练习 tab and `zhida train` both go through a `Trainee`, so they record the same logs under
$ZHIDA_HOME/training/ and publish the same summary. The clock is injected (tests pass a fake one).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from app.core.training.cards import Card, Verdict, check_answer
from app.core.training.cohort import publish, summary
from app.core.training.conversation import Conversation, TurnResult
from app.core.training.drills import Drill
from app.core.training.exam import ExamResult, ExamSession, load_results
from app.core.training.library import TrainingLibrary
from app.core.training.progress import Attempt, Progress, attempt_of, build_progress, load_attempts, mistake_cards
from app.core.training.schedule import CardState, Deck, Review
from app.core.training.scoring import Score, Services
from app.core.training.settings import OFF, Exam
from app.core.training.store import ATTEMPTS, EXAMS, REVIEWS, Clock, TrainingStore, utc_now


@dataclass(frozen=True)
class CardAnswer:
    """How an answer to a card went and when the card comes back."""

    card: Card
    verdict: Verdict
    review: Review
    due: datetime


class Trainee:
    """The trainee of this $ZHIDA_HOME, on this workspace's drills, rubric and cards."""

    def __init__(self, library: TrainingLibrary, services: Services, store: TrainingStore, clock: Clock = utc_now):
        self.library = library
        self.services = services
        self.store = store
        self.clock = clock

    @classmethod
    def of(cls, workspace: Any, home: Path | None = None, clock: Clock = utc_now) -> Trainee:
        """The trainee of `home` (default $ZHIDA_HOME) on a loaded `Workspace`."""
        library: TrainingLibrary = workspace.training
        services = library.services(workspace.content, workspace.checker, workspace.replies)
        return cls(library, services, TrainingStore.open(home), clock)

    # ---- quiz ----------------------------------------------------------------------------------------
    def cards(self) -> list[Card]:
        """The knowledge-base cards plus this trainee's mistake cards."""
        attempts, _ = load_attempts(self.store)
        return self.library.cards + mistake_cards(attempts, self.library.drills)

    def deck(self) -> Deck:
        """The trainee's cards with their schedule replayed from the review log."""
        return Deck.load(self.store, self.cards(), self.library.settings, self.clock())

    def queue(self) -> list[CardState]:
        """The cards to answer now."""
        return self.deck().queue(self.clock())

    def answer_card(self, card_id: str, answer: str, seconds: float, deck: Deck | None = None) -> CardAnswer:
        """Check an answer, reschedule the card and append the review to the log."""
        deck = deck or self.deck()
        state = deck.states[card_id]
        verdict = check_answer(state.card, answer)
        review = deck.answer(card_id, verdict, seconds, self.clock())
        self.store.append(REVIEWS, review.to_dict())
        return CardAnswer(state.card, verdict, review, deck.states[card_id].fsrs.due)

    # ---- drills --------------------------------------------------------------------------------------
    def conversation(self, drill: Drill) -> Conversation:
        """A new run through a drill (one reply, or a conversation that reacts)."""
        return Conversation(drill, self.services)

    def record(self, drill: Drill, score: Score, turns: list[TurnResult] | None = None, exam: str = "") -> Attempt:
        """Append a scored drill to the attempt log (its misses become cards)."""
        outcome = turns[-1].reaction if turns else ""
        attempt = attempt_of(
            drill, score, self.services.content, self.clock(), turns=len(turns or []) or 1, outcome=outcome, exam=exam
        )
        self.store.append(ATTEMPTS, attempt.to_dict())
        return attempt

    # ---- exams ---------------------------------------------------------------------------------------
    def exam_session(self, exam: Exam) -> ExamSession:
        """Start an exam now."""
        drills = {d.id: d for d in self.library.drills}
        cards = {c.id: c for c in self.library.cards}
        return ExamSession(exam, drills, cards, self.services, self.clock)

    def finish_exam(self, session: ExamSession) -> ExamResult:
        """Hand in: log the result, each drill item as an attempt, each card item as a review."""
        result = session.finish()
        self.store.append(EXAMS, result.to_dict())
        deck = self.deck()
        for item in session.items:
            if item.kind == "drill" and item.drill_score is not None:
                self.record(session.drills[item.id], item.drill_score, exam=session.exam.id)
            elif item.kind == "card" and item.answered and not item.late and item.id in deck.states:
                review = deck.answer(item.id, Verdict(item.score == 100), 0, result.finished, mode="exam")
                self.store.append(REVIEWS, review.to_dict())
        return result

    def exams(self) -> list[ExamResult]:
        """Every exam this trainee handed in."""
        return load_results(self.store)

    # ---- progress and the team -----------------------------------------------------------------------
    def progress(self) -> Progress:
        """The progress page: history, weak areas, the suggested next drill."""
        return build_progress(self.store, self.library.drills, self.cards())

    @property
    def publish_mode(self) -> str:
        """The team's setting: off, named or pseudonymous."""
        return self.library.settings.publish

    def summary(self) -> dict[str, Any]:
        """What this trainee would publish to the share."""
        now = self.clock()
        deck = self.deck()
        return summary(
            self.progress(), deck.stats(now), self.exams(), self.publish_mode, self.store.display_name(), now
        )

    def publish(self, share: Path) -> Path | None:
        """Publish the summary to the share when the team opted in (None when it did not)."""
        if self.publish_mode == OFF:
            return None
        return publish(share, self.store, self.summary())
