"""The script editor: one script's fields as a form, placeholders highlighted and listed, shortcut checked."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from app.core.authoring.forms import ScriptForm, script_file_text, script_form
from app.core.authoring.slugs import derive_id
from app.core.content.placeholders import find_placeholders
from app.core.vocab import CHANNELS, SCRIPT_TYPES, STAGES
from app.ui.workbench_widgets import CheckedEditor, LintList, PlaceholderHighlighter

VARIANTS = (("en", "English"), ("zh-TW", "繁體"))


def _split(text: str) -> list[str]:
    return [t.strip() for t in text.replace(",", ",").replace("、", ",").split(",") if t.strip()]


class ScriptEditor(QWidget):
    """Edits one script inside its file; `file_text()` is the whole file with this script written back."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.original = ""
        self.old_id: str | None = None
        self.is_new = True
        self.taken: set[str] = set()
        self.shortcuts: dict[str, str] = {}
        self._loading = False
        self.title = QLineEdit()
        self.title.setPlaceholderText("话术名称,例如:在线标准开场")
        self.item_id = QLineEdit()
        self.type = QComboBox()
        self.type.addItems(list(SCRIPT_TYPES))
        self.stage = QComboBox()
        self.stage.setEditable(True)
        self.stage.addItems(list(STAGES))
        self.tags = QLineEdit()
        self.tags.setPlaceholderText("用逗号分隔")
        self.channels = QLineEdit()
        self.channels.setPlaceholderText("留空=所有渠道;如 在线, 电话")
        self.shortcut = QLineEdit()
        self.shortcut.setPlaceholderText("快捷键,如 kc")
        self.shortcut_note = QLabel("")
        self.text = CheckedEditor("话术正文:{客户称呼}、{订单号} 等占位符在复制前由坐席填写")
        self.highlighter = PlaceholderHighlighter(self.text.document())
        self.fill_ins = QLabel("")
        self.fill_ins.setWordWrap(True)
        self.fill_ins.setStyleSheet("color:#1a73e8")
        self.variants: dict[str, CheckedEditor] = {}
        for lang, label in VARIANTS:
            editor = CheckedEditor(f"{label} 版本(可留空)")
            editor.setMaximumHeight(70)
            PlaceholderHighlighter(editor.document())
            self.variants[lang] = editor
        self.lint_list = LintList()
        self.lint_list.setMaximumHeight(100)
        self.lint_list.hide()
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow("名称", self.title)
        form.addRow("ID", self.item_id)
        row = QHBoxLayout()
        row.addWidget(self.type, 1)
        row.addWidget(QLabel("阶段"))
        row.addWidget(self.stage, 1)
        form.addRow("类型", row)
        form.addRow("标签", self.tags)
        form.addRow("渠道", self.channels)
        short = QHBoxLayout()
        short.addWidget(self.shortcut, 1)
        short.addWidget(self.shortcut_note, 2)
        form.addRow("快捷键", short)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(form)
        layout.addWidget(QLabel("<b>话术正文</b>"))
        layout.addWidget(self.text, 1)
        layout.addWidget(self.fill_ins)
        for lang, label in VARIANTS:
            layout.addWidget(QLabel(f"{label} ({lang})"))
            layout.addWidget(self.variants[lang])
        layout.addWidget(self.lint_list)
        self.title.textChanged.connect(self._title_changed)
        for widget in (self.item_id, self.tags, self.channels):
            widget.textChanged.connect(self._edited)
        self.shortcut.textChanged.connect(self._shortcut_changed)
        self.type.currentIndexChanged.connect(self._edited)
        self.stage.currentTextChanged.connect(self._edited)
        self.text.textChanged.connect(self._text_changed)
        for editor in self.variants.values():
            editor.textChanged.connect(self._edited)

    def load(
        self,
        file_text: str,
        script_id: str | None,
        taken: set[str],
        shortcuts: dict[str, str],
        form: ScriptForm | None = None,
    ) -> None:
        """Show one script of a file (`script_id` None: a new script, optionally prefilled with `form`)."""
        self._loading = True
        try:
            self.original = file_text
            self.old_id = script_id
            self.is_new = script_id is None
            self.taken = set(taken)
            self.shortcuts = dict(shortcuts)
            found = script_form(file_text, script_id) if script_id else None
            self.set_form(found or form or ScriptForm())
        finally:
            self._loading = False
        self._text_changed()

    def set_form(self, form: ScriptForm) -> None:
        """Fill the widgets from a form."""
        self.title.setText(form.title)
        self.item_id.setText(form.id)
        self.item_id.setReadOnly(not self.is_new)
        self.type.setCurrentText(form.type if form.type in SCRIPT_TYPES else SCRIPT_TYPES[-1])
        self.stage.setCurrentText(form.stage)
        self.tags.setText(", ".join(form.tags))
        self.channels.setText(", ".join(form.channels))
        self.shortcut.setText(form.shortcut)
        self.text.setPlainText(form.text)
        for lang, editor in self.variants.items():
            editor.setPlainText(form.variants.get(lang, ""))

    def form(self) -> ScriptForm:
        """The script as the widgets hold it now."""
        channels = [c for c in (CHANNELS.normalize(x) for x in _split(self.channels.text())) if c]
        return ScriptForm(
            id=self.item_id.text().strip(),
            title=self.title.text().strip(),
            text=self.text.toPlainText().strip(),
            type=self.type.currentText(),
            stage=self.stage.currentText().strip(),
            tags=_split(self.tags.text()),
            channels=channels,
            shortcut=self.shortcut.text().strip(),
            variants={lang: e.toPlainText().strip() for lang, e in self.variants.items() if e.toPlainText().strip()},
        )

    def file_text(self) -> str:
        """The whole script file with this script written back (other scripts and comments untouched)."""
        return script_file_text(self.form(), self.original, self.old_id)

    def lint_fields(self) -> dict[str, str]:
        """The customer-facing texts for the checker: the text and each variant."""
        fields = {"text": self.text.toPlainText()}
        fields.update({f"variant:{lang}": e.toPlainText() for lang, e in self.variants.items()})
        return fields

    def shortcut_taken(self) -> str | None:
        """The title of another script that already uses this shortcut, if any."""
        key = self.shortcut.text().strip()
        owner = self.shortcuts.get(key) if key else None
        return owner if owner is not None and owner != self.item_id.text().strip() else None

    def show_lint(self, report: Any) -> None:
        """Underline findings in the text and variants; list every problem."""
        self.text.set_findings(report.in_field("text"))
        for lang, editor in self.variants.items():
            editor.set_findings(report.in_field(f"variant:{lang}"))
        self.lint_list.show_report(report)

    def _title_changed(self, title: str) -> None:
        if not self._loading and self.is_new:
            self.item_id.setText(derive_id(title, self.taken, prefix="s-") if title.strip() else "")
        self._edited()

    def _shortcut_changed(self) -> None:
        other = self.shortcut_taken()
        self.shortcut_note.setText(f"⚠ 已被「{other}」使用" if other else "")
        self.shortcut_note.setStyleSheet("color:#d93025" if other else "")
        self._edited()

    def _text_changed(self) -> None:
        names = find_placeholders(self.text.toPlainText())
        self.fill_ins.setText(("坐席需填写:" + "、".join(f"{{{n}}}" for n in names)) if names else "")
        self._edited()

    def _edited(self, *_args: Any) -> None:
        if not self._loading:
            self.changed.emit()
