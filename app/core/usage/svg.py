"""Charts as inline SVG: the HTML report embeds them and the 看板 renders the same SVG (QtSvg).

One drawing for both places means the chart a manager sees in the app is the chart they export. No
scripts, no external fonts or images: a self-contained picture any browser and QSvgRenderer show.
"""

from __future__ import annotations

from html import escape

PALETTE = ("#2f6fdf", "#e5533d", "#f2a93b", "#3aa876", "#8e5bd6", "#5b6b7f")
FONT = "font-family:'Noto Sans CJK SC','Microsoft YaHei','PingFang SC',sans-serif"


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1.0
    for power in range(-3, 9):
        for step in (1, 2, 2.5, 5):
            top = step * 10**power
            if top >= value:
                return top
    return value


def _fmt(value: float, percent: bool) -> str:
    if percent:
        return f"{value * 100:.0f}%"
    return f"{value:,.0f}" if value >= 10 else f"{value:g}"


def _frame(width: int, height: int, title: str, body: list[str], legend: list[tuple[str, str]]) -> str:
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}">',
        f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
        f'<text x="8" y="18" font-size="13" font-weight="bold" style="{FONT}" fill="#222">{escape(title)}</text>',
    ]
    x = width - 8
    for label, color in reversed(legend):
        w = 16 + 12 * len(label)
        x -= w
        parts.append(f'<rect x="{x}" y="9" width="10" height="10" fill="{color}"/>')
        parts.append(f'<text x="{x + 14}" y="18" font-size="11" style="{FONT}" fill="#444">{escape(label)}</text>')
    parts.extend(body)
    parts.append("</svg>")
    return "".join(parts)


def _axes(
    labels: list[str], top: float, percent: bool, box: tuple[int, int, int, int]
) -> tuple[list[str], list[float]]:
    left, top_y, right, bottom = box
    out = []
    for i in range(5):
        y = bottom - (bottom - top_y) * i / 4
        out.append(f'<line x1="{left}" y1="{y:.1f}" x2="{right}" y2="{y:.1f}" stroke="#e6e6e6"/>')
        out.append(
            f'<text x="{left - 4}" y="{y + 4:.1f}" font-size="10" text-anchor="end" style="{FONT}" fill="#666">'
            f"{_fmt(top * i / 4, percent)}</text>"
        )
    n = max(1, len(labels))
    xs = [left + (right - left) * (i + 0.5) / n for i in range(len(labels))]
    every = max(1, round(len(labels) / 8))
    for i, (x, label) in enumerate(zip(xs, labels)):
        if i % every == 0:
            out.append(
                f'<text x="{x:.1f}" y="{bottom + 14}" font-size="10" text-anchor="middle" style="{FONT}" '
                f'fill="#666">{escape(label)}</text>'
            )
    return out, xs


def line_chart(
    title: str,
    labels: list[str],
    series: dict[str, list[float]],
    *,
    percent: bool = False,
    width: int = 640,
    height: int = 220,
) -> str:
    """One or more series over the same labels (days), as lines with dots."""
    box = (44, 30, width - 10, height - 22)
    top = _nice_max(max((v for values in series.values() for v in values), default=0.0))
    body, xs = _axes(labels, top, percent, box)
    legend = []
    for (name, values), color in zip(series.items(), PALETTE):
        legend.append((name, color))
        points = [(x, box[3] - (box[3] - box[1]) * (v / top if top else 0)) for x, v in zip(xs, values)]
        if len(points) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
            body.append(f'<polyline points="{path}" fill="none" stroke="{color}" stroke-width="2"/>')
        for (x, y), v in zip(points, values):
            body.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.5" fill="{color}"><title>{_fmt(v, percent)}</title></circle>'
            )
    return _frame(width, height, title, body, legend)


def bar_chart(
    title: str, labels: list[str], series: dict[str, list[float]], *, width: int = 640, height: int = 220
) -> str:
    """Stacked bars: one bar per label, one colour per series (e.g. drafts per day by problem type)."""
    box = (44, 30, width - 10, height - 22)
    totals = [sum(values[i] for values in series.values()) for i in range(len(labels))]
    top = _nice_max(max(totals, default=0.0))
    body, xs = _axes(labels, top, False, box)
    slot = (box[2] - box[0]) / max(1, len(labels))
    bar = max(2.0, min(28.0, slot * 0.7))
    base = [float(box[3])] * len(labels)
    legend = []
    for (name, values), color in zip(series.items(), PALETTE):
        legend.append((name, color))
        for i, (x, v) in enumerate(zip(xs, values)):
            if v <= 0:
                continue
            h = (box[3] - box[1]) * v / top
            base[i] -= h
            body.append(
                f'<rect x="{x - bar / 2:.1f}" y="{base[i]:.1f}" width="{bar:.1f}" height="{h:.1f}" fill="{color}">'
                f"<title>{escape(labels[i])} {escape(name)}: {v:g}</title></rect>"
            )
    return _frame(width, height, title, body, legend)


def hbar_chart(title: str, rows: list[tuple[str, float]], *, width: int = 640, row_height: int = 20) -> str:
    """Horizontal bars with their labels (top categories, most opened articles)."""
    height = 34 + row_height * max(1, len(rows))
    top = _nice_max(max((v for _, v in rows), default=0.0))
    label_w = min(260, max(60, 13 * max((len(label) for label, _ in rows), default=4)))
    body = []
    for i, (label, value) in enumerate(rows):
        y = 30 + i * row_height
        w = (width - label_w - 60) * value / top
        short = label if len(label) <= 20 else label[:19] + "…"
        body.append(
            f'<text x="{label_w}" y="{y + 13}" font-size="11" text-anchor="end" style="{FONT}" fill="#333">'
            f"{escape(short)}</text>"
        )
        body.append(
            f'<rect x="{label_w + 6}" y="{y + 3}" width="{max(1.0, w):.1f}" height="{row_height - 6}" '
            f'fill="{PALETTE[0]}"><title>{escape(label)}: {value:g}</title></rect>'
        )
        body.append(
            f'<text x="{label_w + 10 + w:.1f}" y="{y + 13}" font-size="10" style="{FONT}" fill="#555">{value:g}</text>'
        )
    return _frame(width, height, title, body, [])
