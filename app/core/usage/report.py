"""The team report in four forms: text for the terminal, JSON, CSV (one table, a `section` column) and
a self-contained HTML page with inline SVG charts (no scripts, no remote loads)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from html import escape

from app.core.usage.insights import MIN_AGENTS, Gap, Insights, weekly
from app.core.usage.svg import bar_chart, hbar_chart, line_chart
from app.core.vocab import CASE_OUTCOMES, CASE_POLARITIES, CASE_STATUSES, FLAG_KINDS, FLAG_OPEN, FLAG_STATUSES


def gap_text(gap: Gap) -> str:
    """What a gap row shows: its text, or why the text is withheld."""
    if gap.text is not None:
        return gap.text
    return f"(少于{MIN_AGENTS}位坐席搜索,内容不显示)"


def _pct(n: int, d: int) -> str:
    return f"{n / d * 100:.1f}%" if d else "—"


def to_text(ins: Insights) -> str:
    """A terminal summary."""
    t = ins.totals
    s = t.get("searches", 0)
    lines = [
        f"团队数据 {ins.since} ~ {ins.until} · {ins.clients} 位坐席",
        f"搜索 {s} 次 · 无结果 {t.get('no_result', 0)} ({_pct(t.get('no_result', 0), s)}) · "
        f"无点击 {t.get('no_click', 0)} ({_pct(t.get('no_click', 0), s)}) · 生成回复 {t.get('drafts', 0)}",
        "",
        "内容缺口 (content gaps):",
    ]
    for g in ins.gaps[:15]:
        lines.append(f"  {g.agents:3} 位坐席 {g.count:4} 次  {gap_text(g)}")
    if not ins.gaps:
        lines.append("  (无)")
    lines.append("最常打开的文章:")
    lines.extend(f"  {u.count:4}  {u.title} ({u.id})" for u in ins.top_opened[:10])
    lines.append("最常复制的话术:")
    lines.extend(f"  {u.count:4}  {u.title} ({u.id})" for u in ins.top_copied[:10])
    open_flags = [f for f in ins.flags if f.status == FLAG_OPEN]
    lines.append(f"待处理反馈 {len(open_flags)} 条:")
    lines.extend(f"  [{FLAG_KINDS.label(f.kind)}] {f.title or f.article}: {f.comment}" for f in open_flags[:10])
    lines.append(f"相似问法建议 {len(ins.suggestions)} 条:")
    lines.extend(f"  {s_.phrase} → {s_.title} ({s_.agents} 位坐席)" for s_ in ins.suggestions[:10])
    lines.append(
        f"过期待复核且常用 {len(ins.stale_hot)} 篇 · 60天无人查看 {len(ins.unused)} 篇 · 客户建议 {len(ins.voice)} 条"
    )
    if ins.errors:
        lines.append(f"{len(ins.errors)} 个共享文件无法读取(见 --json 的 errors)")
    return "\n".join(lines)


def to_json(ins: Insights) -> str:
    """One JSON document."""
    return json.dumps(ins.as_dict(), ensure_ascii=False, indent=2)


def to_csv(ins: Insights) -> str:
    """One table for a spreadsheet: section, key, label, value columns (UTF-8 with BOM for Excel)."""
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(["section", "key", "label", "count", "agents", "extra"])
    for p in ins.daily:
        w.writerow(["daily", p.day, "searches", p.searches, "", f"no_result={p.no_result};no_click={p.no_click}"])
    for g in ins.gaps:
        w.writerow(["gap", g.key if g.text else "", gap_text(g), g.count, g.agents, f"no_result={g.no_result}"])
    for u in ins.top_opened:
        w.writerow(["opened", u.id, u.title, u.count, u.agents, ""])
    for u in ins.top_copied:
        w.writerow(["copied", u.id, u.title, u.count, u.agents, ""])
    for u in ins.stale_hot:
        w.writerow(["stale_hot", u.id, u.title, u.count, u.agents, ""])
    for u in ins.unused:
        w.writerow(["unused_60d", u.id, u.title, 0, 0, ""])
    for f in ins.flags:
        w.writerow(["flag", f.article, f.comment, 1, "", f"{f.kind};{f.status};{f.note}"])
    for s in ins.suggestions:
        w.writerow(["suggestion", s.article, s.phrase, s.count, s.agents, s.title])
    for kind, per_day in ins.drafts_by_type.items():
        for day, n in per_day.items():
            w.writerow(["drafts_by_type", day, kind, n, "", ""])
    for category, n in ins.drafts_by_category.items():
        w.writerow(["drafts_by_category", category, category, n, "", ""])
    for v in ins.voice:
        w.writerow(["voice", v.first_day, v.text, v.count, "", v.last_day])
    return "\ufeff" + out.getvalue()


def voice_csv(ins: Insights) -> str:
    """The customers' 建议 alone, for the product or operations team."""
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(["建议内容", "次数", "首次", "最近"])
    for v in ins.voice:
        w.writerow([v.text, v.count, v.first_day, v.last_day])
    return "\ufeff" + out.getvalue()


