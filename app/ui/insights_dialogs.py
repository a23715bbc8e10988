"""The 看板's dialogs: 新建文章 from a gap, 加为某文章的相似问法 (article picker)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from app.core.content.model import Article
from app.core.vocab import ARTICLE_TYPES, INQUIRY


def _buttons(dialog: QDialog, ok: str) -> QDialogButtonBox:
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    buttons.button(QDialogButtonBox.StandardButton.Ok).setText(ok)
    buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    return buttons


class NewArticleDialog(QDialog):
    """Title (from the gap), category, type and a first 结论; the article is created as a draft."""

    def __init__(self, title: str, phrases: list[str], categories: list[str], parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("新建文章(草稿)")
        self.title = QLineEdit(title)
        self.category = QComboBox()
        self.category.setEditable(True)
        self.category.addItems(categories)
        self.type = QComboBox()
        self.type.addItems(list(ARTICLE_TYPES))
        self.type.setCurrentText(INQUIRY)
        self.similar = QPlainTextEdit("\n".join(phrases))
        self.similar.setMaximumHeight(80)
        self.conclusion = QPlainTextEdit()
        self.conclusion.setPlaceholderText("结论先行:一两句话回答这个问题(可稍后在知识管理里补充)")
        self.conclusion.setMaximumHeight(90)
        form = QFormLayout(self)
        form.addRow("标题", self.title)
        form.addRow("分类", self.category)
        form.addRow("类型", self.type)
        form.addRow("相似问法(每行一个)", self.similar)
        form.addRow("结论", self.conclusion)
        form.addRow(_buttons(self, "创建草稿"))

    def phrases(self) -> list[str]:
        """The 相似问法, one per line."""
        return [line.strip() for line in self.similar.toPlainText().splitlines() if line.strip()]


class ArticlePicker(QDialog):
    """Pick the article a phrasing belongs to: type to filter by title; the best search hit comes first."""

    def __init__(self, phrase: str, articles: list[Article], best: list[str], parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("加为相似问法")
        order = {aid: i for i, aid in enumerate(best)}
        self.articles = sorted(articles, key=lambda a: (order.get(a.id, len(order)), a.category, a.title))
        self.phrase = QLineEdit(phrase)
        self.combo = QComboBox()
        self.combo.setEditable(True)
        self.combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        for a in self.articles:
            self.combo.addItem(f"{a.title}  ({a.category or '未分类'} · {a.id})", a.id)
        completer = self.combo.completer() or QCompleter(self.combo.model(), self.combo)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.combo.setCompleter(completer)
        form = QFormLayout(self)
        form.addRow("说法", self.phrase)
        form.addRow("加到文章", self.combo)
        form.addRow(_buttons(self, "加为相似问法"))

    def article(self) -> Article | None:
        """The chosen article."""
        index = self.combo.findText(self.combo.currentText())
        if index < 0:
            index = self.combo.currentIndex()
        return self.articles[index] if 0 <= index < len(self.articles) else None
