"""「进度」: the trainee's scores over time (a chart), weak areas, the suggested next drill, exams, sharing."""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QPushButton, QScrollArea, QVBoxLayout, QWidget

from app.core.training.progress import Area, Progress
from app.core.training.settings import OFF, PUBLISH_MODES
from app.ui.training_chart import ScoreChart


def _areas_html(title: str, areas: list[Area], fmt: str, empty: str) -> str:
    if not areas:
        return f"<p><b>{title}</b><br><span style='color:#888'>{empty}</span></p>"
    rows = "".join(
        f"<tr><td>{html.escape(a.name)}</td><td align='right'>{fmt.format(a.average)}</td>"
        f"<td align='right' style='color:#888'>{a.count} 次</td></tr>"
        for a in areas
    )
    return f"<p><b>{title}</b></p><table cellspacing='0' cellpadding='2' width='100%'>{rows}</table>"


class ProgressPage(QWidget):
    """What the trainee has done and what to do next."""

    practise = Signal(str)  # a drill id: 「去练习」
    name_changed = Signal(str)

    def __init__(self, runner: Any, parent: QWidget | None = None):
        super().__init__(parent)
        self.runner = runner
        self.trainee: Any = None
        self.progress: Progress | None = None
        self._seq = 0

        self.summary = QLabel("还没有练习记录。")
        self.summary.setWordWrap(True)
        self.chart = ScoreChart()
        self.suggestion = QLabel("")
        self.suggestion.setWordWrap(True)
        self.go_button = QPushButton("去练习")
        self.go_button.clicked.connect(self._go)
        self.go_button.setEnabled(False)
        suggest = QHBoxLayout()
        suggest.addWidget(self.suggestion, 1)
        suggest.addWidget(self.go_button, 0, Qt.AlignmentFlag.AlignTop)
        self.weak = QLabel("")
        self.weak.setWordWrap(True)
        self.weak.setTextFormat(Qt.TextFormat.RichText)
        self.name = QLineEdit()
        self.name.setPlaceholderText("我的名字(团队实名共享进度时,培训老师看到的名字)")
        self.name.editingFinished.connect(lambda: self.name_changed.emit(self.name.text()))
        self.sharing = QLabel("")
        self.sharing.setWordWrap(True)
        self.sharing.setStyleSheet("color:#666")

        body = QWidget()
        inner = QVBoxLayout(body)
        inner.setContentsMargins(6, 6, 6, 6)
        inner.addWidget(self.summary)
        inner.addWidget(self.chart)
        inner.addLayout(suggest)
        inner.addWidget(self.weak)
        inner.addWidget(QLabel("<b>团队进度共享</b>"))
        inner.addWidget(self.name)
        inner.addWidget(self.sharing)
        inner.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll)

    def set_trainee(self, trainee: Any) -> None:
        """Show this trainee's progress."""
        self.trainee = trainee
        self.name.setText(trainee.store.profile().get("name", "") or "")
        self.refresh()

    def set_sharing(self, text: str) -> None:
        """The line about publishing to the share (set by the training view)."""
        self.sharing.setText(text)

    def refresh(self) -> None:
        """Aggregate the logs off the UI thread and show them."""
        if self.trainee is None:
            return
        self._seq += 1
        seq = self._seq
        trainee = self.trainee

        def run() -> tuple[Progress, Any, list[Any]]:
            deck = trainee.deck()
            return trainee.progress(), deck.stats(trainee.clock()), trainee.exams()

        self.runner.submit(run, lambda result: self._show(seq, *result))

    def _show(self, seq: int, progress: Progress, stats: Any, exams: list[Any]) -> None:
        if seq != self._seq:
            return
        self.progress = progress
        attempts = progress.attempts
        self.chart.set_points([(a.when, a.total) for a in attempts])
        passed = [e for e in exams if e.passed]
        exam_text = f" · 考试 {len(exams)} 次,通过 {len(passed)} 次" if exams else ""
        self.summary.setText(
            f"<b>练习 {len(attempts)} 次</b> · 最近 5 次平均 <b>{progress.recent_average:.0f}</b> 分"
            f" · 卡片待答 {stats.in_queue} 张 / 未学 {stats.new} 张{exam_text}"
        )
        if progress.suggestion is not None:
            self.suggestion.setText(
                f"<b>下一题建议:</b>{html.escape(progress.suggestion.title)}<br>"
                f"<span style='color:#666'>{html.escape(progress.suggestion_why)}</span>"
            )
            self.go_button.setEnabled(True)
        else:
            self.suggestion.setText("")
            self.go_button.setEnabled(False)
        parts = [
            _areas_html("按问题类型(平均分)", progress.by_type, "{:.0f} 分", "做几道演练后这里会显示。"),
            _areas_html("按知识分类(平均分)", progress.by_category, "{:.0f} 分", "—"),
            _areas_html("最常失分的评分项(做到的比例)", progress.by_item[:8], "{:.0%}", "还没有失分项。"),
            _areas_html("卡片答对率(按分类)", progress.quiz_accuracy[:8], "{:.0f}%", "在“卡片”页答几张卡片后显示。"),
        ]
        if exams:
            rows = "".join(
                f"<tr><td>{html.escape(e.title)}</td><td align='right'>{e.total} 分</td>"
                f"<td>{'通过' if e.passed else '未通过'}</td>"
                f"<td style='color:#888'>{e.finished.astimezone():%m-%d %H:%M}</td></tr>"
                for e in exams[-5:]
            )
            parts.append(f"<p><b>考试</b></p><table cellpadding='2' width='100%'>{rows}</table>")
        self.weak.setText("".join(parts))

    def _go(self) -> None:
        if self.progress is not None and self.progress.suggestion is not None:
            self.practise.emit(self.progress.suggestion.id)


def sharing_text(mode: str, share: str, last: str = "") -> str:
    """The 团队进度共享 line: the team's setting, the share, and when this trainee last published."""
    if mode == OFF:
        return "团队没有开启进度共享(知识管理员可在 scripts_library/training/settings.yaml 设置 publish_progress)。"
    if not share:
        return f"团队设置为{PUBLISH_MODES[mode]},但本机没有设置共享文件夹(⚙ 设置)。"
    return f"团队设置为{PUBLISH_MODES[mode]}:练习后自动发布到共享文件夹。" + (f" {last}" if last else "")
