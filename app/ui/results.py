"""The results list: a Qt model over core search hits and a delegate that draws badge, title, snippet."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPalette, QTextDocument
from PySide6.QtWidgets import QListView, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from app.core.content.render import escape
from app.ui.plain import SafeDocument, plain_tip

HIT_ROLE = Qt.ItemDataRole.UserRole + 1
KIND_LABELS = {"article": "文章", "script": "话术"}
KIND_COLORS = {"article": "#2f6fde", "script": "#1f9d6b"}
PERSONAL_LABEL, PERSONAL_COLOR = "个人话术", "#b8610a"  # the agent's own scripts (never published)
MAX_LINES = 3  # title + two lines of snippet


class ResultsModel(QAbstractListModel):
    """Rows are core `Hit`s; the hit itself is under HIT_ROLE."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._hits: list[Any] = []

    def set_hits(self, hits: Sequence[Any]) -> None:
        """Replace all rows."""
        self.beginResetModel()
        self._hits = list(hits)
        self.endResetModel()

    def hit(self, row: int) -> Any:
        """The hit on `row`, or None."""
        return self._hits[row] if 0 <= row < len(self._hits) else None

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802 - Qt API
        return 0 if parent.isValid() else len(self._hits)

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        hit = self.hit(index.row())
        if hit is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return f"[{badge(hit)[0]}] {hit.title}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return plain_tip(hit.title)
        if role == HIT_ROLE:
            return hit
        return None


def badge(hit: Any) -> tuple[str, str]:
    """(label, colour) of a hit's badge: 文章, 话术, or 个人话术 for the agent's own scripts."""
    if getattr(hit, "layer", "") == "personal":
        return PERSONAL_LABEL, PERSONAL_COLOR
    return KIND_LABELS.get(hit.kind, hit.kind), KIND_COLORS.get(hit.kind, "#666")


def hit_html(hit: Any) -> str:
    """The rich text a result row shows: kind badge, title, category and the marked snippet."""
    label, color = badge(hit)
    meta = " · ".join(x for x in (getattr(hit, "category", ""), getattr(hit, "type", "")) if x)
    snippet = hit.snippet or ""
    return (
        f'<span style="color:{color};font-weight:bold">【{label}】</span>'
        f"<b>{escape(hit.title)}</b>"
        + (f' <span style="color:#888">{escape(meta)}</span>' if meta else "")
        + (f'<br><span style="color:#555">{snippet}</span>' if snippet else "")
    )


