"""A chart on the 看板: the same SVG the HTML report embeds (`core.usage.svg`), redrawn at the widget's width."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QByteArray, QRectF, QSize
from PySide6.QtGui import QPainter, QPaintEvent, QResizeEvent
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QSizePolicy, QWidget

MakeSvg = Callable[[int], str]  # width in px → SVG text


class SvgChart(QWidget):
    """Draws `make(width)` and makes it again when the width changes, so text stays sharp and readable."""

    def __init__(self, make: MakeSvg | None = None, height: int = 220, parent: QWidget | None = None):
        super().__init__(parent)
        self._make = make
        self._height = height
        self._renderer = QSvgRenderer(self)
        self._width = 0
        self.svg = ""
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setMinimumHeight(height)

    def set_chart(self, make: MakeSvg, height: int | None = None) -> None:
        """Show a new chart."""
        self._make = make
        if height:
            self._height = height
            self.setMinimumHeight(height)
            self.updateGeometry()
        self._width = 0
        self.update()

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(640, self._height)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        self.update()
        super().resizeEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        if self._make is None:
            return
        width = max(200, self.width())
        if width != self._width:
            self._width = width
            self.svg = self._make(width)
            self._renderer.load(QByteArray(self.svg.encode("utf-8")))
            size = self._renderer.defaultSize()
            if size.height() != self.minimumHeight():
                self.setMinimumHeight(size.height())
        painter = QPainter(self)
        size = self._renderer.defaultSize()
        self._renderer.render(painter, QRectF(0, 0, size.width(), size.height()))
        painter.end()
