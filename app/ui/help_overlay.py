"""F1: every keyboard path of the window, shown over it.

The list is built each time it opens from the shortcuts that exist (app/ui/keys.bind records a
description and a group for each), plus the keys widgets handle themselves (typing, arrows, Enter).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent, QKeySequence, QMouseEvent, QShortcut
from PySide6.QtWidgets import QLabel, QScrollArea, QVBoxLayout, QWidget

from app.core.content.render import escape
from app.ui.keys import ARTICLE, DESK, GROUP_PROPERTY, OTHER, REPLY, SEARCH, SWITCH

# Keys the widgets handle themselves (no QShortcut behind them).
WIDGET_KEYS = (
    (SEARCH, "输入文字", "边输入边搜索(关键词、拼音首字母、繁体、客户原话)"),
    (SEARCH, "↑ ↓ / PgUp PgDn", "在结果中移动"),
    (SEARCH, "Enter", "打开选中的文章或话术(输入法选词时不触发)"),
    (SEARCH, "Ctrl+Enter", "复制选中的话术;在“回复”页复制草稿"),
    (SEARCH, "Esc", "清空搜索框"),
    ("话术库", "↑ ↓ ← →", "在话术树中移动、展开、收起"),
    ("话术库", "Enter / Ctrl+Enter", "加入回复 / 直接复制"),
    (REPLY, "Tab / Shift+Tab", "在客户消息、草稿、按钮之间移动"),
    ("练习", "Ctrl+Enter", "提交回复,看得分、原因和更好的说法"),
)
# Shortcuts other panels create without a description: what they do, by key.
KNOWN = {
    "Ctrl+Enter": (REPLY, "复制回复草稿(有未填内容或问题时先提示)"),
    "Ctrl+.": (REPLY, "采用光标处检查问题的第一条修改建议"),
}
GROUP_ORDER = (SEARCH, SWITCH, ARTICLE, "话术库", REPLY, "练习", DESK, OTHER)


def shortcut_rows(window: QWidget) -> list[tuple[str, str, str]]:
    """(group, keys, what it does) for every shortcut of `window` and every key its widgets handle."""
    rows: list[tuple[str, str, str]] = []
    switch: list[tuple[str, str]] = []
    for shortcut in window.findChildren(QShortcut):
        keys = shortcut.key().toString(QKeySequence.SequenceFormat.PortableText).replace("Return", "Enter")
        if not keys:
            continue
        group = shortcut.property(GROUP_PROPERTY) or ""
        what = shortcut.whatsThis()
        if not what:
            group, what = KNOWN.get(keys, (OTHER, "快捷键"))
        if group == SWITCH:
            switch.append((keys, what))
        else:
            rows.append((group, keys, what))
    if switch:
        first, last = switch[0][0], switch[-1][0]
        tabs = " / ".join(what for _k, what in switch)
        rows.append((SWITCH, f"{first} … {last}" if len(switch) > 1 else first, f"切换并进入:{tabs}"))
    # One row per (group, what it does): Ctrl+L and Ctrl+F, Ctrl+Return and Ctrl+Enter are one row.
    merged: dict[tuple[str, str], list[str]] = {}
    for group, keys, what in [*WIDGET_KEYS, *rows]:
        keys_of = merged.setdefault((group, what), [])
        if keys not in keys_of:
            keys_of.append(keys)
    order = {g: i for i, g in enumerate(GROUP_ORDER)}
    out = [(g, " / ".join(k), what) for (g, what), k in merged.items()]
    return sorted(out, key=lambda r: order.get(r[0], len(order)))


class HelpOverlay(QWidget):
    """A translucent panel over the main window listing every keyboard path; any key or click closes it."""

    def __init__(self, parent: QWidget):
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet(
            "HelpOverlay { background: rgba(20, 24, 32, 246); } QLabel { color: white; }"
            " QScrollArea, QScrollArea > QWidget > QWidget { background: transparent; }"
        )
        self.label = QLabel()
        self.label.setTextFormat(Qt.TextFormat.RichText)  # built here from our own, escaped strings
        self.label.setWordWrap(True)
        self.label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(self.label)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addWidget(scroll)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.hide()

    def text(self) -> str:
        """The overlay's text as shown (for tests and screen readers)."""
        return self.label.text()

    def refresh(self) -> None:
        """Rebuild the list from the window's shortcuts as they are now."""
        window = self.window()
        parts = ["<h3 style='margin:0 0 4px 0'>键盘操作</h3><table cellspacing='0'>"]
        group = None
        for g, keys, what in shortcut_rows(window):
            if g != group:
                group = g
                parts.append(f"<tr><td colspan='2' style='color:#9ec3ff;padding-top:6px'>{escape(g)}</td></tr>")
            parts.append(
                f"<tr><td style='padding:1px 12px 1px 0;white-space:nowrap'><b>{escape(keys)}</b></td>"
                f"<td>{escape(what)}</td></tr>"
            )
        parts.append("</table><p style='color:#bbb'>按任意键关闭</p>")
        self.label.setText("".join(parts))

    def toggle(self) -> None:
        """Show over the whole parent, or hide."""
        if self.isVisible():
            self.hide()
            return
        self.refresh()
        self.setGeometry(self.parentWidget().rect())
        self.raise_()
        self.show()
        self.setFocus()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        self.hide()

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        self.hide()
