"""The settings dialog: content folder, role, default audience and channel, font size, always-on-top."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QKeySequenceEdit,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from app.core.paths import is_content_root, is_empty_folder
from app.core.settings import Settings
from app.core.vocab import AUDIENCES, CHANNELS, ROLES
from app.ui.insights_privacy import UsagePrivacyBox
from app.ui.plain import plain_label, warn


class SettingsDialog(QDialog):
    """Edits a copy of the settings; `result_settings()` gives the edited copy after accept."""

    def __init__(self, settings: Settings, parent: QWidget | None = None, hotkey_error: str | None = None):
        super().__init__(parent)
        self.setWindowTitle("设置")
        self._settings = settings
        self.content, row = self._folder_row(
            settings.content_root, "留空 = 使用内置示例知识库", "选择知识库文件夹(含 kb/ 与 scripts_library/)"
        )
        self.shared, shared_row = self._folder_row(settings.shared_folder, "留空 = 不同步", "选择团队共享文件夹")
        self.interval = QSpinBox()
        self.interval.setRange(15, 3600)
        self.interval.setSuffix(" 秒")
        self.interval.setValue(settings.sync_interval_s)
        self.role = self._combo(ROLES.keys, settings.role)
        self.audience = self._combo(AUDIENCES.keys, settings.audience)
        self.channel = self._combo(CHANNELS.keys, settings.channel)
        self.font_size = QSpinBox()
        self.font_size.setRange(8, 24)
        self.font_size.setValue(settings.font_size)
        self.on_top = QCheckBox("窗口总在最前")
        self.on_top.setChecked(settings.always_on_top)
        desk_rows = self._desk_rows(settings, hotkey_error)
        form = QFormLayout(self)
        form.addRow("知识库文件夹", row)
        form.addRow("团队共享文件夹", shared_row)
        form.addRow("同步间隔", self.interval)
        form.addRow("角色", self.role)
        form.addRow("默认客户类型", self.audience)
        form.addRow("默认渠道", self.channel)
        form.addRow("字号", self.font_size)
        form.addRow("", self.on_top)
        self.privacy = UsagePrivacyBox(settings, parent=self)
        form.addRow("团队统计", self.privacy)
        for label, widget in desk_rows:
            form.addRow(label, widget)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("保存")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def _desk_rows(self, settings: Settings, hotkey_error: str | None) -> list[tuple[str, QWidget]]:
        """Summon and stay: the global hotkey (with why it does not work, if the platform refused it),
        the clipboard watch, the tray icon, docking."""
        self.hotkey = QKeySequenceEdit(QKeySequence(settings.hotkey))
        self.hotkey.setMaximumSequenceLength(1)
        self.hotkey.setClearButtonEnabled(True)
        self.hotkey.setToolTip("在任何程序里按下它,知答就回到最前、光标在搜索框;清空 = 不用全局快捷键")
        self.hotkey_note = plain_label(
            f"⚠ 全局快捷键不可用:{hotkey_error}" if hotkey_error and settings.hotkey else "在任何程序里都能唤出知答"
        )
        self.hotkey_note.setWordWrap(True)
        self.hotkey_note.setStyleSheet("color:#b45309;" if hotkey_error and settings.hotkey else "color:#666;")
        self.clipboard_watch = QCheckBox("复制聊天里的文字后,提示用它搜索(按全局快捷键即可)")
        self.clipboard_watch.setChecked(settings.clipboard_watch)
        self.tray = QCheckBox("在系统托盘显示图标;关闭窗口后仍在托盘运行")
        self.tray.setChecked(settings.tray)
        self.dock = QCheckBox("停靠在屏幕右侧(全高,Ctrl+Shift+D)")
        self.dock.setChecked(settings.dock_right)
        for box in (self.clipboard_watch, self.tray, self.dock):
            box.setStyleSheet("QCheckBox { padding: 1px 0; }")
        return [
            ("全局快捷键", self.hotkey),
            ("", self.hotkey_note),
            ("", self.clipboard_watch),
            ("", self.tray),
            ("", self.dock),
        ]

    @staticmethod
    def _combo(values: tuple[str, ...], current: str) -> QComboBox:
        combo = QComboBox()
        combo.addItems(list(values))
        combo.setCurrentText(current)
        return combo

    def _folder_row(self, value: str, placeholder: str, title: str) -> tuple[QLineEdit, QHBoxLayout]:
        edit = QLineEdit(value)
        edit.setPlaceholderText(placeholder)
        browse = QPushButton("选择…")

        def choose() -> None:
            folder = QFileDialog.getExistingDirectory(self, title)
            if folder:
                edit.setText(folder)

        browse.clicked.connect(choose)
        row = QHBoxLayout()
        row.addWidget(edit, 1)
        row.addWidget(browse)
        return edit, row

    def _accept(self) -> None:
        folder = self.content.text().strip()
        if folder and not is_content_root(Path(folder)):
            if not is_empty_folder(Path(folder)):
                warn(
                    self,
                    "设置",
                    f"“{folder}” 里没有 kb/ 或 scripts_library/ 文件夹,请重新选择"
                    "(或选一个空文件夹,首次同步会从团队共享文件夹下载知识库)。",
                )
                return
            if not self.shared.text().strip():
                warn(self, "设置", f"“{folder}” 是空文件夹:请同时填写团队共享文件夹,首次同步会把知识库下载到这里。")
                return
        self.accept()

    def result_settings(self) -> Settings:
        """The settings as edited in the dialog."""
        s = self._settings
        return Settings(
            content_root=self.content.text().strip(),
            shared_folder=self.shared.text().strip(),
            sync_interval_s=self.interval.value(),
            role=self.role.currentText(),
            audience=self.audience.currentText(),
            channel=self.channel.currentText(),
            font_size=self.font_size.value(),
            always_on_top=self.on_top.isChecked(),
            hotkey=self.hotkey.keySequence().toString(QKeySequence.SequenceFormat.PortableText),
            clipboard_watch=self.clipboard_watch.isChecked(),
            tray=self.tray.isChecked(),
            dock_right=self.dock.isChecked(),
            window_geometry=s.window_geometry,
            extra=dict(s.extra),
            usage_sharing=self.privacy.enabled.isChecked(),
            usage_retention_days=self.privacy.retention.value(),
        )
