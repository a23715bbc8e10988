"""The 设置 section for team statistics: on/off, retention, and exactly what the next sync would send."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.core.settings import Settings
from app.core.usage.aggregate import days_before
from app.core.usage.exchange import FIRST_UPLOAD_DAYS, outgoing, today
from app.core.usage.log import UsageLog

EXPLAIN = (
    "与团队共享的只有按天汇总的次数、规范化后的搜索词(不含个人信息的)、打开和复制的条目编号,"
    "以及你主动提交的反馈和案例(已脱敏)。含手机号、身份证号等个人信息的搜索只在本机计数,内容不离开本机。"
)


class UsagePrivacyBox(QWidget):
    """Checkbox 与团队共享使用统计, retention days, and 查看将发送的内容…"""

    def __init__(self, settings: Settings, home: Path | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.home = home
        self.role = settings.role
        self.enabled = QCheckBox("与团队共享使用统计(团队数据看板)")
        self.enabled.setChecked(settings.usage_sharing)
        self.retention = QSpinBox()
        self.retention.setRange(7, 730)
        self.retention.setSuffix(" 天后删除搜索词")
        self.retention.setValue(settings.usage_retention_days)
        show = QPushButton("查看将发送的内容…")
        show.clicked.connect(self.show_outgoing)
        note = QLabel(EXPLAIN)
        note.setWordWrap(True)
        note.setStyleSheet("color:#666")
        row = QHBoxLayout()
        row.addWidget(self.retention)
        row.addWidget(show)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.enabled)
        layout.addLayout(row)
        layout.addWidget(note)

    def outgoing_text(self) -> str:
        """What the next sync would write to the share, as readable JSON (empty note when sharing is off)."""
        if not self.enabled.isChecked():
            return "(已关闭:不会发送任何内容)"
        docs = outgoing(UsageLog(self.home), self.role, days_before(today(), FIRST_UPLOAD_DAYS - 1))
        return json.dumps(docs, ensure_ascii=False, indent=2)

    def show_outgoing(self) -> None:
        """A read-only window with exactly what would be sent."""
        dialog = QDialog(self)
        dialog.setWindowTitle("将发送到共享文件夹的内容")
        text = QPlainTextEdit(self.outgoing_text())
        text.setReadOnly(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(dialog.reject)
        layout = QVBoxLayout(dialog)
        layout.addWidget(QLabel("文件夹 .zhida/usage/<匿名编号>/ 中的文件:"))
        layout.addWidget(text, 1)
        layout.addWidget(buttons)
        dialog.resize(640, 560)
        self.preview = dialog
        dialog.open()
