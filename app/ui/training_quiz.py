"""「卡片」: the due cards one by one — type the fact, judge 对/错, order the steps, or recall a mistake.

The queue and each answer go through the trainee off the UI thread; the time to answer is measured on
the trainee's clock (a fake one in tests) and rates the card for FSRS.
"""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from app.core.training.cards import CARD_KINDS, FACT, ORDER, RECALL, TRUEFALSE, order_answer
from app.core.training.schedule import CardState

_LETTERS = "ABCDEFG"


def when_text(seconds: float) -> str:
    """「10 分钟后」「3 天后」 for a delay in seconds."""
    if seconds <= 60:
        return "马上"
    if seconds < 3600:
        return f"{int(seconds // 60)} 分钟后"
    if seconds < 86400:
        return f"{int(seconds // 3600)} 小时后"
    return f"{int(seconds // 86400)} 天后"


class QuizPage(QWidget):
    """One card at a time from the trainee's due queue."""

    answered = Signal(object)  # the CardAnswer, once shown
    recorded = Signal()

    def __init__(self, runner: Any, parent: QWidget | None = None):
        super().__init__(parent)
        self.runner = runner
        self.trainee: Any = None
        self.state: CardState | None = None
        self.shown_at: Any = None
        self.last: Any = None
        self._seq = 0

        self.header = QLabel("知识库加载完成后即可开始。")
        self.header.setTextFormat(Qt.TextFormat.PlainText)  # content (titles, drills, cards) shown as text
        self.header.setStyleSheet("color:#666")
        self.header.setWordWrap(True)
        self.kind = QLabel("")
        self.kind.setTextFormat(Qt.TextFormat.PlainText)  # content (titles, drills, cards) shown as text
        self.kind.setStyleSheet("QLabel { color:white; background:#2f6fde; border-radius:4px; padding:1px 6px; }")
        self.kind.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
        self.prompt = QLabel("")
        self.prompt.setTextFormat(Qt.TextFormat.PlainText)  # content (titles, drills, cards) shown as text
        self.prompt.setWordWrap(True)
        self.prompt.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.prompt.setStyleSheet("QLabel { background:#f1f3f6; border-radius:6px; padding:10px; font-size:15px; }")
        self.prompt.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self.steps = QListWidget()
        self.steps.setVisible(False)
        self.steps.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.answer = QLineEdit()
        self.answer.returnPressed.connect(self._enter)
        self.true_button = QPushButton("对 (1)")
        self.false_button = QPushButton("错 (2)")
        self.true_button.clicked.connect(lambda: self.submit("对"))
        self.false_button.clicked.connect(lambda: self.submit("错"))
        self.show_button = QPushButton("显示答案")
        self.show_button.clicked.connect(self._reveal)
        self.remember_button = QPushButton("记得 (1)")
        self.forgot_button = QPushButton("忘了 (2)")
        self.remember_button.clicked.connect(lambda: self.submit("记得"))
        self.forgot_button.clicked.connect(lambda: self.submit("忘了"))
        self.submit_button = QPushButton("提交 (Enter)")
        self.submit_button.clicked.connect(lambda: self.submit(self.answer.text()))
        buttons = QHBoxLayout()
        for button in (
            self.true_button,
            self.false_button,
            self.show_button,
            self.remember_button,
            self.forgot_button,
            self.submit_button,
        ):
            buttons.addWidget(button)
        buttons.addStretch(1)
        self.next_button = QPushButton("下一张 (Enter)")
        self.next_button.clicked.connect(self.next_card)
        buttons.addWidget(self.next_button)
        self.feedback = QLabel("")
        self.feedback.setWordWrap(True)
        self.feedback.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.feedback.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)

        head = QHBoxLayout()
        head.addWidget(self.kind)
        head.addWidget(self.header, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(head)
        layout.addWidget(self.prompt)
        layout.addWidget(self.steps)
        layout.addWidget(self.answer)
        layout.addLayout(buttons)
        layout.addWidget(self.feedback)
        layout.addStretch(1)
        self._mode("idle")

    def set_trainee(self, trainee: Any) -> None:
        """Start on this trainee's queue."""
        self.trainee = trainee
        self.next_card()

    def keyPressEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        """1 / 2 answer 对/错 (or 记得/忘了); Enter goes on once an answer is shown."""
        key = event.key()
        if self.state is not None and self.last is None and key in (Qt.Key.Key_1, Qt.Key.Key_2):
            if self.state.card.kind == TRUEFALSE:
                self.submit("对" if key == Qt.Key.Key_1 else "错")
                return
            if self.state.card.kind == RECALL and self.remember_button.isVisible():
                self.submit("记得" if key == Qt.Key.Key_1 else "忘了")
                return
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._enter()
            return
        super().keyPressEvent(event)

    def _enter(self) -> None:
        if self.last is not None or self.state is None:
            self.next_card()
        elif self.state.card.kind in (FACT, ORDER):
            self.submit(self.answer.text())
        elif self.state.card.kind == RECALL and self.show_button.isVisible():
            self._reveal()

    def _mode(self, mode: str) -> None:
        """Show the controls of a card kind (or none: 'idle', 'done'), or the answered state ('answered')."""
        kind = self.state.card.kind if self.state is not None else ""
        asking = mode == "ask"
        self.answer.setVisible(asking and kind in (FACT, ORDER))
        self.submit_button.setVisible(asking and kind in (FACT, ORDER))
        self.true_button.setVisible(asking and kind == TRUEFALSE)
        self.false_button.setVisible(asking and kind == TRUEFALSE)
        self.show_button.setVisible(asking and kind == RECALL)
        self.remember_button.setVisible(mode == "reveal")
        self.forgot_button.setVisible(mode == "reveal")
        self.next_button.setVisible(mode == "answered")
        self.steps.setVisible(kind == ORDER and mode in ("ask", "answered"))
        self.kind.setVisible(mode not in ("idle", "done"))

    def next_card(self) -> None:
        """Fetch the queue and show its first card (off the UI thread)."""
        if self.trainee is None:
            return
        self._seq += 1
        seq = self._seq
        trainee = self.trainee

        def run() -> tuple[list[CardState], Any, Any]:
            deck = trainee.deck()
            now = trainee.clock()
            return deck.queue(now), deck.stats(now), deck.next_due(now)

        self.runner.submit(run, lambda result: self._show_queue(seq, *result))

    def _show_queue(self, seq: int, queue: list[CardState], stats: Any, next_due: Any) -> None:
        if seq != self._seq:
            return
        self.last = None
        self.feedback.setText("")
        per_day = self.trainee.library.settings.new_cards_per_day
        self.header.setText(f"待答 {len(queue)} 张 · 今天已答 {stats.reviewed_today} 张 · 新卡每天最多 {per_day} 张")
        if not queue:
            self.state = None
            later = f"下一张 {when_text((next_due - self.trainee.clock()).total_seconds())}到期。" if next_due else ""
            self.prompt.setText(f"今天的卡片都答完了。{later}\n做演练时失分的地方也会变成卡片。")
            self._mode("done")
            return
        self.state = queue[0]
        card = self.state.card
        self.kind.setText(CARD_KINDS[card.kind])
        self.prompt.setText(card.prompt_for(self.state.reviews))
        self.answer.clear()
        self.steps.clear()
        if card.kind == ORDER:
            for n, i in enumerate(card.shuffled()):
                self.steps.addItem(f"{_LETTERS[n]}. {card.steps[i]}")
            self.answer.setPlaceholderText(f"按正确顺序输入字母,如 {_LETTERS[: len(card.steps)][::-1]}")
        else:
            self.answer.setPlaceholderText("写出关键信息(时限、金额或路径),Enter 提交")
        self._mode("ask")
        self.shown_at = self.trainee.clock()
        if not self.isVisible():
            return  # loaded in the background (e.g. after a sync's reload): never take the keys from another tab
        if card.kind in (FACT, ORDER):
            self.answer.setFocus()
        else:
            self.setFocus()

    def _reveal(self) -> None:
        if self.state is None:
            return
        self.feedback.setText(f"<b>答案:</b>{html.escape(self.state.card.answer)}")
        self._mode("reveal")
        self.setFocus()

    def submit(self, text: str) -> None:
        """Check the answer and reschedule the card (off the UI thread)."""
        if self.state is None or self.last is not None or self.trainee is None:
            return
        if not text.strip():
            self.feedback.setText("<span style='color:#b8610a'>先写下答案再提交。</span>")
            return
        card_id = self.state.card.id
        seconds = max(0.0, (self.trainee.clock() - self.shown_at).total_seconds())
        trainee = self.trainee
        self._seq += 1
        seq = self._seq
        for button in (
            self.submit_button,
            self.true_button,
            self.false_button,
            self.remember_button,
            self.forgot_button,
        ):
            button.setEnabled(False)
        self.runner.submit(
            lambda: trainee.answer_card(card_id, text, seconds),
            lambda result: self._show_answer(seq, result),
            lambda message: self.feedback.setText(
                f"<span style='color:#c62828'>没能记录:{html.escape(message)}</span>"
            ),
        )

    def _show_answer(self, seq: int, result: Any) -> None:
        for button in (
            self.submit_button,
            self.true_button,
            self.false_button,
            self.remember_button,
            self.forgot_button,
        ):
            button.setEnabled(True)
        if seq != self._seq:
            return
        self.last = result
        card = result.card
        right = order_answer(card, card.shuffled()) + "(" + card.answer + ")" if card.kind == ORDER else card.answer
        if result.verdict.ok:
            mark = "<b style='color:#1f9d6b'>✓ 答对了</b>"
        elif result.verdict.partial:
            mark = "<b style='color:#b8610a'>◐ 答对了一部分</b>"
        else:
            mark = "<b style='color:#c62828'>✗ 答错了</b>"
        note = f" {html.escape(result.verdict.note)}" if result.verdict.note else ""
        explain = f"<br>{html.escape(card.explain)}" if card.explain else ""
        later = when_text((result.due - self.trainee.clock()).total_seconds())
        self.feedback.setText(
            f"{mark}{note}<br><b>正确答案:</b>{html.escape(right)}{explain}"
            f"<br><span style='color:#888'>下次复习:{later}</span>"
        )
        self._mode("answered")
        self.next_button.setFocus()
        self.answered.emit(result)
        self.recorded.emit()
