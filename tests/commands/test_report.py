"""`zhida report`: one command, four forms, one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.cli import main
from app.core.sync.engine import init_share
from app.core.usage.exchange import exchange
from app.core.usage.log import UsageLog


@pytest.fixture
def share(tmp_path: Path, repo_root: Path) -> Path:
    folder = tmp_path / "share"
    init_share(folder)
    for n in range(3):
        log = UsageLog(tmp_path / f"agent-{n}")
        log.record_search("积分兑换礼品", 0)
        log.record_draft("order-cancel-order", "建议", "订单", "希望增加夜间客服")
        exchange(folder, log, role="坐席")
    return folder


def _run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["report", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_text_json_csv_and_html_show_the_same_gap(share, repo_root, capsys):
    base = ("--shared", str(share), "--content", str(repo_root))
    code, text, _ = _run(capsys, *base)
    assert code == 0 and "积分兑换礼品" in text and "3 位坐席" in text
    code, out, _ = _run(capsys, *base, "--json")
    data = json.loads(out)
    assert data["gaps"][0]["text"] == "积分兑换礼品" and data["voice"][0]["count"] == 3
    code, out, _ = _run(capsys, *base, "--csv")
    assert out.startswith("\ufeffsection,") and "gap,积分兑换礼品" in out
    code, out, _ = _run(capsys, *base, "--html")
    assert out.startswith("<!DOCTYPE html>") and "<svg" in out and "积分兑换礼品" in out
    assert "<script" not in out and "http://" not in out.replace("http://www.w3.org/2000/svg", "")


def test_the_report_can_be_written_to_a_file(share, repo_root, tmp_path, capsys):
    target = tmp_path / "report.html"
    code, _, err = _run(capsys, "--shared", str(share), "--content", str(repo_root), "--html", "--out", str(target))
    assert code == 0 and target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>") and "wrote" in err


@pytest.mark.parametrize(
    "args,message",
    [
        (("--since", "last month"), "not a period"),
        (("--since", "2026-12-31", "--until", "2026-01-01"), "is after"),
    ],
)
def test_bad_periods_are_one_line_errors(share, repo_root, capsys, args, message):
    code, _, err = _run(capsys, "--shared", str(share), "--content", str(repo_root), *args)
    assert code == 1 and message in err and err.strip().count("\n") == 0


def test_no_share_is_a_one_line_error(tmp_path, repo_root, capsys):
    code, _, err = _run(capsys, "--content", str(repo_root))
    assert code == 1 and "--shared" in err
    code, _, err = _run(capsys, "--shared", str(tmp_path / "nowhere"), "--content", str(repo_root))
    assert code == 1 and "share not available" in err and err.strip().count("\n") == 0
