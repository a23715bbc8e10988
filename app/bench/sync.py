"""`zhida bench sync`: cost of polling and pulling a large share (20,000 files by default)."""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from app.core.sync.engine import init_share, sync

BODY = "## 结论\n退款审核通过后1-3个工作日原路退回。\n## 说明\n第{n}篇示例文章，用于同步性能测量。\n"


def _article(n: int, version: int = 1) -> str:
    return f"---\nid: bench-{n}\ntitle: 示例文章{n}\ncategory: 类{n % 50}\n---\n" + BODY.format(n=n) + f"v{version}\n"


def run_bench(docs: int | None = None, rules: int | None = None, content: object = None) -> dict:
    """Publish `docs` files, pull them on a second client, then time unchanged polls and a 100-file pull."""
    n = docs or 20000
    changed = min(100, n)
    with tempfile.TemporaryDirectory(prefix="zhida-bench-sync-") as tmp:
        base = Path(tmp)
        share = base / "share"
        share.mkdir()
        init_share(share)
        roots, homes = {}, {}
        for who in ("manager", "agent"):
            roots[who] = base / who / "content"
            homes[who] = base / who / "home"
            (roots[who] / "kb").mkdir(parents=True)
            (roots[who] / "scripts_library").mkdir()
        for i in range(n):
            path = roots["manager"] / "kb" / f"c{i % 100:02d}" / f"a{i}.md"
            path.parent.mkdir(exist_ok=True)
            path.write_text(_article(i), encoding="utf-8")

        def run(who: str, **kw):
            start = time.perf_counter()
            report = sync(
                roots[who],
                share,
                home=homes[who],
                publish=who == "manager",
                publisher="bench" if who == "manager" else None,
                **kw,
            )
            assert report.exit_code == 0, report.summary()
            return report, time.perf_counter() - start

        first_publish = run("manager")[1]
        first_pull = run("agent")[1]
        polls = [run("agent") for _ in range(7)]
        assert all(r.unchanged for r, _ in polls)
        manager_polls = [run("manager")[1] for _ in range(3)]
        for i in range(changed):
            (roots["manager"] / "kb" / f"c{i % 100:02d}" / f"a{i}.md").write_text(_article(i, 2), encoding="utf-8")
        publish_report, publish_s = run("manager")
        pull_report, pull_s = run("agent")
        manifest = max((share / ".zhida/manifests").glob("*.json"), key=lambda p: p.stat().st_mtime)
        return {
            "files": n,
            "initial_publish_s": round(first_publish, 2),
            "initial_pull_s": round(first_pull, 2),
            "unchanged_poll_files_read": polls[0][0].reads,
            "unchanged_poll_ms_median": round(statistics.median(t for _, t in polls) * 1000, 2),
            "manager_unchanged_poll_ms_median": round(statistics.median(manager_polls) * 1000, 1),
            "publish_changed_files": len(publish_report.published),
            "publish_changed_s": round(publish_s, 3),
            "pull_changed_files": len(pull_report.pulled),
            "pull_changed_s": round(pull_s, 3),
            "pull_changed_files_read_from_share": pull_report.reads,
            "manifest_bytes": manifest.stat().st_size,
        }
