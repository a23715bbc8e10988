"""Screenshots of the 数据看板: `python tools/insights_screenshots.py` → resources/screenshots/insights-*.png.

Builds a demo share (12 agents × 30 days through the real log → aggregate → share path for a few agents,
plus generated day files for the rest), opens the real window as a 知识管理员 offscreen, narrow and wide.
"""

from __future__ import annotations

import os
import random
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
REPO = Path(__file__).resolve().parent.parent
HERE = REPO / "resources" / "screenshots"
sys.path.insert(0, str(REPO))

from PySide6.QtCore import QEventLoop, QTimer  # noqa: E402
from PySide6.QtGui import QFont  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

MISSING = [
    "积分怎么兑换礼品",
    "发票抬头写错了能改吗",
    "海外地址能寄吗",
    "会员自动续费怎么关",
    "快递员态度差怎么投诉",
    "积分兑换礼品",
    "自动续费关闭",
    "能开收据吗",
]
VOICE = ["希望增加夜间客服", "建议APP增加按订单号搜索", "希望退款能更快一点", "希望增加夜间客服!"]


def wait(ms: int) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def demo_share(base: Path, content) -> Path:
    from app.core.usage.aggregate import FORMAT, days_before, iter_days
    from app.core.usage.exchange import exchange, today
    from app.core.usage.log import UsageLog
    from app.core.usage.share import write_own
    from app.core.vocab import AGENT, ARTICLE_TYPES, FLAG_ARTICLE

    share = base / "share"
    (share / ".zhida").mkdir(parents=True)
    (share / ".zhida" / "FORMAT").write_text(f"zhida-share\nformat: 1\nid: {'ab' * 16}\n", encoding="utf-8")
    rng = random.Random(7)
    ids = [a.id for a in content.articles]
    scripts = [s.id for s in content.scripts]
    asked = [t for a in content.articles for t in (a.title, *a.similar)]
    last = today()
    for n in range(12):
        client = f"{n + 1:016x}"
        for i, day in enumerate(iter_days(days_before(last, 29), last)):
            searches = rng.randint(30, 60) + i
            queries = {}
            for _ in range(searches):
                miss = rng.random() < 0.12
                q = rng.choice(MISSING) if miss else rng.choice(asked)
                row = queries.setdefault(q, [0, 0, 0])
                row[0] += 1
                row[1] += miss and rng.random() < 0.7
                row[2] += (not miss) and rng.random() < 0.1
            doc = {
                "format": FORMAT,
                "day": day,
                "role": AGENT,
                "searches": searches,
                "no_result": sum(r[1] for r in queries.values()),
                "no_click": sum(r[2] for r in queries.values()),
                "private_searches": rng.randint(0, 2),
                "queries": [{"q": q, "n": a, "zero": b, "noclick": c} for q, (a, b, c) in queries.items()],
                "opens": {i: rng.randint(1, 3) for i in rng.sample(ids, 12)},
                "copies": {s: rng.randint(1, 3) for s in rng.sample(scripts, 6)},
                "drafts": [
                    {
                        "type": rng.choice(ARTICLE_TYPES.keys),
                        "category": rng.choice(content.categories()),
                        "article": rng.choice(ids),
                        "n": rng.randint(1, 4),
                    }
                    for _ in range(5)
                ],
                "gaps": [],
                "learned": [{"q": "钱多久能退回来", "article": "order-cancel-order", "n": 1}],
                "voice": [rng.choice(VOICE)] if rng.random() < 0.2 else [],
            }
            write_own(share, client, f"days/{day}.json", doc)
    agent = UsageLog(base / "agent-home")
    agent.record_flag(FLAG_ARTICLE, ids[0], "到账时间已改为1-5个工作日,文章还写1-3个", title=content.articles[0].title)
    agent.record_flag(FLAG_ARTICLE, ids[3], "第2步的入口改名为【账户与安全】了", title=content.articles[3].title)
    agent.save_case(
        "我的快递三天没动了,电话13912345678", "非常理解您着急的心情,我马上为您联系物流核实……", ids[1], "投诉", "solved"
    )
    exchange(share, agent, role=AGENT)
    return share


def main() -> None:
    base = Path(tempfile.mkdtemp(prefix="zhida-insights-shots-"))
    os.environ["ZHIDA_HOME"] = str(base / "manager-home")
    app = QApplication(sys.argv[:1])
    app.setFont(QFont("Noto Sans CJK SC", 10))
    from app.core.content.loader import load_content
    from app.core.paths import bundled_content_root
    from app.core.settings import Settings
    from app.core.vocab import MANAGER
    from app.ui.main_window import MainWindow

    content = load_content(bundled_content_root())
    share = demo_share(base, content)
    win = MainWindow(bundled_content_root(), Settings(role=MANAGER, shared_folder=str(share)))
    win.show()
    win.start_loading()
    loop = QEventLoop()
    win.ready.connect(loop.quit)
    loop.exec()
    board = win.insights_board
    HERE.mkdir(parents=True, exist_ok=True)
    for name, size, tabs in (("narrow", (420, 860), (0, 1)), ("wide", (1920, 1080), (0, 1, 5))):
        win.resize(*size)
        win.tabs.setCurrentWidget(board)
        for tab in tabs:
            done = QEventLoop()
            board.loaded.connect(done.quit)
            board.refresh()
            QTimer.singleShot(20000, done.quit)
            done.exec()
            board.loaded.disconnect(done.quit)
            board.tabs.setCurrentIndex(tab)
            wait(300)
            win.grab().save(str(HERE / f"insights-{name}-{tab}.png"))
    win.shutdown()


if __name__ == "__main__":
    main()
