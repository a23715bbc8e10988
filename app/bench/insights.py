"""`zhida bench insights`: a simulated team of 200 agents × 90 days of aggregates on a share.

Measures what the issue promises: the 看板 opens within 2 s (its data: read + build for 30 days, which
also reads 60 days of opens), `zhida report` within 5 s (90 days, in-process, JSON), and an agent's
daily append is one small file write. Beside ours, in the same run, the naive baseline: plain
`json.load` of every file with no checks and nothing built. Query texts are real Chinese questions
(baoxian FAQ titles when ../shared/eval is there, else the bundled articles' questions).
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import random
import tempfile
import time
from pathlib import Path

from app.core.content.loader import load_content
from app.core.paths import bundled_content_root
from app.core.usage.aggregate import FORMAT, days_before, iter_days
from app.core.usage.exchange import exchange, today
from app.core.usage.log import UsageLog
from app.core.usage.normalize import normalize_query
from app.core.usage.share import usage_dir, write_own
from app.core.usage.team import load_insights
from app.core.vocab import AGENT, ARTICLE_TYPES

EVAL = bundled_content_root().parent / "shared" / "eval"


def _phrases(content_articles: list, limit: int = 3000) -> list[str]:
    source = EVAL / "baoxian" / "faq.jsonl"
    texts: list[str] = []
    if source.is_file():
        for line in source.read_text(encoding="utf-8").splitlines()[:limit]:
            try:
                texts.append(json.loads(line)["question"])
            except (ValueError, KeyError):
                continue
    if not texts:
        for a in content_articles:
            texts.extend([a.title, *a.similar])
    normalized = [normalize_query(t).text for t in texts]
    return [t for t in dict.fromkeys(normalized) if t]


def _day_doc(rng: random.Random, day: str, phrases: list[str], ids: list[str], scripts: list[str]) -> dict:
    searches = rng.randint(40, 120)
    picks = [phrases[min(len(phrases) - 1, int(rng.paretovariate(1.1)) - 1)] for _ in range(searches)]
    queries: dict[str, list[int]] = {}
    for q in picks:
        row = queries.setdefault(q, [0, 0, 0])
        row[0] += 1
        roll = rng.random()
        row[1] += roll < 0.08
        row[2] += 0.08 <= roll < 0.2
    return {
        "format": FORMAT,
        "day": day,
        "role": AGENT,
        "searches": searches,
        "no_result": sum(r[1] for r in queries.values()),
        "no_click": sum(r[2] for r in queries.values()),
        "private_searches": rng.randint(0, 3),
        "queries": [{"q": q, "n": n, "zero": z, "noclick": c} for q, (n, z, c) in queries.items()],
        "opens": {i: rng.randint(1, 4) for i in rng.sample(ids, min(len(ids), 25))},
        "copies": {s: rng.randint(1, 3) for s in rng.sample(scripts, min(len(scripts), 15))},
        "drafts": [
            {
                "type": rng.choice(ARTICLE_TYPES.keys),
                "category": f"类{rng.randint(1, 8)}",
                "article": rng.choice(ids),
                "n": rng.randint(1, 5),
            }
            for _ in range(8)
        ],
        "gaps": [{"q": rng.choice(phrases), "type": "咨询", "n": 1}] if rng.random() < 0.3 else [],
        "learned": [{"q": rng.choice(phrases[:300]), "article": rng.choice(ids), "n": 1} for _ in range(2)],
        "voice": ["希望增加夜间客服"] if rng.random() < 0.1 else [],
    }


CPU: dict[str, float] = {}


def _timed(fn, name: str = "") -> tuple[float, object]:
    """Wall seconds (and, under `name`, this process's CPU seconds: on a shared machine wall time includes waiting)."""
    start, cpu = time.perf_counter(), time.process_time()
    value = fn()
    if name:
        CPU[name] = round(time.process_time() - cpu, 3)
    return time.perf_counter() - start, value


def run_bench(docs: int | None = None, rules: int | None = None, content: object = None) -> dict:
    """Build the simulated share (`docs` agents, default 200) and time the 看板, the report and an append."""
    agents = docs or 200
    days = 90
    root = Path(str(content)) if content else bundled_content_root()
    loaded = load_content(root)
    ids = [a.id for a in loaded.articles] or ["a"]
    scripts = [s.id for s in loaded.scripts] or ["s"]
    phrases = _phrases(loaded.articles)
    rng = random.Random(16)
    last = today()
    first = days_before(last, days - 1)
    with tempfile.TemporaryDirectory(prefix="zhida-bench-insights-") as tmp:
        share = Path(tmp) / "share"
        (share / ".zhida").mkdir(parents=True)
        (share / ".zhida" / "FORMAT").write_text(f"zhida-share\nformat: 1\nid: {'0' * 32}\n", encoding="utf-8")
        gen_start = time.perf_counter()
        total_bytes = 0
        for n in range(agents):
            client = f"{n:016x}"
            for day in iter_days(first, last):
                doc = _day_doc(rng, day, phrases, ids, scripts)
                write_own(share, client, f"days/{day}.json", doc)
            total_bytes += sum(p.stat().st_size for p in (usage_dir(share) / client / "days").iterdir())
        generated_s = time.perf_counter() - gen_start
        files = agents * days

        naive_s, _ = _timed(
            lambda: [json.loads(p.read_bytes()) for p in usage_dir(share).glob("*/days/*.json")], "naive_read_all"
        )
        home = Path(tmp) / "manager-home"
        log = UsageLog(home)
        since30 = days_before(last, 29)
        cold_s, cold = _timed(lambda: load_insights(share, loaded, since30, last, log), "board_first_open_30d")
        for n in range(agents):  # the next sync: every agent rewrote today's file
            write_own(share, f"{n:016x}", f"days/{last}.json", _day_doc(rng, last, phrases, ids, scripts))
        board_s, board = _timed(lambda: load_insights(share, loaded, since30, last, log), "board_open_30d")
        old_home = os.environ.get("ZHIDA_HOME")
        os.environ["ZHIDA_HOME"] = str(home)
        try:
            report_first_s, _ = _timed(lambda: _report(share, root, "90d"))  # reads the 30 older days once
            report_s, out = _timed(lambda: _report(share, root, "90d"), "report_90d_json")
            report30_s, _ = _timed(lambda: _report(share, root, "30d"), "report_30d_json")
        finally:
            _restore(old_home)
        memory_s, _ = _timed(lambda: load_insights(share, loaded, since30, last))
        append = _append(share, Path(tmp) / "agent-home")
        ins = board.insights  # type: ignore[attr-defined]
        return {
            "agents": agents,
            "days": days,
            "day_files": files,
            "share_mb": round(total_bytes / 1e6, 1),
            "avg_day_file_kb": round(total_bytes / files / 1e3, 1),
            "generate_s": round(generated_s, 2),
            "naive_read_all_s": round(naive_s, 3),
            "board_first_open_30d_s": round(cold_s, 3),
            "board_first_open_files_read": cold.files_read,  # type: ignore[attr-defined]
            "board_open_30d_s": round(board_s, 3),
            "board_files_read": board.files_read,  # type: ignore[attr-defined]
            "no_local_store_30d_s": round(memory_s, 3),
            "board_gaps": len(ins.gaps),
            "report_90d_first_json_s": round(report_first_s, 3),
            "report_90d_json_s": round(report_s, 3),
            "report_90d_bytes": len(out),  # type: ignore[arg-type]
            "report_30d_json_s": round(report30_s, 3),
            **append,
            "cpu_s": dict(CPU),
            "load_average_1m": round(os.getloadavg()[0], 1) if hasattr(os, "getloadavg") else None,
            "targets": {"board_open_s": 2.0, "report_s": 5.0, "append_files": 1},
        }


def _report(share: Path, root: Path, since: str) -> str:
    from app.cli import main  # the real command, in this process

    buffer = io.StringIO()
    errors = io.StringIO()
    with contextlib.redirect_stdout(buffer), contextlib.redirect_stderr(errors):
        code = main(["report", "--shared", str(share), "--since", since, "--json", "--content", str(root)])
    if code != 0:
        raise RuntimeError(f"zhida report exited {code}: {errors.getvalue().strip()[-300:]}")
    return buffer.getvalue()


def _append(share: Path, home: Path) -> dict:
    """An agent's day of events, shared; then one more search and the next sync's cost."""
    old = os.environ.get("ZHIDA_HOME")
    os.environ["ZHIDA_HOME"] = str(home)
    try:
        log = UsageLog(home)
        for i in range(80):
            log.record_search(f"退款多久到账 {i % 20}", i % 7)
            log.record_use("order-cancel-order", "open")
        exchange(share, log, role=AGENT)
        log.record_search("发票怎么开", 3)
        seconds, report = _timed(lambda: exchange(share, log, role=AGENT))
        written = report.written  # type: ignore[attr-defined]
        client = report.client  # type: ignore[attr-defined]
        size = sum((usage_dir(share) / client / rel).stat().st_size for rel in written)
        return {"append_s": round(seconds, 4), "append_files": len(written), "append_bytes": size}
    finally:
        _restore(old)


def _restore(old: str | None) -> None:
    if old is None:
        os.environ.pop("ZHIDA_HOME", None)
    else:
        os.environ["ZHIDA_HOME"] = old
