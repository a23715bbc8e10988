"""The article view: sanitized Markdown, no remote loads, and a button per section to send it to the builder."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QTextBrowser, QVBoxLayout, QWidget

from app.core.content.model import Article
from app.core.content.render import escape, render_markdown
from app.core.vocab import CONCLUSION, EXPLANATION, PUBLISHED, STATUSES, STEPS
from app.ui.plain import plain_label

BUILDER_SECTIONS = (CONCLUSION, EXPLANATION, STEPS)
SECTION_KEYS = tuple(f"Alt+{n}" for n in range(1, len(BUILDER_SECTIONS) + 1))  # bound by the main window


class SafeTextBrowser(QTextBrowser):
    """A text browser that loads nothing: no images, no style sheets, no remote or local files."""

    link_clicked = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.anchorClicked.connect(lambda url: self.link_clicked.emit(url.toString()))

    def loadResource(self, kind: int, url: QUrl) -> Any:  # noqa: N802 - Qt override
        return None


class ArticleView(QWidget):
    """Shows one article; `send_section(article_id, section, text)` feeds the reply builder."""

    send_section = Signal(str, str, str)
    flag_requested = Signal()  # 「有误/过时」 on the article shown (team insights)
    gap_requested = Signal()  # 「记录为知识缺口」: this article does not answer the question searched

    def __init__(self, parent=None):
        super().__init__(parent)
        self.article: Article | None = None
        # Title, category and tags come from content files: plain text, never rendered (#18).
        self.title = plain_label("搜索并选择一篇文章")
        self.title.setWordWrap(True)
        self.title.setStyleSheet("font-size: 14pt; font-weight: bold;")
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.meta = plain_label("")
        self.meta.setWordWrap(True)
        self.meta.setStyleSheet("color: #666;")
        self.browser = SafeTextBrowser()
        self.buttons: dict[str, QPushButton] = {}
        row = QHBoxLayout()
        row.setSpacing(4)
        row.addWidget(plain_label("发送到回复:"))
        for number, (name, keys) in enumerate(zip(BUILDER_SECTIONS, SECTION_KEYS), start=1):
            button = QPushButton(f"{name} {keys}")
            button.setToolTip(f"把「{name}」放入回复的第{number}步({keys})")
            button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
            button.clicked.connect(lambda _=False, n=name: self._send(n))
            button.setEnabled(False)
            self.buttons[name] = button
            row.addWidget(button)
        row.addStretch(1)
        self.flag_button = QPushButton("有误/过时")
        self.flag_button.setToolTip("告诉文章负责人这篇文章有误或已过时 (Ctrl+Shift+X)")
        self.flag_button.clicked.connect(self.flag_requested)
        self.gap_button = QPushButton("记录为知识缺口")
        self.gap_button.setToolTip("这篇文章没有回答刚才搜索的问题:记录下来,知识管理员会看到 (Ctrl+Shift+Q)")
        self.gap_button.clicked.connect(self.gap_requested)
        feedback = QHBoxLayout()
        feedback.addStretch(1)
        for button in (self.flag_button, self.gap_button):
            button.setEnabled(False)
            button.setFlat(True)
            button.setStyleSheet("color:#a15c00")
            feedback.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.title)
        layout.addWidget(self.meta)
        layout.addLayout(row)
        layout.addLayout(feedback)
        layout.addWidget(self.browser, 1)

    def show_article(self, article: Article) -> None:
        """Render `article` (sanitized) and enable the buttons of the sections it has."""
        self.article = article
        self.title.setText(article.title)
        parts = [article.category, article.type, "、".join(article.tags)]
        if article.status != PUBLISHED:
            parts.append(STATUSES.label(article.status))
        if article.updated:
            parts.append(f"更新于 {article.updated}")
        self.meta.setText(" · ".join(p for p in parts if p))
        similar = ""
        if article.similar:
            similar = '<p style="color:#666">相似问法:' + " / ".join(escape(s) for s in article.similar) + "</p>"
        self.browser.setHtml(similar + render_markdown(article.body))
        for name, button in self.buttons.items():
            button.setEnabled(bool(article.section(name)))
        self.flag_button.setEnabled(True)
        self.gap_button.setEnabled(True)

    def focus_first(self) -> None:
        """Ctrl+1: the article text, so the arrows and PgUp/PgDn scroll it."""
        self.browser.setFocus()

    def send_number(self, number: int) -> bool:
        """Alt+1/2/3: send the article's section `number` (1-based) to the builder; False when it has none."""
        if not 1 <= number <= len(BUILDER_SECTIONS) or self.article is None:
            return False
        name = BUILDER_SECTIONS[number - 1]
        if not self.article.section(name):
            return False
        self._send(name)
        return True

    def _send(self, name: str) -> None:
        if self.article and self.article.section(name):
            self.send_section.emit(self.article.id, name, self.article.section(name))