class ResultDelegate(QStyledItemDelegate):
    """Draws each hit as two lines of rich text; the snippet's <b> marks show the matched words."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._docs: dict[tuple, QTextDocument] = {}
        self._heights: dict[str, int] = {}

    def clear_cache(self) -> None:
        """Forget laid-out rows (new results)."""
        self._docs.clear()

    def _document(self, option: QStyleOptionViewItem, index: QModelIndex) -> QTextDocument:
        # sizeHint and paint both need the laid-out row; laying out rich text is the costly part.
        hit = index.data(HIT_ROLE)
        width = max(100, option.rect.width())
        key = (id(hit), width, option.font.toString())
        doc = self._docs.get(key)
        if doc is None:
            if len(self._docs) > 400:
                self._docs.clear()
            doc = SafeDocument()
            doc.setDefaultFont(option.font)
            doc.setDocumentMargin(4)
            doc.setHtml(hit_html(hit))
            doc.setTextWidth(width)
            self._docs[key] = doc
        return doc

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        style = opt.widget.style() if opt.widget else None
        if style:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        doc = self._document(option, index)
        painter.save()
        painter.translate(option.rect.topLeft())
        if option.state & QStyle.StateFlag.State_Selected:
            painter.fillRect(
                QRectF(0, 0, option.rect.width(), option.rect.height()),
                option.palette.color(QPalette.ColorRole.Highlight).lighter(170),
            )
        # Clip at the last line that fits whole: a long title or a mixed-script snippet never shows half a line.
        shown = _whole_lines_height(doc, option.rect.height() - 2)
        doc.drawContents(painter, QRectF(0, 0, option.rect.width(), shown))
        painter.restore()
        painter.setPen(QColor("#e6e6e6"))
        painter.drawLine(option.rect.bottomLeft(), option.rect.bottomRight())

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:  # noqa: N802 - Qt API
        # Every row is title + two snippet lines high: the list looks even, and no row has to be laid
        # out before it is painted (30 rich-text layouts per keystroke would show as a stutter).
        return QSize(option.rect.width(), self._row_height(option.font))

    def _row_height(self, font) -> int:
        key = font.toString()
        if key not in self._heights:
            doc = SafeDocument()
            doc.setDefaultFont(font)
            doc.setDocumentMargin(4)
            doc.setHtml("<b>标题</b><br>" + "第一行文字" * 40)
            doc.setTextWidth(200)
            self._heights[key] = int(_height_of_lines(doc, MAX_LINES)) + 2
        return self._heights[key]


def _height_of_lines(doc: QTextDocument, max_lines: int) -> float:
    """The height that shows the first `max_lines` laid-out lines whole, so no row ends in half a line."""
    doc.documentLayout()  # forces layout
    seen = 0
    bottom = doc.documentMargin()
    block = doc.begin()
    while block.isValid() and seen < max_lines:
        layout = block.layout()
        top = doc.documentLayout().blockBoundingRect(block).top()
        for i in range(layout.lineCount()):
            if seen == max_lines:
                break
            line = layout.lineAt(i)
            bottom = top + line.y() + line.height()
            seen += 1
        block = block.next()
    return bottom + doc.documentMargin()


def _whole_lines_height(doc: QTextDocument, available: float) -> float:
    """The height down to the bottom of the last laid-out line that fits in `available` whole."""
    layout_of = doc.documentLayout()
    bottom = 0.0
    block = doc.begin()
    while block.isValid():
        top = layout_of.blockBoundingRect(block).top()
        layout = block.layout()
        for i in range(layout.lineCount()):
            line = layout.lineAt(i)
            end = top + line.y() + line.height()
            if end > available:
                return bottom
            bottom = end
        block = block.next()
    return max(bottom, available)


def warm_up_fonts(font) -> None:
    """Lay out one sample row before the window shows: the first rich-text layout loads the CJK
    font faces (regular and bold) and would otherwise stall the first search result by ~100 ms."""
    doc = SafeDocument()
    doc.setDefaultFont(font)
    doc.setHtml(
        '<span style="color:#2f6fde;font-weight:bold">【文章】</span><b>退款多久到账?</b> '
        '<span style="color:#888">退换货 · 咨询</span><br>'
        '<span style="color:#555"><b>退款</b>审核通过后原路退回 abc 123</span>'
    )
    doc.setTextWidth(400)
    doc.idealWidth()


class ResultsView(QListView):
    """The list of hits, keyboard-driven from the search box."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.results_model = ResultsModel(self)
        self.setModel(self.results_model)
        self.delegate = ResultDelegate(self)
        self.setItemDelegate(self.delegate)
        self.results_model.modelAboutToBeReset.connect(self.delegate.clear_cache)
        self.setUniformItemSizes(True)
        self.setWordWrap(True)
        self.setVerticalScrollMode(QListView.ScrollMode.ScrollPerPixel)
        self.setSelectionMode(QListView.SelectionMode.SingleSelection)
        self.setResizeMode(QListView.ResizeMode.Adjust)

    def move_selection(self, step: int) -> None:
        """Move the current row by `step`, clamped to the list."""
        count = self.results_model.rowCount()
        if not count:
            return
        row = self.currentIndex().row()
        row = 0 if row < 0 and step > 0 else max(0, min(count - 1, row + step))
        self.setCurrentIndex(self.results_model.index(row))

    def current_hit(self) -> Any:
        """The selected hit, or the first one when nothing is selected."""
        row = self.currentIndex().row()
        return self.results_model.hit(row if row >= 0 else 0)
