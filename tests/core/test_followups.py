"""Follow-up reminders: a promise is kept masked under $ZHIDA_HOME until done, and its time is read right."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from app.core.followups import FollowUps, mask_reference, promised_due

NOW = dt.datetime(2026, 11, 2, 14, 20)  # a Monday


def test_a_reminder_is_stored_masked_and_comes_due(zhida_home):
    store = FollowUps(zhida_home)
    item = store.add(
        "已答复客户13812345678,我会在今天18点前给您回复", "2026112200123", dt.datetime(2026, 11, 2, 18, 0), now=NOW
    )
    raw = (zhida_home / "followups.json").read_text(encoding="utf-8")
    assert "13812345678" not in raw and "2026112200123" not in raw
    assert item.reference == "*********0123", "the last digits stay readable so the case can be found"
    assert store.due(NOW) == []
    [due] = FollowUps(zhida_home).due(dt.datetime(2026, 11, 2, 18, 0))
    assert due.id == item.id and due.due == "2026-11-02T18:00"


def test_done_and_postponed_reminders(zhida_home):
    store = FollowUps(zhida_home)
    first = store.add("回电", "A-1", NOW, now=NOW)
    second = store.add("补发票", "B-2", NOW, now=NOW)
    store.complete(first.id, now=NOW)
    store.postpone(second.id, NOW + dt.timedelta(hours=1))
    assert [f.id for f in store.pending()] == [second.id]
    assert store.due(NOW) == [] and [f.id for f in store.due(NOW + dt.timedelta(hours=1))] == [second.id]


def test_an_unreadable_file_is_never_overwritten(zhida_home):
    path = zhida_home / "followups.json"
    path.write_text('[{"id": "x", "text": "未完成的承诺"', encoding="utf-8")
    store = FollowUps(zhida_home)
    assert store.pending() == [] and "无法读取" in store.warning
    with pytest.raises(OSError):
        store.add("新的", "", NOW)
    assert path.read_text(encoding="utf-8") == '[{"id": "x", "text": "未完成的承诺"'


def test_entries_with_bad_dates_are_skipped_not_raised(zhida_home):
    (zhida_home / "followups.json").write_text(
        json.dumps([{"id": "a", "text": "t", "reference": "", "due": "明天", "created": ""}]), encoding="utf-8"
    )
    assert FollowUps(zhida_home).pending() == []


@pytest.mark.parametrize(
    "text,expected",
    [
        ("我会在今天18点前给您回复", dt.datetime(2026, 11, 2, 18, 0)),
        ("明天上午给您答复", dt.datetime(2026, 11, 3, 10, 0)),
        ("2小时内回电", dt.datetime(2026, 11, 2, 16, 20)),
        ("两个小时内", dt.datetime(2026, 11, 2, 16, 20)),
        ("3个工作日内处理完毕", dt.datetime(2026, 11, 5, 18, 0)),
        ("5个工作日内", dt.datetime(2026, 11, 9, 18, 0)),
        ("11月5日前", dt.datetime(2026, 11, 5, 18, 0)),
        ("今晚8点半", dt.datetime(2026, 11, 2, 20, 30)),
        ("下午三点前", dt.datetime(2026, 11, 2, 15, 0)),
        ("明天下午4:30", dt.datetime(2026, 11, 3, 16, 30)),
        ("明天", dt.datetime(2026, 11, 3, 18, 0)),
        ("10点前", dt.datetime(2026, 11, 3, 10, 0)),
        ("請耐心等待", None),
    ],
)
def test_promised_time_is_read_from_the_reply(text, expected):
    assert promised_due(text, NOW) == expected


def test_references_keep_only_their_tail():
    assert mask_reference("13812345678") == "*******5678"
    assert mask_reference("138****5678") == "138****5678"
    assert mask_reference("  ") == ""
