"""「演练」: answer a simulated customer; in a conversation the customer reacts to each reply.

Scoring runs off the UI thread (one reply at a time); an older result never replaces a newer attempt's.
"""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app.core.training.conversation import ESCALATE, LEFT, REACTIONS, Conversation, TurnResult
from app.core.training.drills import Drill
from app.core.training.scoring import Score
from app.core.vocab import EMOTIONS

GRADE_COLORS = {"优秀": "#1f9d6b", "良好": "#2f6fde", "及格": "#b8610a", "需加强": "#c62828"}
REACTION_COLORS = {"calm": "#1f9d6b", "neutral": "#b8610a", ESCALATE: "#c62828", LEFT: "#c62828"}


class DrillPage(QWidget):
    """Pick a drill, read the customer, reply, Ctrl+Enter; a conversation goes on until it ends."""

    scored = Signal(object)  # the drill's (overall) Score, once the drill is over
    turn_scored = Signal(object)  # each TurnResult of a conversation
    recorded = Signal()  # an attempt was added to the trainee's log

    def __init__(self, runner: Any, parent: QWidget | None = None):
        super().__init__(parent)
        self.runner = runner
        self.trainee: Any = None
        self.drills: list[Drill] = []
        self.conversation: Conversation | None = None
        self.score: Score | None = None
        self._seq = 0

        self.picker = QComboBox()
        self.picker.currentIndexChanged.connect(self._show_drill)
        self.next_button = QPushButton("下一题")
        self.next_button.clicked.connect(self.next_drill)
        top = QHBoxLayout()
        top.addWidget(self.picker, 1)
        top.addWidget(self.next_button)

        self.meta = QLabel("")
        self.meta.setTextFormat(Qt.TextFormat.PlainText)  # content (titles, drills, cards) shown as text
        self.meta.setStyleSheet("color:#666")
        self.meta.setWordWrap(True)
        self.transcript = QTextBrowser()
        self.transcript.setOpenLinks(False)
        self.transcript.setVisible(False)
        self.transcript.setMaximumHeight(220)
        self.customer = QLabel("")
        self.customer.setTextFormat(Qt.TextFormat.PlainText)  # content (titles, drills, cards) shown as text
        self.customer.setWordWrap(True)
        self.customer.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.customer.setStyleSheet("QLabel { background:#f1f3f6; border-radius:6px; padding:8px; }")
        self.hint = QLabel("")
        self.hint.setTextFormat(Qt.TextFormat.PlainText)  # content (titles, drills, cards) shown as text
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet("color:#2f6fde")
        for label in (self.meta, self.customer, self.hint):  # the customer's words are never cut off
            label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self.customer_title = QLabel("<b>客户说</b>")

        self.reply = QPlainTextEdit()
        self.reply.setPlaceholderText("像真实接待一样写下你的回复,Ctrl+Enter 提交评分")
        self.submit_button = QPushButton("提交评分")
        self.submit_button.setToolTip("Ctrl+Enter")
        self.submit_button.clicked.connect(self.submit)
        self.again_button = QPushButton("重新作答")
        self.again_button.clicked.connect(self.try_again)
        actions = QHBoxLayout()
        actions.addWidget(self.again_button)
        actions.addStretch(1)
        actions.addWidget(self.submit_button)

        self.result = QTextBrowser()
        self.result.setOpenLinks(False)
        self.result.setOpenExternalLinks(False)
        self.result.setPlaceholderText("提交后在这里看到得分、每一项的原因和更好的说法")

        upper = QWidget()
        upper_layout = QVBoxLayout(upper)
        upper_layout.setContentsMargins(6, 6, 6, 0)
        upper_layout.addLayout(top)
        upper_layout.addWidget(self.meta)
        upper_layout.addWidget(self.transcript)
        upper_layout.addWidget(self.customer_title)
        upper_layout.addWidget(self.customer)
        upper_layout.addWidget(self.hint)
        upper_layout.addWidget(QLabel("<b>你的回复</b>"))
        upper_layout.addWidget(self.reply, 1)
        upper_layout.addLayout(actions)
        self.split = split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(upper)
        split.addWidget(self.result)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(split)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(self.submit)
        self._set_enabled(False)
        self.customer.setText("知识库加载完成后即可开始练习。")

    # ---- wiring -----------------------------------------------------------------------------------
    def set_trainee(self, trainee: Any) -> None:
        """Load the drills of the trainee's workspace, keeping the current drill when it still exists."""
        self.trainee = trainee
        current = self.current_drill()
        self.drills = list(trainee.library.drills)
        self.picker.blockSignals(True)
        self.picker.clear()
        for drill in self.drills:
            turns = f"({drill.replies_needed}轮)" if drill.is_conversation else ""
            self.picker.addItem(f"{drill.type} · {drill.title}{turns}")
        self.picker.blockSignals(False)
        if not self.drills:
            self._set_enabled(False)
            self.meta.setText("")
            self.customer.setText(
                "还没有练习题。知识管理员可以在 scripts_library/drills.yaml 里添加(格式见 docs/authoring.md)。"
            )
            return
        self._set_enabled(True)
        ids = [d.id for d in self.drills]
        self.picker.setCurrentIndex(ids.index(current.id) if current is not None and current.id in ids else 0)
        self._show_drill()

    def current_drill(self) -> Drill | None:
        """The drill being practised, or None."""
        row = self.picker.currentIndex()
        return self.drills[row] if 0 <= row < len(self.drills) else None

    def select_drill(self, drill_id: str) -> None:
        """Switch to a drill by id."""
        for row, drill in enumerate(self.drills):
            if drill.id == drill_id:
                self.picker.setCurrentIndex(row)
                return

    def next_drill(self) -> None:
        """The next drill in the list (wrapping)."""
        if self.drills:
            self.picker.setCurrentIndex((self.picker.currentIndex() + 1) % len(self.drills))

    def try_again(self) -> None:
        """Start the drill over: the conversation, the reply and the result are cleared."""
        self._show_drill()
        self.reply.setFocus()

    def _set_enabled(self, on: bool) -> None:
        for widget in (self.picker, self.next_button, self.reply, self.submit_button, self.again_button):
            widget.setEnabled(on)

    def _split_at(self, share: float) -> None:
        """Give the customer and the reply `share` of the height, the result the rest."""
        total = sum(self.split.sizes())
        if total:
            self.split.setSizes([int(total * share), total - int(total * share)])

    def _show_drill(self) -> None:
        # No focus change: loading drills must not pull the cursor out of the search box.
        drill = self.current_drill()
        if drill is None or self.trainee is None:
            return
        self._seq += 1
        self.conversation = self.trainee.conversation(drill)
        self.score = None
        self.reply.clear()
        self.result.clear()
        self.transcript.clear()
        self.transcript.setVisible(False)
        self.customer.setText(drill.message)
        self.customer_title.setText("<b>客户说</b>")
        self._show_meta()
        self._show_hint()
        self.submit_button.setEnabled(True)
        self.reply.setEnabled(True)
        self._split_at(0.7)

    def _show_meta(self) -> None:
        drill, conversation = self.current_drill(), self.conversation
        if drill is None or conversation is None:
            return
        parts = [f"类型:{drill.type}", f"客户:{drill.audience}", f"渠道:{drill.channel}"]
        if drill.is_conversation and drill.persona is not None:
            patience = "●" * max(0, conversation.patience) + "○" * max(
                0, drill.persona.patience - conversation.patience
            )
            parts.insert(0, f"{drill.persona.name}")
            parts.append(f"情绪:{EMOTIONS.label(conversation.mood)}")
            parts.append(f"耐心 {patience}")
            parts.append(f"第 {min(conversation.index + 1, drill.replies_needed)}/{drill.replies_needed} 轮")
        elif drill.emotion:
            parts.append(f"情绪:{EMOTIONS.label(drill.emotion)}")
        self.meta.setText(" · ".join(parts))

    def _show_hint(self) -> None:
        hint = self.conversation.hint if self.conversation is not None else ""
        self.hint.setText(f"提示:{hint}" if hint else "")
        self.hint.setVisible(bool(hint))

    # ---- scoring ----------------------------------------------------------------------------------
    def submit(self) -> None:
        """Score the reply off the UI thread; the customer answers when the result is back."""
        conversation, drill = self.conversation, self.current_drill()
        if conversation is None or drill is None or conversation.finished or not self.submit_button.isEnabled():
            return
        self._seq += 1
        seq = self._seq
        reply = self.reply.toPlainText()
        trainee = self.trainee
        self.submit_button.setEnabled(False)
        self.result.setHtml("<p style='color:#888'>正在评分…</p>")

        def run() -> tuple[TurnResult, Score | None]:
            turn = conversation.answer(reply)
            if not conversation.finished:
                return turn, None
            overall = conversation.result()
            trainee.record(drill, overall, conversation.turns)
            return turn, overall

        self.runner.submit(run, lambda result: self._show_turn(seq, *result), lambda msg: self._failed(seq, msg))

    def _failed(self, seq: int, message: str) -> None:
        self.submit_button.setEnabled(True)
        if seq == self._seq:
            self.result.setHtml(f"<p style='color:#c62828'>评分失败:{html.escape(message)}</p>")

    def _show_turn(self, seq: int, turn: TurnResult, overall: Score | None) -> None:
        if seq != self._seq or self.conversation is None:
            return
        drill = self.current_drill()
        self.score = overall or turn.score
        if drill is not None and drill.is_conversation:
            self._add_exchange(turn)
            self.turn_scored.emit(turn)
        if overall is None:  # the customer answers: the next message to reply to
            self.customer.setText(turn.next_message)
            self.customer_title.setText(f"<b>客户说(第 {turn.index + 2} 轮)</b>")
            self.result.setHtml(turn_html(turn))
            self.reply.clear()
            self.submit_button.setEnabled(True)
            self._show_meta()
            self._show_hint()
            self.reply.setFocus()
            return
        self._show_meta()
        if drill is not None and drill.is_conversation:
            self.customer_title.setText("<b>对话结束</b>")
            self.customer.setText(turn.next_message or "客户结束了对话。")
            self.hint.setVisible(False)
            self.result.setHtml(conversation_html(self.conversation.turns, overall))
        else:
            self.result.setHtml(score_html(overall))
        self.submit_button.setEnabled(False)
        self._split_at(0.4)  # the feedback is what there is to read now: give it most of the height
        self.scored.emit(overall)
        self.recorded.emit()

    def _add_exchange(self, turn: TurnResult) -> None:
        self.transcript.setVisible(True)
        colour = REACTION_COLORS.get(turn.reaction, "#666")
        self.transcript.append(
            f"<p style='margin:2px 0'><b>客户:</b>{html.escape(turn.message)}</p>"
            f"<p style='margin:2px 0 2px 16px;color:#1f4f8f'><b>我:</b>{html.escape(turn.reply)}</p>"
            f"<p style='margin:0 0 6px 16px;color:{colour}'>{turn.score.total} 分 · {REACTIONS[turn.reaction]}</p>"
        )