def charts(ins: Insights, width: int = 640, only: str | None = None) -> dict[str, str]:
    """The report's charts as SVG by name (the 看板 shows the same ones); `only` draws just that one."""
    labels = [p.day[5:] for p in ins.daily]

    def weeks_chart() -> str:
        by_week = {k: weekly(v) for k, v in ins.drafts_by_type.items()}
        weeks = sorted({w for v in by_week.values() for w in v})
        return bar_chart(
            "每周生成回复(按问题类型)",
            [w[5:] for w in weeks],
            {k: [float(v.get(w, 0)) for w in weeks] for k, v in by_week.items()},
            width=width,
        )

    makers: dict[str, Callable[[], str]] = {
        "searches": lambda: line_chart(
            "每日搜索次数", labels, {"搜索": [float(p.searches) for p in ins.daily]}, width=width
        ),
        "rates": lambda: line_chart(
            "无结果率 / 无点击率",
            labels,
            {"无结果率": [p.no_result_rate for p in ins.daily], "无点击率": [p.no_click_rate for p in ins.daily]},
            percent=True,
            width=width,
        ),
        "drafts_daily": lambda: bar_chart(
            "每日生成回复(按问题类型)",
            labels,
            {k: [float(v.get(p.day, 0)) for p in ins.daily] for k, v in ins.drafts_by_type.items()},
            width=width,
        ),
        "drafts_weekly": weeks_chart,
        "categories": lambda: hbar_chart(
            "生成回复最多的分类", [(k, float(v)) for k, v in list(ins.drafts_by_category.items())[:12]], width=width
        ),
    }
    return {name: make() for name, make in makers.items() if only is None or name == only}


def _table(headers: list[str], rows: list[list[object]]) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{escape(str(c))}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><tr>{head}</tr>{body or '<tr><td colspan=9>(无)</td></tr>'}</table>"


def to_html(ins: Insights) -> str:
    """A self-contained page: inline SVG charts and tables, no scripts, no remote loads."""
    t = ins.totals
    s = t.get("searches", 0)
    c = charts(ins)
    sections = [
        f"<h1>知答 团队数据报告 {escape(ins.since)} ~ {escape(ins.until)}</h1>",
        f"<p>{ins.clients} 位坐席 · 搜索 {s} 次 · 无结果率 {_pct(t.get('no_result', 0), s)} · "
        f"无点击率 {_pct(t.get('no_click', 0), s)} · 生成回复 {t.get('drafts', 0)} 次</p>",
        c["searches"],
        c["rates"],
        "<h2>内容缺口</h2>",
        _table(
            ["问题", "坐席数", "次数", "无结果", "无点击", "其他说法"],
            [[gap_text(g), g.agents, g.count, g.no_result, g.no_click, "、".join(g.variants)] for g in ins.gaps[:50]],
        ),
        "<h2>相似问法建议</h2>",
        _table(["说法", "文章", "坐席数", "次数"], [[x.phrase, x.title, x.agents, x.count] for x in ins.suggestions]),
        "<h2>最常打开的文章</h2>",
        _table(["文章", "打开", "坐席数"], [[u.title, u.count, u.agents] for u in ins.top_opened]),
        "<h2>最常复制的话术</h2>",
        _table(["话术", "复制", "坐席数"], [[u.title, u.count, u.agents] for u in ins.top_copied]),
        "<h2>过期待复核(按打开次数)</h2>",
        _table(["文章", "打开"], [[u.title, u.count] for u in ins.stale_hot]),
        "<h2>60天无人查看的文章</h2>",
        _table(["文章", "编号"], [[u.title, u.id] for u in ins.unused]),
        "<h2>坐席反馈</h2>",
        _table(
            ["类型", "文章", "意见", "状态", "处理说明"],
            [
                [FLAG_KINDS.label(f.kind), f.title or f.article, f.comment, FLAG_STATUSES.label(f.status), f.note]
                for f in ins.flags
            ],
        ),
        "<h2>问题台账</h2>",
        c["drafts_daily"],
        c["drafts_weekly"],
        c["categories"],
        "<h3>高频话题</h3>",
        _table(["话题", "坐席数", "搜索次数"], [[gap_text(g), g.agents, g.count] for g in ins.topics]),
        "<h3>客户建议(已脱敏、去重)</h3>",
        _table(["建议", "次数", "首次", "最近"], [[v.text, v.count, v.first_day, v.last_day] for v in ins.voice]),
        "<h2>案例库</h2>",
        _table(
            ["客户消息", "类型", "结果", "状态", "标记"],
            [
                [
                    x.message[:80],
                    x.type,
                    CASE_OUTCOMES.label(x.outcome),
                    CASE_STATUSES.label(x.status),
                    CASE_POLARITIES.label(x.polarity) if x.polarity else "",
                ]
                for x in ins.cases
            ],
        ),
    ]
    style = (
        "body{font-family:'Noto Sans CJK SC','Microsoft YaHei',sans-serif;margin:24px;color:#222;max-width:980px}"
        "table{border-collapse:collapse;margin:8px 0 20px;width:100%}td,th{border:1px solid #ddd;padding:4px 8px;"
        "font-size:13px;text-align:left}th{background:#f4f6fa}svg{display:block;margin:8px 0;max-width:100%}"
    )
    return (
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">"
        f"<title>知答 团队数据报告</title><style>{style}</style></head><body>" + "".join(sections) + "</body></html>"
    )
