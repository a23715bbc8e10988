"""「练习」: a new hire answers a simulated customer and gets a score with what was wrong, why, and better phrasing."""

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

from app.core.training.scoring import score_reply
from app.core.vocab import EMOTIONS

GRADE_COLORS = {"优秀": "#1f9d6b", "良好": "#2f6fde", "及格": "#b8610a", "需加强": "#c62828"}


class TrainingView(QWidget):
    """Pick a drill, read the customer, type a reply, Ctrl+Enter to score; scoring runs off the UI thread."""

    scored = Signal(object)  # the core Score, once shown

    def __init__(self, runner, parent=None):
        super().__init__(parent)
        self.runner = runner
        self.workspace: Any = None
        self.drills: list[Any] = []
        self.score: Any = None
        self._seq = 0

        self.picker = QComboBox()
        self.picker.currentIndexChanged.connect(self._show_drill)
        self.next_button = QPushButton("下一题")
        self.next_button.clicked.connect(self.next_drill)
        top = QHBoxLayout()
        top.addWidget(self.picker, 1)
        top.addWidget(self.next_button)

        self.meta = QLabel("")
        self.meta.setStyleSheet("color:#666")
        self.meta.setWordWrap(True)
        self.customer = QLabel("")
        self.customer.setWordWrap(True)
        self.customer.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.customer.setStyleSheet("QLabel { background:#f1f3f6; border-radius:6px; padding:8px; }")
        self.hint = QLabel("")
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet("color:#2f6fde")
        for label in (self.meta, self.customer, self.hint):  # the customer's words are never cut off
            label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)

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
        upper_layout.addWidget(QLabel("<b>客户说</b>"))
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
    def set_workspace(self, workspace: Any) -> None:
        """Load the drills of this workspace's content (problems go to the window's 问题 tab)."""
        self.workspace = workspace
        self.drills = list(workspace.training.drills)
        current = self.current_drill()
        self.picker.blockSignals(True)
        self.picker.clear()
        for drill in self.drills:
            self.picker.addItem(f"{drill.type} · {drill.title}")
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

    def current_drill(self) -> Any:
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
        """Clear the reply and the result for another attempt at the same drill."""
        self._reset()
        self.reply.setFocus()

    def _reset(self) -> None:
        # No focus change: loading drills must not pull the cursor out of the search box.
        self._seq += 1
        self.reply.clear()
        self.result.clear()
        self.score = None
        self._split_at(0.7)

    def _split_at(self, share: float) -> None:
        """Give the customer and the reply `share` of the height, the result the rest."""
        total = sum(self.split.sizes())
        if total:
            self.split.setSizes([int(total * share), total - int(total * share)])

    def _set_enabled(self, on: bool) -> None:
        for widget in (self.picker, self.next_button, self.reply, self.submit_button, self.again_button):
            widget.setEnabled(on)

    def _show_drill(self) -> None:
        drill = self.current_drill()
        if drill is None:
            return
        parts = [f"类型:{drill.type}", f"客户:{drill.audience}", f"渠道:{drill.channel}"]
        if drill.emotion:
            parts.append(f"情绪:{EMOTIONS.label(drill.emotion)}")
        self.meta.setText(" · ".join(parts))
        self.customer.setText(drill.message)
        self.hint.setText(f"提示:{drill.hint}" if drill.hint else "")
        self.hint.setVisible(bool(drill.hint))
        self._reset()

    # ---- scoring ----------------------------------------------------------------------------------
    def submit(self) -> None:
        """Score the reply off the UI thread; an older result never replaces a newer attempt's."""
        drill = self.current_drill()
        if drill is None or self.workspace is None:
            return
        self._seq += 1
        seq = self._seq
        reply = self.reply.toPlainText()
        workspace = self.workspace
        content, checker = workspace.content, workspace.checker
        self.submit_button.setEnabled(False)
        self.result.setHtml("<p style='color:#888'>正在评分…</p>")

        def run() -> Any:
            return score_reply(
                drill, reply, content, checker=checker, scoring=workspace.training.scoring, replies=workspace.replies
            )

        self.runner.submit(run, lambda score: self._show_score(seq, score), lambda message: self._failed(seq, message))

    def _failed(self, seq: int, message: str) -> None:
        self.submit_button.setEnabled(True)
        if seq == self._seq:
            self.result.setHtml(f"<p style='color:#c62828'>评分失败:{html.escape(message)}</p>")

    def _show_score(self, seq: int, score: Any) -> None:
        self.submit_button.setEnabled(True)
        if seq != self._seq:
            return
        self.score = score
        self.result.setHtml(score_html(score))
        self._split_at(0.4)  # the feedback is what there is to read now: give it most of the height
        self.scored.emit(score)


def score_html(score: Any) -> str:
    """The score as rich text: total and grade, then each item with ✓/✗, points, why and better phrasing."""
    color = GRADE_COLORS.get(score.grade, "#333")
    out = [
        f"<p><span style='font-size:20px;font-weight:bold;color:{color}'>{score.total} 分</span>"
        f" <span style='color:{color};font-weight:bold'>{html.escape(score.grade)}</span></p>"
    ]
    misses = [item for item in score.items if not item.ok]
    hits = [item for item in score.items if item.ok]
    for item in misses + hits:  # what to fix first
        mark, mark_color = ("✓", "#1f9d6b") if item.ok else ("✗", "#c62828")
        if item.max_points:
            points = f"{item.points:g}/{item.max_points:g}"
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
    if score.model_answer:
        answer = html.escape(score.model_answer).replace("\n", "<br>")
        out.append(f"<p style='margin-top:10px'><b>参考答案</b><br><span style='color:#444'>{answer}</span></p>")
    return "".join(out)
