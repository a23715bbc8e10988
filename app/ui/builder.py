"""The reply builder: customer message → triage chips → article (or an honest "not found") → slots →
checked draft → guarded copy.

About 750 lines because the panel holds the four parts an agent works through at once (message and chips,
choice and candidates, slots and fill-ins, the checked draft with its copy guard) and their shared
session; the editor, the flow layout and the safe text helpers are already their own modules. The next
seam is the slots-and-fill-ins form.

The widget shows what the core's ReplySession holds and keeps no reply rules of its own. Composing runs
on the task runner; the copy guard checks exactly the text being copied, synchronously, at the moment
of copying (the checker takes a few milliseconds), so no key sequence puts an error or an open
placeholder on the clipboard without the explicit 「仍然复制」.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QColor, QGuiApplication, QKeySequence, QShortcut, QTextCursor
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
    QVBoxLayout,
    QWidget,
)

from app.core.checker.match import CheckContext, Finding
from app.core.compose.choice import CLOSE, NONE, WEAK
from app.core.compose.model import Draft, Slot
from app.core.compose.session import ReplySession
from app.core.compose.triage import Triage
from app.core.content.model import Script
from app.core.content.placeholders import find_placeholders
from app.core.vocab import (
    AUDIENCES,
    CHANNELS,
    COMPLAINT,
    EMOTIONS,
    ERROR_LEVEL,
    FAULT,
    FOREIGN,
    GENERAL_TYPE,
    HIGH,
    INQUIRY,
    NEUTRAL,
    PRIORITIES,
    SUGGESTION,
)
from app.ui.draft_editor import LEVEL_COLORS, DraftEditor, better_line, finding_tip, fix_label
from app.ui.flow_layout import FlowLayout
from app.ui.safe_text import tip

if TYPE_CHECKING:
    from app.core.workspace import Workspace
    from app.ui.tasks import TaskRunner

__all__ = ["BuilderPanel", "DraftEditor"]

TYPE_COLORS = {INQUIRY: "#1a73e8", COMPLAINT: "#d93025", SUGGESTION: "#188038", FAULT: "#e37400"}
NOT_FOUND = "知识库里没有找到对应文章"
WIDE = 1100  # from this width on, the slots stand beside the draft


class MessageEdit(QPlainTextEdit):
    """The customer message box: pasting a new message while a draft is open starts the next customer."""

    pasted = Signal()

    def insertFromMimeData(self, source) -> None:  # noqa: N802 - Qt override
        self.pasted.emit()
        super().insertFromMimeData(source)


class BuilderPanel(QWidget):
    """Builds the reply; core work runs on the task runner and comes back by signal."""

    copied = Signal(str)  # what was copied, in the agent's words (the window puts it in the status bar)
    status = Signal(str)
    draft_checked = Signal()
    save_requested = Signal(str, str)  # draft text, triaged type: 「存为个人话术」
    gap_requested = Signal(str, str)  # customer message, triaged type: 「记录为知识缺口」
    bad_draft_requested = Signal(object, str)  # the Draft, the text on screen: 「草稿不好」
    case_requested = Signal(str, str, str, str)  # message, reply, triaged type, article id: 「存为案例」

    def __init__(self, runner: TaskRunner, parent: QWidget | None = None):
        super().__init__(parent)
        self.runner = runner
        self.workspace: Workspace | None = None
        self.session = ReplySession()
        self._check_seq = 0
        self._compose_seq = 0
        self._quiet = False  # a text change that needs no check (a composed draft, an applied fix)
        self._sent = False  # the draft on screen was copied: the next script starts a new reply

        self.message = MessageEdit()
        self.message.setPlaceholderText("粘贴客户消息,按 Ctrl+G 生成回复")
        self.message.setMaximumHeight(84)
        self.message.pasted.connect(self._message_pasted)
        self.message.textChanged.connect(self._message_edited)
        self.audience = QComboBox()
        self.audience.addItems(list(AUDIENCES))
        self.channel = QComboBox()
        self.channel.addItems(list(CHANNELS))
        self.audience.currentIndexChanged.connect(self._context_changed)
        self.channel.currentIndexChanged.connect(self._context_changed)
        self.compose_button = QPushButton("生成回复")
        self.compose_button.setToolTip("根据客户消息生成回复 (Ctrl+G)")
        self.compose_button.clicked.connect(self.compose_now)
        self.next_button = QPushButton("下一位客户")
        self.next_button.setToolTip("清空消息、草稿和填写内容,接待下一位客户 (Ctrl+N)")
        self.next_button.clicked.connect(self.next_customer)
        options = FlowLayout()
        for widget in (
            QLabel("客户"),
            self.audience,
            QLabel("渠道"),
            self.channel,
            self.compose_button,
            self.next_button,
        ):
            options.addWidget(widget)
        options_box = QWidget()
        options_box.setLayout(options)

        self.chips = FlowLayout()
        chips_box = QWidget()
        chips_box.setLayout(self.chips)

        self.article_label = QLabel("")
        self.article_label.setTextFormat(Qt.TextFormat.PlainText)
        self.article_label.setWordWrap(True)
        self.article_label.setStyleSheet("color:#555")
        self.candidates = FlowLayout()
        self.candidates_box = QWidget()
        self.candidates_box.setLayout(self.candidates)
        self.candidates_box.hide()
        self.gap_button = QPushButton("记录为知识缺口")
        self.gap_button.setToolTip("把这条消息记下来,知识管理员会看到知识库缺了什么")
        self.gap_button.clicked.connect(self.record_gap)
        self.gap_button.hide()
        self.facts_label = QLabel("")
        self.facts_label.setTextFormat(Qt.TextFormat.PlainText)
        self.facts_label.setWordWrap(True)
        self.facts_label.setStyleSheet("color:#188038")
        self.facts_label.hide()
        self.stale_label = QLabel("客户消息已修改:按 Ctrl+G 重新生成回复")
        self.stale_label.setStyleSheet("color:#e37400")
        self.stale_label.hide()

        self.slots_box = QWidget()
        self.slots_layout = QFormLayout(self.slots_box)
        self.slots_layout.setContentsMargins(0, 0, 0, 0)
        self.slots_layout.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)

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
        self.findings_list.hide()

        self.guard = QFrame()
        self.guard.setStyleSheet("QFrame { background:#fff4e5; border:1px solid #e8a200; border-radius:4px; }")
        guard_layout = QHBoxLayout(self.guard)
        self.guard_label = QLabel("")
        self.guard_label.setTextFormat(Qt.TextFormat.PlainText)
        self.guard_label.setWordWrap(True)
        self.override_button = QPushButton("仍然复制")
        self.override_button.setToolTip("确认无误后仍然复制 (Ctrl+Shift+Enter)")
        self.override_button.clicked.connect(lambda: self.copy_draft(override=True))
        guard_layout.addWidget(self.guard_label, 1)
        guard_layout.addWidget(self.override_button)
        self.guard.hide()

        self.copy_button = QPushButton("复制回复")
        self.copy_button.setToolTip("检查后复制到剪贴板 (Ctrl+Enter)")
        self.copy_button.clicked.connect(lambda: self.copy_draft())
        self.clear_button = QPushButton("清空")
        self.clear_button.setToolTip("清空草稿(客户消息保留)")
        self.clear_button.clicked.connect(self.clear)
        self.save_button = QPushButton("存为个人话术")
        self.save_button.setToolTip("把这条回复存成自己的话术,以后搜索或在“话术库·个人话术”里直接用")
        self.save_button.clicked.connect(self.request_save)
        self.bad_button = QPushButton("草稿不好")
        self.bad_button.setToolTip("告诉文章负责人这条草稿哪里不对 (Ctrl+Shift+X)")
        self.bad_button.clicked.connect(self.request_bad_draft)
        self.bad_button.setEnabled(False)  # until a draft built on an article is on screen
        self.case_button = QPushButton("存为案例")
        self.case_button.setToolTip("把这次接待(客户消息和回复)存进团队案例库 (Ctrl+Shift+Q)")
        self.case_button.clicked.connect(self.request_case)
        more = FlowLayout()  # wraps in the 420 px side panel; 复制回复 stays at the right, always in view
        for button in (self.clear_button, self.save_button, self.bad_button, self.case_button):
            more.addWidget(button)
        more_box = QWidget()
        more_box.setLayout(more)
        actions = QHBoxLayout()
        actions.addWidget(more_box, 1)
        actions.addWidget(self.copy_button, 0, Qt.AlignmentFlag.AlignBottom)

        # What the reply is built from (scrolls) and the draft with its copy button (always in view): stacked
        # in the side panel, side by side on a wide screen.
        inner = QWidget()
        layout = QVBoxLayout(inner)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(QLabel("<b>客户消息</b>"))
        layout.addWidget(self.message)
        layout.addWidget(options_box)
        layout.addWidget(chips_box)
        layout.addWidget(self.stale_label)
        layout.addWidget(self.article_label)
        layout.addWidget(self.candidates_box)
        layout.addWidget(self.gap_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.facts_label)
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
            ("Ctrl+Shift+Return", lambda: self.copy_draft(override=True)),
            ("Ctrl+Shift+Enter", lambda: self.copy_draft(override=True)),
            ("Ctrl+N", self.next_customer),
            ("Ctrl+.", self.fix_at_cursor),
            *((f"Alt+{n}", lambda n=n: self.pick_candidate(n - 1)) for n in (1, 2, 3)),
        ):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(fn)
        self._refresh_fill_ins()

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt override
        wanted = Qt.Orientation.Horizontal if event.size().width() >= WIDE else Qt.Orientation.Vertical
        if self.split.orientation() != wanted:
            self.split.setOrientation(wanted)
            total = event.size().width() if wanted == Qt.Orientation.Horizontal else event.size().height()
            self.split.setSizes([int(total * 0.45), total - int(total * 0.45)])
        super().resizeEvent(event)

    # ---- wiring -----------------------------------------------------------------------------------
    @property
    def draft(self) -> Draft | None:
        """The draft built for the customer in front of the agent, if any."""
        return self.session.draft

    def set_workspace(self, workspace: Workspace) -> None:
        """Use this workspace's content, index and checker."""
        self.workspace = workspace
        self.session.checker = workspace.checker
        self._schedule_check()

    def set_defaults(self, audience: str, channel: str) -> None:
        """The audience and channel a new reply starts with."""
        self.audience.setCurrentText(audience)
        self.channel.setCurrentText(channel)

    def context(self) -> CheckContext:
        """The checker context for the chosen audience and channel."""
        return CheckContext(audience=self.audience.currentText(), channel=self.channel.currentText())

    def script_text(self, script: Script) -> str:
        """The script in the language the customer needs (English variant for 外籍 when there is one)."""
        if self.audience.currentText() == FOREIGN and script.variants.get("en"):
            return script.variants["en"]
        return script.text

    def _context_changed(self) -> None:
        self.session.context = self.context()
        self._schedule_check()

    # ---- one customer at a time ---------------------------------------------------------------
    def next_customer(self) -> None:
        """下一位客户: clear the message, draft, fill-ins, triage and article; the message box gets focus."""
        self.message.blockSignals(True)
        self.message.clear()
        self.message.blockSignals(False)
        self._forget_draft()
        self.message.setFocus()
        self.status.emit("已清空,可以接待下一位客户")

    def _forget_draft(self) -> None:
        self._compose_seq += 1  # a compose still running belongs to the previous customer
        self.session.reset()
        self.editor.clear()
        self.editor.set_findings([])
        self._show_triage(None)
        self._show_slots(())
        self._show_choice(None)
        self.guard.hide()
        self.stale_label.hide()
        self._sent = False

    def _message_pasted(self) -> None:
        if self.session.draft is not None or self.editor.toPlainText().strip():
            # A new customer's message: nothing of the previous customer may stay in the reply.
            self.message.blockSignals(True)
            self.message.clear()
            self.message.blockSignals(False)
            self._forget_draft()

    def _message_edited(self) -> None:
        stale = self.session.draft is not None and self.message.toPlainText().strip() != self.session.message
        self.stale_label.setVisible(stale)

    # ---- compose ----------------------------------------------------------------------------------
    def compose_from(self, text: str) -> None:
        """Build a reply for `text` (e.g. the search box's text when the message box is empty)."""
        if text.strip() and text.strip() != self.message.toPlainText().strip():
            self._forget_draft()
            self.message.blockSignals(True)
            self.message.setPlainText(text.strip())
            self.message.blockSignals(False)
        self.compose_now()

    def compose_now(self, article_id: str | None = None) -> None:
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
        self._compose_seq += 1
        seq = self._compose_seq

        def run() -> Draft:
            from app.core.compose.composer import compose

            return compose(
                message,
                workspace.content,
                searcher=workspace.index,
                checker=workspace.checker,
                library=workspace.replies,
                article_id=article_id,
                audience=audience,
                channel=channel,
            )

        self.compose_button.setEnabled(False)
        self.runner.submit(run, lambda draft: self._composed(seq, message, draft), self._compose_failed)

    def _compose_failed(self, message: str) -> None:
        self.compose_button.setEnabled(True)
        self.status.emit(f"生成回复失败:{message}")

    def _composed(self, seq: int, message: str, draft: Draft) -> None:
        self.compose_button.setEnabled(True)
        if seq != self._compose_seq:
            return  # the agent moved on to the next customer meanwhile
        self.session.context = self.context()
        self.session.start(draft, {f.name: f.value for f in draft.facts}, message)
        self._show_triage(draft.triage)
        self._show_choice(draft)
        self._show_slots(draft.slots)
        self.stale_label.hide()
        self._quiet = True  # checked by compose: the text change needs no second check
        self.editor.setPlainText(draft.text)
        self._quiet = False
        self.guard.hide()
        self._refresh_fill_ins()
        self._show_findings(list(draft.findings))  # checked once by compose: no second check until an edit
        self.editor.setFocus()

    def _show_triage(self, triage: Triage | None) -> None:
        while self.chips.count():
            item = self.chips.takeAt(0)
            if item is not None and item.widget() is not None:
                item.widget().deleteLater()
        if triage is None:
            return
        cues = list(triage.cues)

        def cue_text(kind: str) -> str:
            said = [f"“{c.text}”" + (f"({c.reason})" if c.reason else "") for c in cues if c.field == kind]
            return "判断依据:" + ("、".join(said) if said else "未发现明显线索,按默认处理")

        chips = (
            (triage.type, TYPE_COLORS.get(triage.type, "#555"), "type"),
            (PRIORITIES.label(triage.priority), "#d93025" if triage.priority == HIGH else "#777", "priority"),
            (EMOTIONS.label(triage.emotion), "#e37400" if triage.emotion != NEUTRAL else "#777", "emotion"),
        )
        for text, color, kind in chips:
            chip = QLabel(text)
            chip.setTextFormat(Qt.TextFormat.PlainText)
            chip.setStyleSheet(f"QLabel {{ color:white; background:{color}; border-radius:9px; padding:2px 10px; }}")
            chip.setToolTip(tip(cue_text(kind)))
            chip.setObjectName(f"chip-{kind}")
            self.chips.addWidget(chip)

    def _show_choice(self, draft: Draft | None) -> None:
        while self.candidates.count():
            item = self.candidates.takeAt(0)
            if item is not None and item.widget() is not None:
                item.widget().deleteLater()
        self.gap_button.setVisible(False)
        self.candidates_box.setVisible(False)
        self.facts_label.setVisible(False)
        self.facts_label.setText("")
        self.gap_button.setEnabled(True)
        self.gap_button.setText("记录为知识缺口")
        self.bad_button.setEnabled(draft is not None and draft.article is not None)
        if draft is None:
            self.article_label.setText("")
            return
        choice = draft.choice
        if choice.status == NONE:
            self.article_label.setText(f"{NOT_FOUND}:请核实后自己填写「待确认」部分,或从下面的话术里挑选。")
            self.article_label.setStyleSheet("color:#d93025")
            self.gap_button.setVisible(True)
        elif choice.status in (CLOSE, WEAK):
            why = "有几篇文章都可能相关" if choice.status == CLOSE else "文章和客户问题只部分相关"
            title = draft.article.title if draft.article else ""
            self.article_label.setText(f"依据文章(不确定,{why}):{title}。按 Alt+1/2/3 换一篇:")
            self.article_label.setStyleSheet("color:#e37400")
        elif draft.article is not None:
            self.article_label.setText(f"依据文章:{draft.article.title}")
            self.article_label.setStyleSheet("color:#555")
        if choice.status in (CLOSE, WEAK, NONE) and choice.candidates:
            for number, candidate in enumerate(choice.candidates, 1):
                button = QPushButton(f"{number}. {candidate.article.title}")
                button.setToolTip(tip(f"{candidate.article.title}\n用这篇文章重新生成 (Alt+{number})"))
                button.setCheckable(True)
                button.setChecked(draft.article is not None and candidate.article.id == draft.article.id)
                button.clicked.connect(lambda _=False, n=number - 1: self.pick_candidate(n))
                button.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
                self.candidates.addWidget(button)
            self.candidates_box.setVisible(True)
        if draft.facts:
            said = "、".join(f"{f.name} {f.value}" for f in draft.facts)
            self.facts_label.setText(f"已从客户消息填入:{said}(可在草稿里直接修改)")
            self.facts_label.setVisible(True)

    def pick_candidate(self, index: int) -> None:
        """Alt+1/2/3: rebuild the reply from the n-th candidate article."""
        draft = self.session.draft
        if draft is None or not 0 <= index < len(draft.choice.candidates):
            return
        self.compose_now(article_id=draft.choice.candidates[index].article.id)

    def record_gap(self) -> None:
        """「记录为知识缺口」: the window stores it locally (masked) for the knowledge manager."""
        draft = self.session.draft
        message = self.session.message or self.message.toPlainText().strip()
        if not message:
            return
        self.gap_requested.emit(message, draft.triage.type if draft is not None else GENERAL_TYPE)
        self.gap_button.setEnabled(False)
        self.gap_button.setText("已记录为知识缺口")

    def _show_slots(self, slots: tuple[Slot, ...]) -> None:
        _clear_form(self.slots_layout)
        for slot in slots:
            combo = QComboBox()
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(12)
            combo.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            options = [(slot.text, slot.source)] + [
                (alt.text, alt.source) for alt in slot.alternatives if alt.text != slot.text
            ]
            for option, source in options:
                combo.addItem(_short(option) or "(空)", option)
                combo.setItemData(combo.count() - 1, tip(f"{option}\n——来源:{source}"), Qt.ItemDataRole.ToolTipRole)
            combo.setToolTip(
                tip(f"来源:{slot.source}" + (f"(另有 {len(options) - 1} 个备选)" if len(options) > 1 else ""))
            )
            combo.currentIndexChanged.connect(
                lambda _i, name=slot.name, c=combo: self._swap_slot(name, c.currentData())
            )
            label = QLabel(f"{slot.name}" + (f" ({len(options) - 1}备选)" if len(options) > 1 else ""))
            label.setTextFormat(Qt.TextFormat.PlainText)
            self.slots_layout.addRow(label, combo)

    def _swap_slot(self, name: str, new_text: str) -> None:
        text, replaced = self.session.swap_slot(self.editor.toPlainText(), name, new_text)
        if replaced:
            self.editor.setPlainText(text)
        else:
            # The agent edited this part by hand: keep their words, add the alternative at the cursor.
            self.editor.textCursor().insertText(new_text)
            self.status.emit(f"「{name}」已被手动修改,备选内容已插入到光标处")

    # ---- adding pieces ----------------------------------------------------------------------------
    def add_section(self, text: str) -> None:
        """Append an article section (already customer-facing text) as a new paragraph of the draft."""
        self._append(text)

    def add_script(self, script: Script) -> None:
        """Append a script (in the customer's language) to the draft."""
        self._append(self.script_text(script))

    def _append(self, text: str) -> None:
        if self._sent:
            # The last reply went to the customer: what comes next belongs to a new reply, never to that one.
            self._forget_draft()
            self.status.emit("上一条回复已复制发送,已开始新的回复")
        current = self.editor.toPlainText().rstrip()
        self.editor.setPlainText(f"{current}\n{text}" if current else text)
        cursor = self.editor.textCursor()
        cursor.movePosition(QTextCursor.MoveOperation.End)
        self.editor.setTextCursor(cursor)

    def clear(self) -> None:
        """Start the reply again (the customer message is kept)."""
        message = self.message.toPlainText()
        self._forget_draft()
        self.message.blockSignals(True)
        self.message.setPlainText(message)
        self.message.blockSignals(False)

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
        self.editor.setPlainText(self.session.fill_value(self.editor.toPlainText(), name, value))
        remaining = list(self.fill_edits)
        if remaining:
            self.fill_edits[remaining[0]].setFocus()
        else:
            self.editor.setFocus()

    # ---- checking ---------------------------------------------------------------------------------
    def _draft_changed(self) -> None:
        if not self._quiet:
            self._sent = False  # the agent is writing again: this is a reply in the making
        self.guard.hide()
        self._refresh_fill_ins()
        if not self._quiet:
            self._schedule_check()

    def _schedule_check(self) -> None:
        self.check_timer.start()

    def check_now(self) -> None:
        """Underline the draft's findings, checked off the UI thread; only the newest check is shown."""
        self.check_timer.stop()
        workspace = self.workspace
        if workspace is None:
            return
        self._check_seq += 1
        seq = self._check_seq
        text = self.editor.toPlainText()
        session = self.session
        session.context = self.context()
        self.runner.submit(
            lambda: session.check(text),
            lambda findings: self._checked(seq, text, findings),
            lambda msg: self.status.emit(f"检查出错:{msg}"),
        )

    def _checked(self, seq: int, text: str, findings: list[Finding]) -> None:
        if seq != self._check_seq or text != self.editor.toPlainText():
            return
        self._show_findings(findings)

    def _show_findings(self, findings: list[Finding]) -> None:
        self.editor.set_findings(findings)
        self.findings_list.clear()
        for finding in findings:
            icon = {"error": "✖", "warning": "⚠"}.get(finding.level, "ℹ")
            if finding.suggestions:  # a proven fix: double-click (or Enter) applies it
                hint = " → " + fix_label(finding, finding.suggestions[0])
            else:  # only a phrasing to copy: shown, never put in place of the span
                hint = (" · " + better_line(finding)) if any(finding.better) else ""
            item = QListWidgetItem(f"{icon} “{finding.text}” {finding.reason}{hint}")
            item.setToolTip(tip(finding_tip(finding)))
            item.setData(Qt.ItemDataRole.UserRole, finding)
            item.setForeground(QColor(LEVEL_COLORS.get(finding.level, "#333")))
            self.findings_list.addItem(item)
        self.findings_list.setVisible(bool(findings))
        self.draft_checked.emit()

    def apply_fix(self, finding: Finding, choice: int = 0) -> None:
        """Apply one suggested fix; the rest of the draft is untouched and checked again at once."""
        text = self.editor.toPlainText()
        if text[finding.start : finding.end] != finding.text or not finding.suggestions:
            self.check_now()
            return
        self.session.context = self.context()
        new_text, findings = self.session.apply_fix(text, finding, choice)
        cursor = self.editor.textCursor()
        self._quiet = True  # the fix returned its own fresh findings
        cursor.beginEditBlock()
        cursor.select(QTextCursor.SelectionType.Document)
        cursor.insertText(new_text)  # one undo step, so Ctrl+Z brings the original back
        cursor.endEditBlock()
        self._quiet = False
        self.check_timer.stop()
        self._check_seq += 1  # a check still running is about the text before the fix
        self.guard.hide()
        self._refresh_fill_ins()
        self._show_findings(findings)

    def fix_at_cursor(self) -> None:
        """Ctrl+.: apply the first suggestion of the finding at the cursor (or the first error)."""
        finding = self.editor.finding_at(self.editor.textCursor().position())
        if finding is None:
            finding = next((f for f in self.editor.findings if f.level == ERROR_LEVEL), None)
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
        draft = self.session.draft
        self.save_requested.emit(text, draft.triage.type if draft is not None else GENERAL_TYPE)

    def request_bad_draft(self) -> None:
        """「草稿不好」: ask the window to flag the draft on screen to its article's owner."""
        draft = self.session.draft
        if draft is None or draft.article is None:
            self.status.emit("还没有依据文章生成的草稿:先按 Ctrl+G 生成回复")
            return
        self.bad_draft_requested.emit(draft, self.editor.toPlainText().strip())

    def request_case(self) -> None:
        """「存为案例」: ask the window to save the customer's message and this reply as a case."""
        message = self.session.message or self.message.toPlainText().strip()
        reply = self.editor.toPlainText().strip()
        if not message or not reply:
            self.status.emit("存为案例需要客户消息和回复草稿")
            return
        draft = self.session.draft
        article = draft.article.id if draft is not None and draft.article is not None else ""
        self.case_requested.emit(message, reply, draft.triage.type if draft is not None else GENERAL_TYPE, article)

    def copy_draft(self, override: bool = False) -> bool:
        """Copy the draft; what is copied is checked now, and an error or open placeholder stops it unless
        the agent explicitly overrides."""
        self.session.context = self.context()
        text = self.editor.toPlainText().strip()
        blockers = self.session.copy_blockers(text)  # exactly this text, now: never an older check
        if blockers.empty:
            self.status.emit(blockers.message())
            return False
        if blockers.blocked and not override:
            self._check_seq += 1
            self._show_findings(self.session.check(self.editor.toPlainText()))
            self.guard_label.setText(blockers.message() + "。请先处理,或点“仍然复制”(Ctrl+Shift+Enter)。")
            self.guard.show()
            if blockers.placeholders and blockers.placeholders[0] in self.fill_edits:
                self.fill_edits[blockers.placeholders[0]].setFocus()
            return False
        QGuiApplication.clipboard().setText(text)
        self.guard.hide()
        self._sent = True
        self.copied.emit("已复制回复草稿" + ("(已确认仍然复制)" if blockers.blocked else ""))
        return True

    def guard_script(self, script: Script) -> bool:
        """Put a library script into the draft when it may not be copied as it is (open placeholders,
        an error finding); True when it was put there."""
        text = self.script_text(script)
        self.session.context = self.context()
        blockers = self.session.copy_blockers(text)
        if not blockers.blocked:
            return False
        self.add_script(script)
        self.guard_label.setText(blockers.message() + "。请先处理,或点“仍然复制”(Ctrl+Shift+Enter)。")
        self._show_findings(self.session.check(self.editor.toPlainText()))
        self.guard.show()
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