def _items_html(score: Score) -> list[str]:
    out = []
    misses = [item for item in score.items if not item.ok]
    hits = [item for item in score.items if item.ok]
    for item in misses + hits:  # what to fix first
        mark, mark_color = ("✓", "#1f9d6b") if item.ok else ("✗", "#c62828")
        if item.max_points:
            points = f"{item.points:g}/{item.max_points:g}"
        elif item.kind == "critical":
            points = "关键项" if not item.ok else "通过"
        else:  # a check that only takes points away (禁忌话术, 隐私 …)
            points = f"扣 {-item.points:g} 分" if item.points < 0 else "不扣分"
        out.append(
            f"<p style='margin:4px 0'><span style='color:{mark_color};font-weight:bold'>{mark}</span> "
            f"<b>{html.escape(item.name)}</b> <span style='color:#888'>{points}</span><br>"
            f"{html.escape(item.why)}"
        )
        if item.better and not item.ok:
            out.append(f"<br><span style='color:#1f6f4a'>更好的说法:{html.escape(item.better)}</span>")
        out.append("</p>")
    return out


def _total_html(score: Score, label: str = "") -> str:
    color = GRADE_COLORS.get(score.grade, "#333")
    capped = (
        f" <span style='color:#c62828'>(关键项:{html.escape('、'.join(score.capped_by))})</span>"
        if score.capped_by
        else ""
    )
    return (
        f"<p>{label}<span style='font-size:20px;font-weight:bold;color:{color}'>{score.total} 分</span>"
        f" <span style='color:{color};font-weight:bold'>{html.escape(score.grade)}</span>{capped}</p>"
    )


