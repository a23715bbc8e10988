"""The settings dialog: content folder, role, default audience and channel, font size, always-on-top."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFileDialog, QFormLayout,
                               QHBoxLayout, QLineEdit, QMessageBox, QPushButton, QSpinBox, QWidget)

from app.core.paths import is_content_root
from app.core.settings import AUDIENCES, CHANNELS, ROLES, Settings


class SettingsDialog(QDialog):
    """Edits a copy of the settings; `result_settings()` gives the edited copy after accept."""

    def __init__(self, settings: Settings, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("设置")
        self._settings = settings
        self.content = QLineEdit(settings.content_root)
        self.content.setPlaceholderText("留空 = 使用内置示例知识库")
        browse = QPushButton("选择…")
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.content, 1)
        row.addWidget(browse)
        self.shared = QLineEdit(settings.shared_folder)
        self.shared.setPlaceholderText("留空 = 不同步")
        browse_shared = QPushButton("选择…")
        browse_shared.clicked.connect(self._browse_shared)
        shared_row = QHBoxLayout()
        shared_row.addWidget(self.shared, 1)
        shared_row.addWidget(browse_shared)
        self.interval = QSpinBox()
        self.interval.setRange(15, 3600)
        self.interval.setSuffix(" 秒")
        self.interval.setValue(settings.sync_interval_s)
        self.role = self._combo(ROLES, settings.role)
        self.audience = self._combo(AUDIENCES, settings.audience)
        self.channel = self._combo(CHANNELS, settings.channel)
        self.font_size = QSpinBox()
        self.font_size.setRange(8, 24)
        self.font_size.setValue(settings.font_size)
        self.on_top = QCheckBox("窗口总在最前")
        self.on_top.setChecked(settings.always_on_top)
        form = QFormLayout(self)
        form.addRow("知识库文件夹", row)
        form.addRow("团队共享文件夹", shared_row)
        form.addRow("同步间隔", self.interval)
        form.addRow("角色", self.role)
        form.addRow("默认客户类型", self.audience)
        form.addRow("默认渠道", self.channel)
        form.addRow("字号", self.font_size)
        form.addRow("", self.on_top)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.button(QDialogButtonBox.Ok).setText("保存")
        buttons.button(QDialogButtonBox.Cancel).setText("取消")
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    @staticmethod
    def _combo(values: tuple[str, ...], current: str) -> QComboBox:
        combo = QComboBox()
        combo.addItems(list(values))
        combo.setCurrentText(current)
        return combo

    def _browse(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "选择知识库文件夹(含 kb/ 与 scripts_library/)")
        if folder:
            self.content.setText(folder)

    def _browse_shared(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "选择团队共享文件夹")
        if folder:
            self.shared.setText(folder)

    def _accept(self) -> None:
        folder = self.content.text().strip()
        if folder and not is_content_root(Path(folder)):
            QMessageBox.warning(self, "设置", f"“{folder}” 里没有 kb/ 或 scripts_library/ 文件夹,请重新选择。")
            return
        self.accept()

    def result_settings(self) -> Settings:
        """The settings as edited in the dialog."""
        s = self._settings
        return Settings(content_root=self.content.text().strip(), shared_folder=self.shared.text().strip(),
                        sync_interval_s=self.interval.value(), role=self.role.currentText(),
                        audience=self.audience.currentText(), channel=self.channel.currentText(),
                        font_size=self.font_size.value(), always_on_top=self.on_top.isChecked(),
                        window_geometry=s.window_geometry, extra=dict(s.extra))
