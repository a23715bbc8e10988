"""The reply builder: customer message → triage chips → template slots → checked draft → guarded copy."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QContextMenuEvent,
    QGuiApplication,
    QHelpEvent,
    QKeySequence,
    QShortcut,
    QTextCharFormat,
    QTextCursor,
)
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QTextEdit,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from app.core.content.model import Script
from app.core.content.placeholders import find_placeholders
from app.core.vocab import (
    AUDIENCES,
    CHANNELS,
    COMPLAINT,
    EMOTIONS,
    FAULT,
    FOREIGN,
    GENERAL_TYPE,
    HIGH,
    INQUIRY,
    NEUTRAL,
    PRIORITIES,
    SUGGESTION,
)

LEVEL_COLORS = {"error": "#d93025", "warning": "#e8a200", "suggestion": "#1a73e8"}
LEVEL_NAMES = {"error": "错误", "warning": "警告", "suggestion": "建议"}
TYPE_COLORS = {INQUIRY: "#1a73e8", COMPLAINT: "#d93025", SUGGESTION: "#188038", FAULT: "#e37400"}


def to_qt(text: str, index: int) -> int:
    """A Python character offset as a Qt text position: characters beyond the BMP (emoji) count twice in Qt."""
    return index + sum(1 for ch in text[:index] if ord(ch) > 0xFFFF)


def from_qt(text: str, position: int) -> int:
    """A Qt text position as a Python character offset."""
    units = 0
    for index, ch in enumerate(text):
        if units >= position:
            return index
        units += 2 if ord(ch) > 0xFFFF else 1
    return len(text)


def finding_tip(finding: Any) -> str:
    """What hovering a finding shows: level, reason, message and the suggested replacements."""
    tip = f"{LEVEL_NAMES.get(finding.level, finding.level)} · {finding.reason}:{finding.message}"
    if finding.suggestions:
        tip += "\n建议改为:" + " / ".join(finding.suggestions)
    return tip


class DraftEditor(QPlainTextEdit):
    """The draft: findings underlined by level, tooltips on hover, fixes on right-click."""

    fix_requested = Signal(object, int)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.findings: list[Any] = []
        self.setMouseTracking(True)
        self.setPlaceholderText("回复草稿:生成、从文章发送段落,或直接输入")

    def set_findings(self, findings: list[Any]) -> None:
        """Underline each finding in the colour of its level."""
        self.findings = list(findings)
        selections = []
        text = self.toPlainText()
        for finding in self.findings:
            if finding.end > len(text):
                continue
            selection = QTextEdit.ExtraSelection()
            fmt = QTextCharFormat()
            fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.WaveUnderline)
            fmt.setUnderlineColor(QColor(LEVEL_COLORS.get(finding.level, "#888")))
            if finding.level == "error":
                fmt.setBackground(QColor("#fde8e7"))
            selection.format = fmt
            cursor = QTextCursor(self.document())
            cursor.setPosition(to_qt(text, finding.start))
            cursor.setPosition(to_qt(text, finding.end), QTextCursor.MoveMode.KeepAnchor)
            selection.cursor = cursor
            selections.append(selection)
        self.setExtraSelections(selections)

    def finding_at(self, qt_position: int) -> Any:
        """The finding covering a cursor position (Qt counts UTF-16 units; findings count characters)."""
        position = from_qt(self.toPlainText(), qt_position)
        return next(
            (f for f in self.findings if f.start <= position < f.end or (position == f.end and f.start < f.end)), None
        )

    def event(self, event: QEvent) -> bool:
        if isinstance(event, QHelpEvent) and event.type() == QEvent.Type.ToolTip:
            finding = self.finding_at(self.cursorForPosition(event.pos()).position())
            if finding:
                QToolTip.showText(event.globalPos(), finding_tip(finding), self)
            else:
                QToolTip.hideText()
            return True
        return super().event(event)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:  # noqa: N802 - Qt override
        menu = self.createStandardContextMenu()
        finding = self.finding_at(self.cursorForPosition(event.pos()).position())
        if finding:
            first = menu.actions()[0]
            menu.insertSeparator(first)
            title = menu.addAction(finding_tip(finding).split("\n")[0])
            title.setEnabled(False)
            menu.insertAction(first, title)
            for choice, suggestion in enumerate(finding.suggestions):
                action = menu.addAction(f"改为“{suggestion}”" if suggestion else "删除")
                action.triggered.connect(lambda _=False, f=finding, c=choice: self.fix_requested.emit(f, c))
                menu.insertAction(first, action)
        menu.exec(event.globalPos())


class BuilderPanel(QWidget):
    """Builds the reply; all core work (compose, check) runs on the task runner, results come back by signal."""

    copied = Signal(str)
    status = Signal(str)
    draft_checked = Signal()
    save_requested = Signal(str, str)  # draft text, triaged type: 「存为个人话术」

    def __init__(self, runner, parent=None):
        super().__init__(parent)
        self.runner = runner
        self.workspace = None
        self.draft = None
        self._check_seq = 0
        self._slot_texts: dict[str, str] = {}

        self.message = QPlainTextEdit()
        self.message.setPlaceholderText("粘贴客户消息,按 Ctrl+G 生成回复")
        self.message.setMaximumHeight(84)
        self.audience = QComboBox()
        self.audience.addItems(list(AUDIENCES))
        self.channel = QComboBox()
        self.channel.addItems(list(CHANNELS))
        self.audience.currentIndexChanged.connect(self._schedule_check)
        self.channel.currentIndexChanged.connect(self._schedule_check)
        self.compose_button = QPushButton("生成回复")
        self.compose_button.setToolTip("根据客户消息生成回复 (Ctrl+G)")
        self.compose_button.clicked.connect(self.compose_now)
        options = QHBoxLayout()
        options.addWidget(QLabel("客户"))
        options.addWidget(self.audience)
        options.addWidget(QLabel("渠道"))
        options.addWidget(self.channel)
        options.addStretch(1)
        options.addWidget(self.compose_button)

        self.chips = QHBoxLayout()
        self.chips.setSpacing(6)
        chips_box = QWidget()
        chips_box.setLayout(self.chips)

        self.slots_box = QWidget()
        self.slots_layout = QFormLayout(self.slots_box)
        self.slots_layout.setContentsMargins(0, 0, 0, 0)
        self.article_label = QLabel("")
        self.article_label.setWordWrap(True)
        self.article_label.setStyleSheet("color:#555")

        self.fill_box = QWidget()
        self.fill_layout = QFormLayout(self.fill_box)
        self.fill_layout.setContentsMargins(0, 0, 0, 0)
        self.fill_edits: dict[str, QLineEdit] = {}

        self.editor = DraftEditor()
        self.editor.textChanged.connect(self._draft_changed)
        self.editor.fix_requested.connect(self.apply_fix)
        self.findings_list = QListWidget()
        self.findings_list.setMaximumHeight(96)
        self.findings_list.setWordWrap(True)
        self.findings_list.itemActivated.connect(self._finding_activated)
        self.findings_list.itemDoubleClicked.connect(self._finding_activated)

        self.guard = QFrame()
        self.guard.setStyleSheet("QFrame { background:#fff4e5; border:1px solid #e8a200; border-radius:4px; }")
        guard_layout = QHBoxLayout(self.guard)
        self.guard_label = QLabel("")
        self.guard_label.setWordWrap(True)
        override = QPushButton("仍然复制")
        override.clicked.connect(lambda: self.copy_draft(override=True))
        guard_layout.addWidget(self.guard_label, 1)
        guard_layout.addWidget(override)
        self.guard.hide()

        self.copy_button = QPushButton("复制回复")
        self.copy_button.setToolTip("复制到剪贴板 (Ctrl+Enter)")
        self.copy_button.clicked.connect(lambda: self.copy_draft())
        self.clear_button = QPushButton("清空")
        self.clear_button.clicked.connect(self.clear)
        self.save_button = QPushButton("存为个人话术")
        self.save_button.setToolTip("把这条回复存成自己的话术,以后搜索或在“话术库·个人话术”里直接用")
        self.save_button.clicked.connect(self.request_save)
        actions = QHBoxLayout()
        actions.addWidget(self.clear_button)
        actions.addWidget(self.save_button)
        actions.addStretch(1)
        actions.addWidget(self.copy_button)

        # Top: what the reply is built from (scrolls). Bottom: the draft and the copy button, always in view.
        inner = QWidget()
        layout = QVBoxLayout(inner)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(QLabel("<b>客户消息</b>"))
        layout.addWidget(self.message)
        layout.addLayout(options)
        layout.addWidget(chips_box)
        layout.addWidget(self.article_label)
        layout.addWidget(self.slots_box)
        layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(inner)
        bottom = QWidget()
        draft_layout = QVBoxLayout(bottom)
        draft_layout.setContentsMargins(6, 0, 6, 6)
        draft_layout.addWidget(self.fill_box)
        draft_header = QLabel("<b>回复草稿</b> <span style='color:#888'>波浪线=问题,悬停看原因,Ctrl+. 修改</span>")
        draft_header.setWordWrap(True)
        draft_layout.addWidget(draft_header)
        draft_layout.addWidget(self.editor, 1)
        draft_layout.addWidget(self.findings_list)
        draft_layout.addWidget(self.guard)
        draft_layout.addLayout(actions)
        self.split = QSplitter(Qt.Orientation.Vertical)
        self.split.addWidget(scroll)
        self.split.addWidget(bottom)
        self.split.setStretchFactor(0, 2)
        self.split.setStretchFactor(1, 3)
        self.split.setChildrenCollapsible(False)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.split)
        self.editor.setMinimumHeight(90)

        self.check_timer = QTimer(self)
        self.check_timer.setSingleShot(True)
        self.check_timer.setInterval(150)
        self.check_timer.timeout.connect(self.check_now)
        for keys, fn in (
            ("Ctrl+Return", self.copy_draft),
            ("Ctrl+Enter", self.copy_draft),
            ("Ctrl+.", self.fix_at_cursor),
        ):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(fn)
        self._refresh_fill_ins()

    # ---- wiring -----------------------------------------------------------------------------------
    def set_workspace(self, workspace) -> None:
        """Use this workspace's content, index and checker."""
        self.workspace = workspace
        self._schedule_check()

    def set_defaults(self, audience: str, channel: str) -> None:
        """The audience and channel a new reply starts with."""
        self.audience.setCurrentText(audience)
        self.channel.setCurrentText(channel)

    def context(self):
        """The checker context for the chosen audience and channel."""
        from app.core.checker.match import CheckContext

        return CheckContext(audience=self.audience.currentText(), channel=self.channel.currentText())

    def script_text(self, script: Script) -> str:
        """The script in the language the customer needs (English variant for 外籍 when there is one)."""
        if self.audience.currentText() == FOREIGN and script.variants.get("en"):
            return script.variants["en"]
        return script.text

    # ---- compose ----------------------------------------------------------------------------------
    def compose_now(self) -> None:
        """Triage the customer message and assemble a draft in the background."""
        message = self.message.toPlainText().strip()
        workspace = self.workspace
        if not message:
            self.status.emit("先粘贴客户消息,再生成回复")
            self.message.setFocus()
            return
        if workspace is None:
            self.status.emit("知识库仍在加载,请稍候")
            return
        audience, channel = self.audience.currentText(), self.channel.currentText()

        def run():
            from app.core.compose.composer import compose

            return compose(
                message,
                workspace.content,
                searcher=workspace.index,
                checker=workspace.checker,
                library=workspace.replies,
                audience=audience,
                channel=channel,
            )

        self.compose_button.setEnabled(False)
        self.runner.submit(run, self._composed, self._compose_failed)

    def _compose_failed(self, message: str) -> None:
        self.compose_button.setEnabled(True)
        self.status.emit(f"生成回复失败:{message}")

    def _composed(self, draft) -> None:
        self.compose_button.setEnabled(True)
        self.draft = draft
        self._show_triage(draft.triage)
        article = draft.article
        self.article_label.setText(f"依据文章:{article.title}" if article else "未找到匹配的文章,已用话术组成回复")
        self._show_slots(draft.slots)
        self.editor.setPlainText(draft.text)
        self.editor.setFocus()

    def _show_triage(self, triage) -> None:
        while self.chips.count():
            item = self.chips.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        cues = list(getattr(triage, "cues", []) or [])

        def cue_text(kind: str) -> str:
            words = [f"“{c.text}”" + (f"({c.reason})" if c.reason else "") for c in cues if c.field == kind]
            return "判断依据:" + ("、".join(words) if words else "未发现明显线索,按默认处理")

        chips = (
            (triage.type, TYPE_COLORS.get(triage.type, "#555"), "type"),
            (PRIORITIES.label(triage.priority), "#d93025" if triage.priority == HIGH else "#777", "priority"),
            (EMOTIONS.label(triage.emotion), "#e37400" if triage.emotion != NEUTRAL else "#777", "emotion"),
        )
        for text, color, kind in chips:
            chip = QLabel(text)
            chip.setStyleSheet(f"QLabel {{ color:white; background:{color}; border-radius:9px; padding:2px 10px; }}")
            chip.setToolTip(cue_text(kind))
            chip.setObjectName(f"chip-{kind}")
            self.chips.addWidget(chip)
        self.chips.addStretch(1)

    def _show_slots(self, slots) -> None:
        _clear_form(self.slots_layout)
        self._slot_texts = {}
        for slot in slots:
            combo = QComboBox()
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(12)
            combo.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            options = [(slot.text, slot.source)] + [
                (alt.text, alt.source) for alt in slot.alternatives if alt.text != slot.text
            ]
            for option, source in options:
                combo.addItem(_short(option), option)
                combo.setItemData(combo.count() - 1, f"{option}\n——来源:{source}", Qt.ItemDataRole.ToolTipRole)
            combo.setToolTip(f"来源:{slot.source}")
            self._slot_texts[slot.name] = slot.text
            combo.currentIndexChanged.connect(
                lambda _i, name=slot.name, c=combo: self._swap_slot(name, c.currentData())
            )
            self.slots_layout.addRow(slot.name, combo)

    def _swap_slot(self, name: str, new_text: str) -> None:
        old = self._slot_texts.get(name, "")
        text = self.editor.toPlainText()
        if old and old in text:
            self.editor.setPlainText(text.replace(old, new_text, 1))
        else:
            # The agent edited this part by hand: keep their words, add the alternative at the cursor.
            self.editor.textCursor().insertText(new_text)
            self.status.emit(f"「{name}」已被手动修改,备选内容已插入到光标处")
        self._slot_texts[name] = new_text

    # ---- adding pieces ----------------------------------------------------------------------------
    def add_section(self, article_id: str, name: str, text: str) -> None:
        """Append an article section as a new paragraph of the draft."""
        self._append(text)

    def add_script(self, script: Script) -> None:
        """Append a script (in the customer's language) to the draft."""
        self._append(self.script_text(script))

    def _append(self, text: str) -> None:
        current = self.editor.toPlainText().rstrip()
        self.editor.setPlainText(f"{current}\n{text}" if current else text)
        cursor = self.editor.textCursor()
        cursor.movePosition(QTextCursor.MoveOperation.End)
        self.editor.setTextCursor(cursor)

    def clear(self) -> None:
        """Start a new reply (the customer message is kept)."""
        self.editor.clear()
        self.draft = None
        self._show_slots([])
        self.article_label.setText("")
        self.guard.hide()

    # ---- placeholders -----------------------------------------------------------------------------
    def open_placeholders(self) -> list[str]:
        """Placeholders still in the draft."""
        return find_placeholders(self.editor.toPlainText())

    def _refresh_fill_ins(self) -> None:
        names = self.open_placeholders()
        if names == list(self.fill_edits):
            return
        _clear_form(self.fill_layout)
        self.fill_edits = {}
        for name in names:
            edit = QLineEdit()
            edit.setPlaceholderText(f"填写{name},回车填入")
            edit.returnPressed.connect(lambda n=name, e=edit: self.fill(n, e.text()))
            self.fill_edits[name] = edit
            self.fill_layout.addRow(f"{{{name}}}", edit)
        self.fill_box.setVisible(bool(names))

    def fill(self, name: str, value: str) -> None:
        """Replace every {name} in the draft with `value`."""
        if not value.strip():
            return
        self.editor.setPlainText(self.editor.toPlainText().replace(f"{{{name}}}", value.strip()))
        remaining = list(self.fill_edits)
        if remaining:
            self.fill_edits[remaining[0]].setFocus()
        else:
            self.editor.setFocus()

    # ---- checking ---------------------------------------------------------------------------------
    def _draft_changed(self) -> None:
        self.guard.hide()
        self._refresh_fill_ins()
        self._schedule_check()

    def _schedule_check(self) -> None:
        self.check_timer.start()

    def check_now(self) -> None:
        """Check the draft off the UI thread; only the newest check's findings are shown."""
        self.check_timer.stop()
        workspace = self.workspace
        if workspace is None or workspace.checker is None:
            return
        self._check_seq += 1
        seq = self._check_seq
        text = self.editor.toPlainText()
        context = self.context()
        self.runner.submit(
            lambda: workspace.checker.check(text, context),
            lambda findings: self._checked(seq, text, findings),
            lambda msg: self.status.emit(f"检查出错:{msg}"),
        )

    def _checked(self, seq: int, text: str, findings: list[Any]) -> None:
        if seq != self._check_seq or text != self.editor.toPlainText():
            return
        self.editor.set_findings(findings)
        self.findings_list.clear()
        for finding in findings:
            icon = {"error": "✖", "warning": "⚠"}.get(finding.level, "ℹ")
            better = f" → {finding.suggestions[0]}" if finding.suggestions and finding.suggestions[0] else ""
            item = QListWidgetItem(f"{icon} “{finding.text}” {finding.reason}{better}")
            item.setToolTip(finding_tip(finding))
            item.setData(Qt.ItemDataRole.UserRole, finding)
            item.setForeground(QColor(LEVEL_COLORS.get(finding.level, "#333")))
            self.findings_list.addItem(item)
        self.findings_list.setVisible(bool(findings))
        self.draft_checked.emit()

    def apply_fix(self, finding: Any, choice: int = 0) -> None:
        """Apply one suggested fix; the rest of the draft is untouched and re-checked."""
        from app.core.checker.fixes import apply_fix

        text = self.editor.toPlainText()
        if text[finding.start : finding.end] != finding.text:
            self.check_now()
            return
        new_text = apply_fix(text, finding, choice)
        cursor = self.editor.textCursor()
        cursor.beginEditBlock()
        cursor.select(QTextCursor.SelectionType.Document)
        cursor.insertText(new_text)  # one undo step, so Ctrl+Z brings the original back
        cursor.endEditBlock()
        self.check_now()

    def fix_at_cursor(self) -> None:
        """Ctrl+.: apply the first suggestion of the finding at the cursor (or the first error)."""
        finding = self.editor.finding_at(self.editor.textCursor().position())
        if finding is None:
            finding = next((f for f in self.editor.findings if f.level == "error"), None)
        if finding is not None:
            self.apply_fix(finding, 0)

    def _finding_activated(self, item: QListWidgetItem) -> None:
        finding = item.data(Qt.ItemDataRole.UserRole)
        if finding is not None:
            self.apply_fix(finding, 0)

    # ---- copy -------------------------------------------------------------------------------------
    def request_save(self) -> None:
        """Ask the window to save the draft as a personal script (nothing to save: say so)."""
        text = self.editor.toPlainText().strip()
        if not text:
            self.status.emit("草稿是空的,没有可保存的内容")
            return
        self.save_requested.emit(text, self.draft.triage.type if self.draft is not None else GENERAL_TYPE)

    def copy_draft(self, override: bool = False) -> bool:
        """Copy the draft; unfilled placeholders or error-level findings stop it unless overridden."""
        text = self.editor.toPlainText().strip()
        if not text:
            self.status.emit("草稿是空的")
            return False
        open_names = self.open_placeholders()
        errors = [f for f in self.editor.findings if f.level == "error"]
        if not override and (open_names or errors):
            reasons = []
            if open_names:
                reasons.append("还有未填写的内容:" + "、".join(f"{{{n}}}" for n in open_names))
            if errors:
                reasons.append(f"还有 {len(errors)} 处禁忌或隐私问题:" + "、".join(f"“{f.text}”" for f in errors[:3]))
            self.guard_label.setText(";".join(reasons) + "。请先处理,或点“仍然复制”。")
            self.guard.show()
            if open_names and open_names[0] in self.fill_edits:
                self.fill_edits[open_names[0]].setFocus()
            return False
        QGuiApplication.clipboard().setText(text)
        self.guard.hide()
        self.copied.emit(text)
        return True


def _clear_form(form: QFormLayout) -> None:
    """Empty a form layout; widgets are deleted later because one of them may be emitting right now."""
    while form.rowCount():
        row = form.takeRow(0)
        for item in (row.labelItem, row.fieldItem):
            if item is not None and item.widget() is not None:
                item.widget().hide()
                item.widget().deleteLater()


def _short(text: str, limit: int = 40) -> str:
    text = text.replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 1] + "…"
