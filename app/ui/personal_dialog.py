"""「存为个人话术」: save a reply the agent is happy with as one of their own scripts (never published)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
)

from app.core.content.model import Script
from app.core.content.personal import SaveError, save_personal_script
from app.core.vocab import GENERAL_TYPE, SCRIPT_TYPES
from app.ui.plain import plain_label

TITLE_CHARS = 12


class PersonalScriptDialog(QDialog):
    """Title, type, stage and shortcut for a new personal script; its text starts as the draft and stays editable."""

    def __init__(self, text: str, script_type: str = GENERAL_TYPE, home: Path | None = None, parent=None):
        super().__init__(parent)
        self.setWindowTitle("存为个人话术")
        self.home = home
        self.saved: Script | None = None
        self.title_edit = QLineEdit(_title_from(text))
        self.title_edit.setPlaceholderText("必填,搜索时按标题找到它")
        self.type_box = QComboBox()
        self.type_box.addItems(list(SCRIPT_TYPES))
        self.type_box.setCurrentText(script_type if script_type in SCRIPT_TYPES else GENERAL_TYPE)
        self.stage_edit = QLineEdit()
        self.stage_edit.setPlaceholderText("可选,如 安抚、致歉、结束语")
        self.shortcut_edit = QLineEdit()
        self.shortcut_edit.setPlaceholderText("可选,如 wlaf(输入即可找到)")
        self.text_edit = QPlainTextEdit(text)
        self.text_edit.setPlaceholderText("话术内容;需要每次填写的地方写成 {订单号} 这样的占位符")
        self.error = plain_label("")  # the reason may quote the title or text typed
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color:#c62828")
        self.error.hide()
        form = QFormLayout()
        form.addRow("标题", self.title_edit)
        form.addRow("类型", self.type_box)
        form.addRow("环节", self.stage_edit)
        form.addRow("快捷码", self.shortcut_edit)
        hint = QLabel("只保存在本机,不会发布给团队。客户的电话、卡号等请先删除或遮盖。")
        hint.setWordWrap(True)
        hint.setStyleSheet("color:#666")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Save).setText("保存")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.text_edit, 1)
        layout.addWidget(hint)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.resize(400, 380)
        self.title_edit.setFocus()
        self.title_edit.selectAll()

    def save(self) -> None:
        """Write the script; on a problem (empty title, personal data …) say why and keep everything typed."""
        try:
            self.saved = save_personal_script(
                self.title_edit.text(),
                self.text_edit.toPlainText(),
                type=self.type_box.currentText(),
                stage=self.stage_edit.text(),
                shortcut=self.shortcut_edit.text(),
                home=self.home,
            )
        except (SaveError, OSError) as exc:
            self.error.setText(f"没有保存:{exc}")
            self.error.show()
            return
        self.accept()


def _title_from(text: str) -> str:
    """The first words of the draft, up to the first sentence break, as a starting title."""
    first = text.strip().splitlines()[0] if text.strip() else ""
    for mark in "。!?!?,,;;":
        first = first.split(mark, 1)[0]
    return first[:TITLE_CHARS]
