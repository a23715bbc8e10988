"""The score-over-time chart of the 进度 page, drawn with QPainter (see docs/architecture.md for why)."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

BANDS = ((90, "#e8f6ef"), (75, "#eaf1fd"), (60, "#fdf3e6"), (0, "#fdecec"))  # 优秀 / 良好 / 及格 / 需加强
DOT = {90: "#1f9d6b", 75: "#2f6fde", 60: "#b8610a", 0: "#c62828"}
AVERAGE_OF = 5


class ScoreChart(QWidget):
    """Each attempt's total as a dot (coloured by grade) over grade bands, with a moving average line."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.points: list[tuple[datetime, int]] = []
        self.setMinimumHeight(150)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.setAccessibleName("分数走势图")

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(400, 190)

    def set_points(self, points: list[tuple[datetime, int]]) -> None:
        """Show these (time, total) points, oldest first."""
        self.points = list(points)
        self.setToolTip(f"最近 {len(points)} 次练习" if points else "还没有练习记录")
        self.update()

    def averages(self) -> list[float]:
        """The moving average of the last `AVERAGE_OF` totals at each point."""
        out = []
        for i in range(len(self.points)):
            window = [p[1] for p in self.points[max(0, i - AVERAGE_OF + 1) : i + 1]]
            out.append(sum(window) / len(window))
        return out

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        left, top, right, bottom = 34.0, 8.0, 10.0, 22.0
        area = QRectF(left, top, max(10.0, self.width() - left - right), max(10.0, self.height() - top - bottom))

        def y_of(score: float) -> float:
            return area.bottom() - area.height() * score / 100

        upper = 100
        for low, colour in BANDS:  # grade bands, labelled on the left
            painter.fillRect(QRectF(area.left(), y_of(upper), area.width(), y_of(low) - y_of(upper)), QColor(colour))
            upper = low
        painter.setPen(QColor("#888"))
        for mark in (0, 60, 75, 90, 100):
            painter.drawText(QRectF(0, y_of(mark) - 8, left - 4, 16), Qt.AlignmentFlag.AlignRight, str(mark))
        if not self.points:
            painter.drawText(area, Qt.AlignmentFlag.AlignCenter, "还没有练习记录:做一道演练,分数会画在这里")
            return
        count = len(self.points)

        def x_of(i: int) -> float:
            return area.left() + (area.width() * (i + 0.5) / count)

        path = QPainterPath()
        for i, value in enumerate(self.averages()):
            point = QPointF(x_of(i), y_of(value))
            path.moveTo(point) if i == 0 else path.lineTo(point)
        painter.setPen(QPen(QColor("#555"), 2))
        painter.drawPath(path)
        radius = 4.0 if count < 40 else 2.5
        for i, (_, total) in enumerate(self.points):
            colour = next(c for low, c in sorted(DOT.items(), reverse=True) if total >= low)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(colour))
            painter.drawEllipse(QPointF(x_of(i), y_of(total)), radius, radius)
        painter.setPen(QColor("#888"))
        first, last = self.points[0][0].astimezone(), self.points[-1][0].astimezone()
        painter.drawText(QRectF(area.left(), area.bottom() + 4, 120, 16), Qt.AlignmentFlag.AlignLeft, f"{first:%m-%d}")
        painter.drawText(
            QRectF(area.right() - 120, area.bottom() + 4, 120, 16), Qt.AlignmentFlag.AlignRight, f"{last:%m-%d}"
        )
        painter.drawText(
            QRectF(area.left(), area.bottom() + 4, area.width(), 16),
            Qt.AlignmentFlag.AlignHCenter,
            f"— 近 {AVERAGE_OF} 次平均",
        )
