"""`zhida bench check` measures what the issues ask for: regex-heavy padding, and the regex bomb refused."""

from __future__ import annotations

from app.bench.check import run_bench
from tests.conftest import REPO_ROOT


def test_the_bench_pads_with_regex_rules_and_refuses_the_bomb():
    result = run_bench(rules=120, content=REPO_ROOT, megabytes=0)  # the 10 MB run is the CLI's, not a test's
    assert result["rules"] == 120 and result["chars"] == 2000 and result["findings"] > 0
    assert result["regex_rules"] >= 30  # one padding rule in four carries a regex of a real shape
    assert result["bomb_refused"] is True and result["bomb_draft_ms"] < 1000
