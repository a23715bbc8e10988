"""F1: every keyboard path of the window, shown over it."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent, QMouseEvent
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

SHORTCUTS = (
    ("Ctrl+L / Ctrl+F", "回到搜索框"),
    ("输入文字", "边输入边搜索(关键词、拼音首字母、繁体、客户原话)"),
    ("↑ ↓ / PgUp PgDn", "在结果中移动"),
    ("Enter", "打开选中的文章或话术(输入法选词时不触发)"),
    ("Ctrl+Enter", "复制选中的话术,或在回复页复制草稿"),
    ("Ctrl+1 … Ctrl+5", "切换:文章 / 话术库 / 回复 / 问题 / 练习"),
    ("Ctrl+Enter(练习页)", "提交回复,看得分、原因和更好的说法"),
    ("Ctrl+G", "根据客户消息生成回复"),
    ("Ctrl+.", "采用光标处检查问题的第一条修改建议"),
    ("Ctrl+D", "收藏 / 取消收藏选中的话术"),
    ("Ctrl+,", "设置"),
    ("Esc", "清空搜索框 / 关闭本帮助"),
    ("F1", "显示 / 关闭本帮助"),
)


class HelpOverlay(QWidget):
    """A translucent panel over the main window listing SHORTCUTS; any key or click closes it."""

    def __init__(self, parent: QWidget):
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet("HelpOverlay { background: rgba(20, 24, 32, 225); } QLabel { color: white; }")
        rows = "".join(f"<tr><td style='padding:3px 14px 3px 0'><b>{k}</b></td><td>{v}</td></tr>" for k, v in SHORTCUTS)
        label = QLabel(f"<h3>键盘操作</h3><table>{rows}</table><p style='color:#bbb'>按任意键关闭</p>")
        label.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 24, 24, 24)
        layout.addWidget(label, 0, Qt.AlignmentFlag.AlignTop)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.hide()

    def toggle(self) -> None:
        """Show over the whole parent, or hide."""
        if self.isVisible():
            self.hide()
            return
        self.setGeometry(self.parentWidget().rect())
        self.raise_()
        self.show()
        self.setFocus()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        self.hide()

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        self.hide()
