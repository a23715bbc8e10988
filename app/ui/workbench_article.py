"""The article editor: front matter as a form, the body with section templates, lint underlines and a live
sanitized preview (rendered off the UI thread, only changed sections re-rendered)."""

from __future__ import annotations

import datetime as _dt
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app.core.authoring.forms import MAX_SIMILAR, SECTION_TEMPLATES, ArticleForm, article_form, article_text
from app.core.authoring.preview import PreviewRenderer
from app.core.authoring.slugs import derive_id
from app.core.vocab import ARCHIVED, ARTICLE_TYPES, AUDIENCES, CHANNELS, DRAFT, PUBLISHED, STATUSES
from app.ui.workbench_widgets import CheckedEditor, LintList, ListEditor

PREVIEW_MS = 150  # debounce: typing never waits for the preview
NARROW = 700
REVIEW_DAYS = 180


def _split(text: str) -> list[str]:
    return [t.strip() for t in text.replace(",", ",").replace("、", ",").split(",") if t.strip()]


class ArticleEditor(QWidget):
    """Edits one article; `file_text()` is the file as it would be saved (round-trip: untouched fields kept)."""

    changed = Signal()
    previewed = Signal(float)  # milliseconds from the (debounced) render request to the preview on screen

    def __init__(self, runner: Any, parent: QWidget | None = None):
        super().__init__(parent)
        self.runner = runner
        self.original = ""
        self.is_new = True
        self.published_once = False
        self.taken: set[str] = set()
        self._loading = False
        self._preview_seq = 0
        self.renderer = PreviewRenderer()

        self.title = QLineEdit()
        self.title.setPlaceholderText("客户会怎么问?例如:退款多久到账?")
        self.item_id = QLineEdit()
        self.item_id.setPlaceholderText("由标题自动生成(拼音)")
        self.id_note = QLabel("")
        self.id_note.setStyleSheet("color:#888")
        self.category = QComboBox()
        self.category.setEditable(True)
        self.category.lineEdit().setPlaceholderText("选择或输入新分类")
        self.type = QComboBox()
        self.type.addItems(list(ARTICLE_TYPES))
        self.status = QComboBox()
        for key in (DRAFT, PUBLISHED, ARCHIVED):
            self.status.addItem(STATUSES.label(key), key)
        self.tags = QLineEdit()
        self.tags.setPlaceholderText("用逗号分隔,例如:退款, 到账")
        self.similar = ListEditor("输入一个相似问法,回车添加", MAX_SIMILAR)
        self.audiences = {key: QCheckBox(key) for key in AUDIENCES}
        self.channels = {key: QCheckBox(key) for key in CHANNELS}
        self.owner = QLineEdit()
        self.owner.setPlaceholderText("负责人(核实此文的人)")
        self.review_by = QLineEdit()
        self.review_by.setPlaceholderText("复核日期,如 2027-04-01")
        verified = QPushButton("已核实(+半年)")
        verified.setToolTip("把复核日期设为今天起 180 天后")
        verified.clicked.connect(self.mark_verified)
        self.state = QLabel("")

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow("标题", self.title)
        id_row = QHBoxLayout()
        id_row.addWidget(self.item_id, 1)
        id_row.addWidget(self.id_note)
        form.addRow("ID", id_row)
        row = QHBoxLayout()
        row.addWidget(self.category, 2)
        row.addWidget(QLabel("类型"))
        row.addWidget(self.type, 1)
        row.addWidget(QLabel("状态"))
        row.addWidget(self.status, 1)
        form.addRow("分类", row)
        form.addRow("标签", self.tags)
        form.addRow("相似问法", self.similar)
        who = QHBoxLayout()
        for box in self.audiences.values():
            who.addWidget(box)
        who.addSpacing(12)
        for box in self.channels.values():
            who.addWidget(box)
        who.addStretch(1)
        form.addRow("客户/渠道", who)
        verify = QHBoxLayout()
        verify.addWidget(self.owner, 1)
        verify.addWidget(self.review_by, 1)
        verify.addWidget(verified)
        form.addRow("核实", verify)
        form.addRow("流程", self.state)
        form_box = QWidget()
        form_box.setLayout(form)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(form_box)

        self.body = CheckedEditor("正文(Markdown):用下面的按钮插入 结论 / 说明 / 操作步骤 / 常见误区")
        sections = QHBoxLayout()
        for name in SECTION_TEMPLATES:
            button = QPushButton(name)
            button.setObjectName(f"section-{name}")
            button.clicked.connect(lambda _=False, n=name: self.insert_section(n))
            sections.addWidget(button)
        sections.addStretch(1)
        self.preview = QTextBrowser()
        self.preview.setOpenLinks(False)
        self.preview.setOpenExternalLinks(False)
        self.lint_list = LintList()
        self.lint_list.setMaximumHeight(100)
        self.lint_list.hide()
        body_box = QWidget()
        body_layout = QVBoxLayout(body_box)
        body_layout.setContentsMargins(0, 0, 0, 0)
        body_layout.addLayout(sections)
        body_layout.addWidget(self.body, 1)
        body_layout.addWidget(self.lint_list)
        preview_box = QWidget()
        preview_layout = QVBoxLayout(preview_box)
        preview_layout.setContentsMargins(0, 0, 0, 0)
        preview_layout.addWidget(QLabel("<b>预览</b> <span style='color:#888'>(坐席看到的样子)</span>"))
        preview_layout.addWidget(self.preview, 1)
        self.body_split = QSplitter(Qt.Orientation.Horizontal)
        self.body_split.addWidget(body_box)
        self.body_split.addWidget(preview_box)
        self.body_split.setChildrenCollapsible(False)
        outer = QSplitter(Qt.Orientation.Vertical)
        outer.addWidget(scroll)
        outer.addWidget(self.body_split)
        outer.setStretchFactor(0, 2)
        outer.setStretchFactor(1, 3)
        outer.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(outer)

        self.preview_timer = QTimer(self)
        self.preview_timer.setSingleShot(True)
        self.preview_timer.setInterval(PREVIEW_MS)
        self.preview_timer.timeout.connect(self.render_preview)
        self.title.textChanged.connect(self._title_changed)
        for widget in (self.item_id, self.tags, self.owner, self.review_by):
            widget.textChanged.connect(self._edited)
        self.category.currentTextChanged.connect(self._edited)
        self.type.currentIndexChanged.connect(self._edited)
        self.status.currentIndexChanged.connect(self._edited)
        self.similar.changed.connect(self._edited)
        for box in (*self.audiences.values(), *self.channels.values()):
            box.toggled.connect(self._edited)
        self.body.textChanged.connect(self._body_changed)

    # ---- loading -------------------------------------------------------------------------------------
    def load(self, text: str, categories: list[str], taken: set[str], is_new: bool, published_once: bool) -> None:
        """Show an article's text (a new one: `is_new`, its id still follows the title)."""
        self._loading = True
        try:
            form = article_form(text) if text else ArticleForm()
            self.original = text
            self.is_new = is_new
            self.published_once = published_once
            self.taken = set(taken)
            self.category.clear()
            self.category.addItems(categories)
            self.set_form(form)
        finally:
            self._loading = False
        self.render_preview()

    def set_form(self, form: ArticleForm) -> None:
        """Fill the widgets from a form."""
        loading, self._loading = self._loading, True
        self.title.setText(form.title)
        self.item_id.setText(form.id)
        self.item_id.setReadOnly(self.published_once)
        self.id_note.setText("已发布,ID 固定" if self.published_once else "新条目:随标题生成")
        self.category.setCurrentText(form.category)
        self.type.setCurrentText(form.type if form.type in ARTICLE_TYPES else ARTICLE_TYPES[0])
        self.status.setCurrentIndex(max(0, self.status.findData(form.status)))
        self.tags.setText(", ".join(form.tags))
        self.similar.set_values(form.similar)
        for key, box in self.audiences.items():
            box.setChecked(key in form.audiences)
        for key, box in self.channels.items():
            box.setChecked(key in form.channels)
        self.owner.setText(form.owner)
        self.review_by.setText(form.review_by)
        self._form_extra = (form.updated, form.related)
        self.body.setPlainText(form.body)
        self._loading = loading

    def form(self) -> ArticleForm:
        """The form as the widgets hold it now."""
        updated, related = getattr(self, "_form_extra", ("", []))
        return ArticleForm(
            id=self.item_id.text().strip(),
            title=self.title.text().strip(),
            category=self.category.currentText().strip(),
            type=self.type.currentText(),
            tags=_split(self.tags.text()),
            similar=self.similar.values(),
            audiences=[k for k, b in self.audiences.items() if b.isChecked()],
            channels=[k for k, b in self.channels.items() if b.isChecked()],
            owner=self.owner.text().strip(),
            status=self.status.currentData() or DRAFT,
            review_by=self.review_by.text().strip(),
            updated=updated,
            related=list(related),
            body=self.body.toPlainText(),
        )

    def file_text(self) -> str:
        """The article file as it would be saved (only changed fields differ from the original)."""
        return article_text(self.form(), self.original)

    # ---- editing -------------------------------------------------------------------------------------
    def _title_changed(self, title: str) -> None:
        if not self._loading and self.is_new and not self.published_once:
            self.item_id.setText(derive_id(title, self.taken) if title.strip() else "")
        self._edited()

    def _edited(self, *_args: Any) -> None:
        if not self._loading:
            self.changed.emit()

    def _body_changed(self) -> None:
        self.preview_timer.start()
        self._edited()

    def insert_section(self, name: str) -> None:
        """Insert a section heading and its hint at the cursor (on its own line), as one undo step."""
        cursor = self.body.textCursor()
        cursor.beginEditBlock()
        if cursor.positionInBlock() > 0:
            cursor.insertText("\n")
        cursor.insertText(f"## {name}\n")
        cursor.insertText(SECTION_TEMPLATES[name] + "\n")
        cursor.endEditBlock()
        self.body.setTextCursor(cursor)
        self.body.setFocus()

    def mark_verified(self) -> None:
        """The article was checked today: the next review is due in half a year."""
        self.review_by.setText((_dt.date.today() + _dt.timedelta(days=REVIEW_DAYS)).isoformat())

    def add_similar(self, questions: list[str]) -> None:
        """Append 相似问法 (e.g. merged from a near-duplicate)."""
        for question in questions:
            self.similar.add(question)

    # ---- preview -------------------------------------------------------------------------------------
    def render_preview(self) -> None:
        """Render the body off the UI thread; only the newest render is shown."""
        self.preview_timer.stop()
        self._preview_seq += 1
        seq, body, renderer = self._preview_seq, self.body.toPlainText(), self.renderer
        started = _now()
        self.runner.submit(lambda: renderer.render(body), lambda html: self._show_preview(seq, html, started))

    def _show_preview(self, seq: int, html: str, started: float) -> None:
        if seq != self._preview_seq:
            return
        self.preview.setHtml(html)
        self.previewed.emit((_now() - started) * 1000)

    # ---- lint ----------------------------------------------------------------------------------------
    def show_lint(self, report: Any) -> None:
        """Underline the body's findings and list every problem."""
        self.body.set_findings(report.in_field("body"))
        self.lint_list.show_report(report)

    def set_state(self, text: str) -> None:
        """The workflow line (草稿 / 待审核 / 已发布 …)."""
        self.state.setText(text)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        wanted = Qt.Orientation.Vertical if event.size().width() < NARROW else Qt.Orientation.Horizontal
        if self.body_split.orientation() != wanted:
            self.body_split.setOrientation(wanted)
        super().resizeEvent(event)


def _now() -> float:
    import time

    return time.perf_counter()
