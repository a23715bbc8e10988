"""「培训看板」 for the 知识管理员 / trainer: who practised, who is due, who is stuck, the team's weakest items."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.core.training.cohort import Cohort, read_cohort

COLUMNS = ("学员", "最近练习", "练习次数", "近期平均", "待复习", "考试", "状态")


class BoardPage(QWidget):
    """The cohort read from the share (off the UI thread), refreshed on demand."""

    def __init__(self, runner: Any, parent: QWidget | None = None):
        super().__init__(parent)
        self.runner = runner
        self.share: Path | None = None
        self.clock: Any = None
        self.cohort: Cohort | None = None
        self._seq = 0
        self.status = QLabel("")
        self.status.setWordWrap(True)
        self.status.setStyleSheet("color:#666")
        self.refresh_button = QPushButton("刷新")
        self.refresh_button.clicked.connect(self.refresh)
        top = QHBoxLayout()
        top.addWidget(self.status, 1)
        top.addWidget(self.refresh_button, 0, Qt.AlignmentFlag.AlignTop)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.weakest = QLabel("")
        self.weakest.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.weakest)

    def set_share(self, share: Path | None, clock: Any, mode_text: str) -> None:
        """Read the cohort from this share (None: no shared folder configured)."""
        self.share, self.clock = share, clock
        if share is None:
            self.status.setText("没有设置团队共享文件夹(⚙ 设置):学员的进度发布在共享文件夹里。")
            self.table.setRowCount(0)
            return
        self.status.setText(f"共享文件夹 {share} · {mode_text}")
        self.refresh()

    def refresh(self) -> None:
        """Read every trainee's published progress again."""
        if self.share is None or self.clock is None:
            return
        self._seq += 1
        seq = self._seq
        share, now = self.share, self.clock()
        self.refresh_button.setEnabled(False)
        self.runner.submit(lambda: read_cohort(share, now), lambda cohort: self._show(seq, cohort), self._failed)

    def _failed(self, message: str) -> None:
        self.refresh_button.setEnabled(True)
        self.status.setText(f"读取失败:{message}")

    def _show(self, seq: int, cohort: Cohort) -> None:
        self.refresh_button.setEnabled(True)
        if seq != self._seq:
            return
        self.cohort = cohort
        self.table.setRowCount(len(cohort.trainees))
        for row, t in enumerate(cohort.trainees):
            cells = (
                t.name,
                f"{t.updated.astimezone():%m-%d %H:%M}",
                str(t.attempts),
                f"{t.recent_average:.0f}",
                str(t.due_now),
                t.last_exam or "未考试",
                f"⚠ {t.stuck}" if t.stuck else "正常",
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column == len(cells) - 1 and t.stuck:
                    item.setForeground(QColor("#c62828"))
                if column == 0 and t.weak:
                    item.setToolTip("常失分:" + "、".join(t.weak))
                self.table.setItem(row, column, item)
        due = sum(1 for t in cohort.trainees if t.due_now)
        stuck = sum(1 for t in cohort.trainees if t.stuck)
        lines = [f"<b>{len(cohort.trainees)} 位学员</b> · {due} 位有到期卡片 · {stuck} 位卡住了"]
        if cohort.weakest:
            items = ";".join(
                f"{html.escape(name)}({count} 人常失分,做到 {right:.0%})" for name, right, count in cohort.weakest[:6]
            )
            lines.append(f"<b>团队最弱的评分项:</b>{items}")
        if not cohort.trainees:
            lines.append("还没有学员发布进度:团队开启 publish_progress 后,学员练习时会自动发布。")
        if cohort.notices:
            lines.append("<span style='color:#b8610a'>" + html.escape(";".join(cohort.notices[:5])) + "</span>")
        self.weakest.setText("<br>".join(lines))
