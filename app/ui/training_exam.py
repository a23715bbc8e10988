"""「考试」: a fixed set of drills and cards with a countdown, a pass mark and a summary the trainee can export."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app.core.training.cards import CARD_KINDS, ORDER, TRUEFALSE
from app.core.training.exam import ExamResult, ExamSession, summary_markdown

_LETTERS = "ABCDEFG"


class ExamPage(QWidget):
    """Pick an exam, start, answer each item, hand in; the summary can be saved as Markdown."""

    finished = Signal(object)  # the ExamResult
    recorded = Signal()

    def __init__(self, runner: Any, parent: QWidget | None = None):
        super().__init__(parent)
        self.runner = runner
        self.trainee: Any = None
        self.session: ExamSession | None = None
        self.result: ExamResult | None = None
        self.index = 0
        self.answers: dict[int, tuple[str, Any]] = {}  # item → (answer, when it was last changed)
        self.summary_text = ""

        self.picker = QComboBox()
        self.picker.currentIndexChanged.connect(self._show_exam)
        self.start_button = QPushButton("开始考试")
        self.start_button.clicked.connect(self.start)
        top = QHBoxLayout()
        top.addWidget(self.picker, 1)
        top.addWidget(self.start_button)
        self.info = QLabel("")
        self.info.setTextFormat(Qt.TextFormat.PlainText)  # content (titles, drills, cards) shown as text
        self.info.setWordWrap(True)
        self.info.setStyleSheet("color:#666")
        self.clock_label = QLabel("")
        self.clock_label.setStyleSheet("font-weight:bold;color:#2f6fde")
        self.question = QLabel("")
        self.question.setTextFormat(Qt.TextFormat.PlainText)  # content (titles, drills, cards) shown as text
        self.question.setWordWrap(True)
        self.question.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.question.setStyleSheet("QLabel { background:#f1f3f6; border-radius:6px; padding:8px; }")
        self.question.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self.answer = QPlainTextEdit()
        self.answer.setPlaceholderText("写下你的回复或答案")
        self.prev_button = QPushButton("上一题")
        self.next_button = QPushButton("下一题")
        self.hand_in_button = QPushButton("交卷")
        self.prev_button.clicked.connect(lambda: self._go(-1))
        self.next_button.clicked.connect(lambda: self._go(1))
        self.hand_in_button.clicked.connect(self.hand_in)
        nav = QHBoxLayout()
        nav.addWidget(self.prev_button)
        nav.addWidget(self.next_button)
        nav.addStretch(1)
        nav.addWidget(self.hand_in_button)
        self.report = QTextBrowser()
        self.report.setOpenLinks(False)
        self.export_button = QPushButton("导出成绩单…")
        self.export_button.clicked.connect(self._export_dialog)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(top)
        layout.addWidget(self.info)
        layout.addWidget(self.clock_label)
        layout.addWidget(self.question)
        layout.addWidget(self.answer, 1)
        layout.addLayout(nav)
        layout.addWidget(self.report, 1)
        layout.addWidget(self.export_button, 0, Qt.AlignmentFlag.AlignRight)
        self.timer = QTimer(self)
        self.timer.setInterval(1000)
        self.timer.timeout.connect(self._tick)
        self._mode("pick")

    def set_trainee(self, trainee: Any) -> None:
        """List the workspace's exams (an exam in progress is kept)."""
        self.trainee = trainee
        if self.session is not None:
            return
        self.picker.blockSignals(True)
        self.picker.clear()
        for exam in trainee.library.exams:
            self.picker.addItem(exam.title)
        self.picker.blockSignals(False)
        self._show_exam()

    def _mode(self, mode: str) -> None:
        sitting = mode == "sit"
        for widget in (self.question, self.answer, self.prev_button, self.next_button, self.hand_in_button):
            widget.setVisible(sitting)
        self.clock_label.setVisible(sitting)
        self.report.setVisible(mode == "done")
        self.export_button.setVisible(mode == "done")
        self.picker.setEnabled(not sitting)
        self.start_button.setEnabled(not sitting and bool(self.trainee and self.trainee.library.exams))

    def _show_exam(self) -> None:
        exams = self.trainee.library.exams if self.trainee is not None else []
        row = self.picker.currentIndex()
        if not exams or not 0 <= row < len(exams):
            self.info.setText("还没有考试。知识管理员可在 scripts_library/training/settings.yaml 的 exams: 里添加。")
            self.start_button.setEnabled(False)
            return
        exam = exams[row]
        limit = f"限时 {exam.time_limit_min} 分钟" if exam.time_limit_min else "不限时"
        self.info.setText(
            f"{len(exam.items)} 题({len(exam.drills)} 道演练、{len(exam.cards)} 张卡片) · {limit}"
            f" · 及格 {exam.pass_mark} 分" + (f"<br>{html.escape(exam.note)}" if exam.note else "")
        )
        self.start_button.setEnabled(True)

    def start(self) -> None:
        """Begin the chosen exam now."""
        if self.trainee is None or not self.trainee.library.exams:
            return
        exam = self.trainee.library.exams[self.picker.currentIndex()]
        trainee = self.trainee
        self.start_button.setEnabled(False)
        # The first exam of a load builds the cards of the whole knowledge base: not on the UI thread.
        self.runner.submit(lambda: trainee.exam_session(exam), self._started, self._failed)

    def _started(self, session: ExamSession) -> None:
        self.session = session
        self.result = None
        self.answers = {}
        self.index = 0
        self._mode("sit")
        self._show_item()
        self._tick()
        if self.session.deadline is not None:
            self.timer.start()

    def _tick(self) -> None:
        if self.session is None:
            return
        left = self.session.remaining()
        if left is None:
            self.clock_label.setText(f"第 {self.index + 1}/{len(self.session.items)} 题 · 不限时")
            return
        minutes, seconds = divmod(left, 60)
        self.clock_label.setText(f"第 {self.index + 1}/{len(self.session.items)} 题 · 剩余 {minutes:02d}:{seconds:02d}")
        if left == 0 and self.hand_in_button.isEnabled():
            self.clock_label.setStyleSheet("font-weight:bold;color:#c62828")
            self.hand_in()  # time is up: hand in what was written in time

    def _show_item(self) -> None:
        session = self.session
        if session is None or not session.items:
            return
        item = session.items[self.index]
        if item.kind == "drill":
            drill = session.drills[item.id]
            text = f"<b>演练 · {html.escape(drill.title)}</b><br>{html.escape(drill.message).replace(chr(10), '<br>')}"
            self.answer.setPlaceholderText("像真实接待一样写下你的回复")
        else:
            card = session.cards[item.id]
            text = f"<b>卡片 · {CARD_KINDS[card.kind]}</b><br>{html.escape(card.prompt)}"
            if card.kind == ORDER:
                steps = "".join(
                    f"<br>{_LETTERS[n]}. {html.escape(card.steps[i])}" for n, i in enumerate(card.shuffled())
                )
                text += steps
                self.answer.setPlaceholderText("按正确顺序输入字母,如 " + _LETTERS[: len(card.steps)][::-1])
            elif card.kind == TRUEFALSE:
                self.answer.setPlaceholderText("对 / 错")
            else:
                self.answer.setPlaceholderText("写出关键信息")
        self.question.setText(text)
        self.answer.setPlainText(self.answers.get(self.index, ("", None))[0])
        self.prev_button.setEnabled(self.index > 0)
        self.next_button.setEnabled(self.index < len(session.items) - 1)
        self._tick()
        self.answer.setFocus()

    def _keep(self) -> None:
        """Remember the answer on screen, and when it changed (an answer changed after the time limit is late)."""
        if self.session is None or self.trainee is None:
            return
        text = self.answer.toPlainText()
        if text != self.answers.get(self.index, ("", None))[0]:
            self.answers[self.index] = (text, self.trainee.clock())

    def _go(self, step: int) -> None:
        if self.session is None:
            return
        self._keep()
        self.index = max(0, min(len(self.session.items) - 1, self.index + step))
        self._show_item()

    def hand_in(self) -> None:
        """Score every answer (off the UI thread), log the result and show the summary."""
        session, trainee = self.session, self.trainee
        if session is None or trainee is None:
            return
        self._keep()
        self.timer.stop()
        self.hand_in_button.setEnabled(False)
        answers = dict(self.answers)
        self.clock_label.setText("正在评分…")

        def run() -> tuple[ExamResult, str]:
            # Each answer counts as given when it was last changed: one changed after the time limit scores 0.
            for index, (text, when) in answers.items():
                if text.strip():
                    session.answer(index, text, when)
            result = trainee.finish_exam(session)
            return result, summary_markdown(result, trainee.store.display_name(), session)

        self.runner.submit(run, self._show_result, self._failed)

    def _failed(self, message: str) -> None:
        self.hand_in_button.setEnabled(True)
        self.clock_label.setText(f"交卷失败:{message}")

    def _show_result(self, result: tuple[ExamResult, str]) -> None:
        self.result, self.summary_text = result
        self.session = None
        self.hand_in_button.setEnabled(True)
        self.report.setMarkdown(self.summary_text)
        self._mode("done")
        self.finished.emit(self.result)
        self.recorded.emit()

    def export_to(self, path: Path) -> None:
        """Save the summary as Markdown."""
        Path(path).write_text(self.summary_text, encoding="utf-8")

    def _export_dialog(self) -> None:
        if not self.summary_text or self.result is None:
            return
        name = f"{self.result.exam}-{self.result.finished.astimezone():%Y%m%d-%H%M}.md"
        path, _ = QFileDialog.getSaveFileName(self, "导出成绩单", str(Path.home() / name), "Markdown (*.md)")
        if path:
            try:
                self.export_to(Path(path))
            except OSError as exc:
                self.info.setText(f"没能保存:{exc}")
