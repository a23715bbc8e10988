"""The 数据看板 for the knowledge manager: team searches, content gaps with actions, usage, feedback,
问题台账 and the 案例库, all from the share (`core.usage`). Loading runs on the task runner; every action
writes through core functions (atomic content edits, decisions in the local log, uploaded at once)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.core.usage.aggregate import days_before
from app.core.usage.insights import Insights
from app.core.usage.log import UsageLog
from app.core.usage.records import CURATE_CASE
from app.core.usage.report import charts, gap_text
from app.core.vocab import FLAG_KINDS, FLAG_OPEN, FLAG_STATUSES
from app.ui.insights_actions import BoardActions
from app.ui.insights_cases import CaseLibraryView
from app.ui.insights_chart import SvgChart
from app.ui.tasks import TaskRunner

PERIODS = (("最近7天", 7), ("最近30天", 30), ("最近90天", 90))


def _table(headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    header = table.horizontalHeader()
    header.setSectionResizeMode(0, header.ResizeMode.Stretch)
    for col in range(1, len(headers)):
        header.setSectionResizeMode(col, header.ResizeMode.ResizeToContents)
    table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
    table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.verticalHeader().hide()
    table.setWordWrap(True)
    return table


def _fill(table: QTableWidget, rows: list[list[Any]]) -> None:
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            item = QTableWidgetItem(str(value))
            if isinstance(value, (int, float)):
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            table.setItem(r, c, item)


def _scroll(*widgets: QWidget) -> QScrollArea:
    inner = QWidget()
    layout = QVBoxLayout(inner)
    for w in widgets:
        layout.addWidget(w)
    layout.addStretch(1)
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setWidget(inner)
    return area


def _maker(ins: Insights, name: str) -> Callable[[int], str]:
    """The chart `name` of the report, drawn at a given width (each chart redraws at its widget's width)."""
    return lambda width: charts(ins, width, only=name)[name]


class InsightsBoard(BoardActions, QWidget):
    """数据看板. Call `set_context(share, workspace)`, then `refresh()`; `content_changed` after a content edit."""

    content_changed = Signal()
    article_created = Signal(str)  # path of a new draft article (relative to the content root): open it to edit
    status = Signal(str)
    loaded = Signal()

    def __init__(self, runner: TaskRunner, home: Path | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.runner = runner
        self.home = home
        self.log = UsageLog(home)
        self.share: Path | None = None
        self.workspace: Any = None
        self.insights: Insights | None = None
        self.retention_days = 90
        self._seq = 0

        self.period = QComboBox()
        for label, _days in PERIODS:
            self.period.addItem(label)
        self.period.setCurrentIndex(1)
        self.period.currentIndexChanged.connect(lambda _i: self.refresh())
        refresh = QPushButton("刷新")
        refresh.clicked.connect(self.refresh)
        export = QPushButton("导出报告…")
        export.setToolTip("导出为 HTML 报告(含图表),可直接发给主管")
        export.clicked.connect(self.export_html)
        top = QHBoxLayout()
        top.addWidget(self.period)
        top.addWidget(refresh)
        top.addStretch(1)
        top.addWidget(export)
        self.summary = QLabel("正在读取团队数据…")
        self.summary.setWordWrap(True)

        self.chart_searches = SvgChart()
        self.chart_rates = SvgChart()
        overview = _scroll(self.chart_searches, self.chart_rates)

        self.gaps = _table(["问题(规范化)", "坐席", "次数", "无结果", "无点击"])
        self.gap_note = QLabel("")
        self.gap_note.setWordWrap(True)
        self.gap_note.setStyleSheet("color:#666")
        self.gap_buttons: list[QPushButton] = []
        gap_tab = self._with_buttons(
            self.gaps,
            [("新建文章", self.gap_new_article), ("加为相似问法…", self.gap_add_similar), ("忽略", self.gap_ignore)],
            self.gap_note,
            self.gap_buttons,
        )

        self.suggestions = _table(["说法", "文章", "坐席", "次数"])
        self.suggestion_note = QLabel("")
        self.suggestion_note.setWordWrap(True)
        self.suggestion_note.setStyleSheet("color:#666")
        suggestion_tab = self._with_buttons(
            self.suggestions,
            [("采纳为相似问法", self.suggestion_approve), ("拒绝", self.suggestion_reject)],
            self.suggestion_note,
        )

        self.opened = _table(["最常打开的文章", "打开", "坐席"])
        self.copied = _table(["最常复制的话术", "复制", "坐席"])
        self.stale = _table(["过期待复核(按打开次数)", "打开", "复核日期"])
        self.unused = _table(["60天无人查看的文章", "分类"])
        for t in (self.opened, self.copied, self.stale, self.unused):
            t.setMinimumHeight(180)
        articles_tab = _scroll(self.opened, self.copied, self.stale, self.unused)

        self.flags = _table(["文章", "反馈", "类型", "状态"])
        flags_tab = self._with_buttons(
            self.flags, [("标记已处理…", self.flag_resolve), ("不需修改…", self.flag_dismiss)]
        )

        self.chart_drafts = SvgChart()
        self.chart_weeks = SvgChart()
        self.chart_categories = SvgChart()
        self.topics = _table(["高频话题", "坐席", "搜索"])
        self.voice = _table(["客户建议(已脱敏、去重)", "次数", "最近"])
        for t in (self.topics, self.voice):
            t.setMinimumHeight(200)
        export_voice = QPushButton("导出客户建议(CSV)…")
        export_voice.clicked.connect(self.export_voice)
        ledger_tab = _scroll(
            self.chart_drafts, self.chart_weeks, self.chart_categories, self.topics, self.voice, export_voice
        )

        self.cases = CaseLibraryView(manager=True)
        self.cases.curate.connect(lambda case_id, value: self._decide(CURATE_CASE, case_id, value, "已更新案例"))
        self.cases.export_drills.connect(self.export_case_drills)

        self.tabs = QTabWidget()
        self.tabs.setUsesScrollButtons(True)
        self.tabs.addTab(overview, "概览")
        self.tabs.addTab(gap_tab, "内容缺口")
        self.tabs.addTab(suggestion_tab, "相似问法建议")
        self.tabs.addTab(articles_tab, "文章使用")
        self.tabs.addTab(flags_tab, "坐席反馈")
        self.tabs.addTab(ledger_tab, "问题台账")
        self.tabs.addTab(self.cases, "案例库")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(self.tabs, 1)

    @staticmethod
    def _with_buttons(
        table: QTableWidget,
        actions: list[tuple[str, Callable[[], None]]],
        note: QLabel | None = None,
        made: list[QPushButton] | None = None,
    ) -> QWidget:
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(table, 1)
        if note is not None:
            layout.addWidget(note)
        row = QHBoxLayout()
        for label, fn in actions:
            button = QPushButton(label)
            button.clicked.connect(fn)
            row.addWidget(button)
            if made is not None:
                made.append(button)
        row.addStretch(1)
        layout.addLayout(row)
        return box

    # ---- loading -----------------------------------------------------------------------------
    def set_context(self, share: Path | None, workspace: Any, retention_days: int = 90) -> None:
        """The shared folder and the loaded workspace (content for titles, the index for picking articles)."""
        self.share = share
        self.workspace = workspace
        self.retention_days = retention_days

    def period_days(self) -> int:
        """How many days the chosen period covers."""
        return PERIODS[self.period.currentIndex()][1]

    def refresh(self) -> None:
        """Read the share (only what changed since last time) and rebuild every section, off the UI thread."""
        if self.share is None:
            self.summary.setText("未设置团队共享文件夹:在 设置 中选择后,这里会显示全队的搜索与反馈。")
            return
        from app.core.usage.team import index_top_hit, load_insights

        self._seq += 1
        seq = self._seq
        share, content, log = self.share, self.workspace.content if self.workspace else None, self.log
        until = dt.date.today().isoformat()
        since = days_before(until, self.period_days() - 1)
        retention = self.retention_days
        index = getattr(self.workspace, "index", None)
        top_hit = index_top_hit(index) if index is not None else None
        self.summary.setText("正在读取团队数据…")
        self.runner.submit(
            lambda: load_insights(share, content, since, until, log, retention, top_hit),
            lambda loaded: self._show(seq, loaded),
            lambda message: self.summary.setText(f"团队数据读取失败:{message}"),
        )

    def _show(self, seq: int, loaded: Any) -> None:
        if seq != self._seq:
            return
        ins: Insights = loaded.insights
        self.insights = ins
        t = ins.totals
        s = t.get("searches", 0)

        def pct(n: int) -> str:
            return f"{n / s * 100:.1f}%" if s else "—"

        errors = f" · {len(ins.errors)} 个共享文件无法读取" if ins.errors else ""
        open_flags = sum(1 for f in ins.flags if f.status == FLAG_OPEN)
        self.summary.setText(
            f"{ins.since} ~ {ins.until} · {ins.clients} 位坐席 · 搜索 {s} 次 · 无结果 {pct(t.get('no_result', 0))} · "
            f"无点击 {pct(t.get('no_click', 0))} · 生成回复 {t.get('drafts', 0)} · 待处理反馈 {open_flags}"
            f" · 读取 {loaded.files_read} 个文件 {loaded.seconds:.1f} 秒{errors}"
        )
        for widget, name in (
            (self.chart_searches, "searches"),
            (self.chart_rates, "rates"),
            (self.chart_drafts, "drafts_daily"),
            (self.chart_weeks, "drafts_weekly"),
            (self.chart_categories, "categories"),
        ):
            widget.set_chart(_maker(ins, name))
        _fill(self.gaps, [[gap_text(g), g.agents, g.count, g.no_result, g.no_click] for g in ins.gaps])
        self.gap_note.setText(
            "搜索词规范化后按意思归并;少于3位坐席搜索的问题不显示内容(保护个人隐私)。"
            f"另有 {ins.private_searches} 次搜索含个人信息,只计数,内容不离开坐席电脑。"
        )
        _fill(self.suggestions, [[x.phrase, x.title, x.agents, x.count] for x in ins.suggestions])
        self.suggestion_note.setText(
            "坐席用这些说法搜索后打开并使用了该文章,且60秒内没有再搜索。采纳后写入文章的相似问法(不会自动添加)。"
            + (f" {ins.hidden_suggestions} 条因少于3位坐席而不显示。" if ins.hidden_suggestions else "")
        )
        _fill(self.opened, [[u.title, u.count, u.agents] for u in ins.top_opened])
        _fill(self.copied, [[u.title, u.count, u.agents] for u in ins.top_copied])
        review = {a.id: a.review_by for a in self.workspace.content.articles} if self.workspace else {}
        _fill(self.stale, [[u.title, u.count, review.get(u.id) or ""] for u in ins.stale_hot])
        categories = {a.id: a.category for a in self.workspace.content.articles} if self.workspace else {}
        _fill(self.unused, [[u.title, categories.get(u.id, "")] for u in ins.unused])
        _fill(
            self.flags,
            [
                [
                    f.title or f.article,
                    f.comment or "(无说明)",
                    FLAG_KINDS.label(f.kind),
                    FLAG_STATUSES.label(f.status) + (f":{f.note}" if f.note else ""),
                ]
                for f in ins.flags
            ],
        )
        _fill(self.topics, [[gap_text(g), g.agents, g.count] for g in ins.topics])
        _fill(self.voice, [[v.text, v.count, v.last_day] for v in ins.voice])
        self.cases.set_cases(ins.cases)
        self.loaded.emit()
