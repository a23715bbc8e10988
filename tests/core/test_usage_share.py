"""Usage on the share: one writer per folder, one small write a day, hostile files reported and skipped."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from app.core.sync.engine import init_share
from app.core.usage.aggregate import day_of
from app.core.usage.exchange import exchange, outgoing, today
from app.core.usage.identity import UsageShareError
from app.core.usage.log import UsageLog
from app.core.usage.share import read_team, usage_dir
from app.core.usage.team import load_insights


@pytest.fixture
def share(tmp_path: Path) -> Path:
    folder = tmp_path / "share"
    init_share(folder)
    return folder


def _agent(tmp_path: Path, name: str) -> UsageLog:
    return UsageLog(tmp_path / f"home-{name}")


def test_each_client_writes_only_its_own_folder_under_a_keyed_pseudonym(share, tmp_path):
    a, b = _agent(tmp_path, "a"), _agent(tmp_path, "b")
    a.record_search("积分兑换", 0)
    b.record_search("积分兑换", 0)
    ra, rb = exchange(share, a, role="坐席"), exchange(share, b, role="坐席")
    assert ra.client != rb.client and len(ra.client) == 16
    assert (usage_dir(share) / "TEAM_KEY").read_text().strip() != ""
    folders = sorted(p.name for p in usage_dir(share).iterdir() if p.is_dir())
    assert folders == sorted([ra.client, rb.client])
    assert exchange(share, a, role="坐席").client == ra.client  # stable across runs
    assert not any(str(tmp_path) in p.read_text(encoding="utf-8") for p in usage_dir(share).rglob("*.json"))


def test_a_days_new_events_cost_one_small_file_write(share, tmp_path):
    log = _agent(tmp_path, "a")
    log.record_search("发票怎么开", 3)
    first = exchange(share, log, role="坐席")
    assert f"days/{today()}.json" in first.written
    assert exchange(share, log, role="坐席").written == []  # nothing new: nothing written
    log.record_search("积分兑换", 0)
    again = exchange(share, log, role="坐席")
    assert again.written == [f"days/{today()}.json"]
    path = usage_dir(share) / again.client / again.written[0]
    assert path.stat().st_size < 4096


def test_sharing_turned_off_sends_nothing(share, tmp_path):
    log = _agent(tmp_path, "a")
    log.record_search("积分兑换", 0)
    report = exchange(share, log, role="坐席", enabled=False)
    assert report.disabled and report.written == []
    assert not usage_dir(share).exists()


def test_what_settings_shows_is_what_is_sent(share, tmp_path):
    log = _agent(tmp_path, "a")
    log.record_search("积分兑换", 0)
    log.record_search("手机13912345678换号", 0)
    preview = outgoing(log, "坐席", today())
    report = exchange(share, log, role="坐席")
    sent = json.loads((usage_dir(share) / report.client / f"days/{today()}.json").read_text(encoding="utf-8"))
    assert sent == preview[f"days/{today()}.json"]
    assert sent["private_searches"] == 1 and [q["q"] for q in sent["queries"]] == ["积分兑换"]


def test_hostile_files_are_reported_by_path_and_the_rest_is_read(share, tmp_path):
    good = _agent(tmp_path, "good")
    good.record_search("积分兑换", 0)
    client = exchange(share, good, role="坐席").client
    day = today()
    bad = usage_dir(share) / ("b" * 16) / "days"
    bad.mkdir(parents=True)
    (bad / f"{day}.json").write_bytes(b"\xff\xfe not json")
    evil = usage_dir(share) / ("c" * 16) / "days"
    evil.mkdir(parents=True)
    (evil / f"{day}.json").write_text(json.dumps({"day": day, "searches": "many"}), encoding="utf-8")
    huge = usage_dir(share) / ("d" * 16) / "days"
    huge.mkdir(parents=True)
    (huge / f"{day}.json").write_bytes(b"{" + b" " * (600 * 1024) + b"}")
    link = usage_dir(share) / ("e" * 16) / "days"
    link.mkdir(parents=True)
    secret = tmp_path / "secret.json"
    secret.write_text(json.dumps({"day": day, "searches": 9}), encoding="utf-8")
    os.symlink(secret, link / f"{day}.json")
    (usage_dir(share) / client / "days" / ".zhida-x.tmp").write_text("half", encoding="utf-8")  # litter
    (usage_dir(share) / "not-a-client").mkdir()
    (usage_dir(share) / client / "flags.json").write_text('{"flags": [{"id": 3}]}', encoding="utf-8")

    team = read_team(share, day, day)
    errors = dict(team.errors)
    assert errors[f"{'b' * 16}/days/{day}.json"].startswith("not JSON")
    assert "count" in errors[f"{'c' * 16}/days/{day}.json"]
    assert errors[f"{'d' * 16}/days/{day}.json"].startswith("too large")
    assert errors[f"{'e' * 16}/days/{day}.json"] == "not a regular file"
    assert "entry 1" in errors[f"{client}/flags.json"]
    ins = load_insights(share, None, day, day).insights
    assert ins.totals["searches"] == 1 and ins.clients == 1


def test_a_share_without_its_marker_is_refused(tmp_path):
    log = _agent(tmp_path, "a")
    log.record_search("积分兑换", 0)
    with pytest.raises(UsageShareError):
        exchange(tmp_path / "unmounted", log, role="坐席")


def test_the_managers_store_reads_only_new_files_the_second_time(share, tmp_path):
    agents = [_agent(tmp_path, f"a{i}") for i in range(3)]
    for log in agents:
        log.record_search("积分兑换", 0)
        exchange(share, log, role="坐席")
    manager = _agent(tmp_path, "m")
    day = today()
    first = load_insights(share, None, day, day, manager)
    assert first.insights.totals["searches"] == 3 and first.days_read == 3
    agents[0].record_search("发票", 0)
    exchange(share, agents[0], role="坐席")
    second = load_insights(share, None, day, day, manager)
    assert second.insights.totals["searches"] == 4 and second.days_read == 1
    assert second.insights.gaps[0].text == "积分兑换" and second.insights.gaps[0].agents == 3


def test_texts_past_retention_leave_the_share(share, tmp_path):
    log = _agent(tmp_path, "a")
    log.record_search("积分兑换礼品", 0)
    report = exchange(share, log, role="坐席")
    path = usage_dir(share) / report.client / f"days/{today()}.json"
    later = exchange(share, log, role="坐席", now=log.last_event_ts() + 91 * 86400)
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert f"days/{day_of(log.last_event_ts())}.json" in later.written
    assert doc["searches"] == 1 and doc["queries"] == [] and doc["texts_removed"] is True
    assert "积分" not in path.read_text(encoding="utf-8")


def test_a_client_folder_replaced_by_a_symlink_is_not_written_through(share, tmp_path):
    log = _agent(tmp_path, "a")
    log.record_search("积分兑换", 0)
    client = exchange(share, log, role="坐席").client
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    folder = usage_dir(share) / client
    for child in sorted(folder.rglob("*"), reverse=True):
        child.rmdir() if child.is_dir() else child.unlink()
    folder.rmdir()
    folder.symlink_to(elsewhere, target_is_directory=True)
    log.record_search("发票", 0)
    with pytest.raises(UsageShareError, match="symbolic link"):
        exchange(share, log, role="坐席")
    assert list(elsewhere.iterdir()) == []