def score_html(score: Score) -> str:
    """The score as rich text: total and grade, then each item with ✓/✗, points, why and better phrasing."""
    out = [_total_html(score), *_items_html(score)]
    if score.model_answer:
        answer = html.escape(score.model_answer).replace("\n", "<br>")
        out.append(f"<p style='margin-top:10px'><b>参考答案</b><br><span style='color:#444'>{answer}</span></p>")
    return "".join(out)


def turn_html(turn: TurnResult) -> str:
    """One reply of a conversation: how the customer took it and why, then its items and model answer."""
    colour = REACTION_COLORS.get(turn.reaction, "#666")
    head = (
        f"<p style='color:{colour};font-weight:bold'>客户{REACTIONS[turn.reaction]}:"
        f"<span style='font-weight:normal'>{html.escape(turn.why)}</span></p>"
    )
    return head + score_html(turn.score).replace("<p>", f"<p>第 {turn.index + 1} 轮 ", 1)


def conversation_html(turns: list[TurnResult], overall: Score) -> str:
    """The whole conversation: the overall score and items, then each turn in short."""
    out = [_total_html(overall, "整段对话 ")]
    for t in turns:
        colour = REACTION_COLORS.get(t.reaction, "#666")
        out.append(
            f"<p style='margin:2px 0'>第 {t.index + 1} 轮 {t.score.total} 分 · "
            f"<span style='color:{colour}'>{REACTIONS[t.reaction]}</span>:{html.escape(t.why)}</p>"
        )
    out.extend(_items_html(overall))
    for t in turns:
        if t.score.model_answer:
            answer = html.escape(t.score.model_answer).replace("\n", "<br>")
            out.append(
                f"<p style='margin-top:8px'><b>第 {t.index + 1} 轮参考答案</b><br>"
                f"<span style='color:#444'>{answer}</span></p>"
            )
    return "".join(out)
