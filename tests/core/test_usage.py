"""The usage log: recents, favourites, unanswered queries — and no personal data in it."""

from __future__ import annotations

import pytest

from app.core.text.pii import mask_personal_data
from app.core.usage.log import UsageLog


def test_phone_id_card_and_email_are_masked_before_logging(zhida_home):
    log = UsageLog()
    log.record_search("我的手机13812345678收不到验证码 身份证11010519491231002X 邮箱 a.b@example.com", 0)
    log.record_search("卡号６２２２０２１２３４５６７８９０１２", 0)
    stored = " ".join(q for q, _ in log.unanswered())
    for secret in ("13812345678", "11010519491231002", "a.b@example.com", "６２２２０２１２３４５６７８９０１２"):
        assert secret not in stored
    assert "收不到验证码" in stored
    assert (zhida_home / "usage.sqlite3").exists()


def test_masking_keeps_short_numbers_and_length():
    text = "退款1-3个工作日,订单号 2026112200123"
    masked = mask_personal_data(text)
    assert masked.startswith("退款1-3个工作日") and len(masked) == len(text) and "2026112200123" not in masked


@pytest.mark.parametrize(
    "secret",
    [
        "138.1234.5678",
        "138\u00a01234\u00a05678",  # what pasting from a web page gives
        "138\u200b1234\u200b5678",
        "138/1234/5678",
        "138\u20131234\u20135678",
        "+86 138 1234 5678",
        "6222\u00a00212\u00a03456\u00a07890\u00a0128",
        "110101.19900307.4573",
    ],
)
def test_a_number_typed_into_search_is_stored_masked_whatever_separates_its_digits(zhida_home, secret):
    UsageLog().record_search(f"我的号码{secret}收不到验证码", 0)
    [(stored, _)] = UsageLog().unanswered()
    digits = [
        run for run in secret.replace("+86", "").translate({ord(c): " " for c in secret if not c.isdigit()}).split()
    ]
    assert not any(run in stored for run in digits if len(run) >= 3) and "收不到验证码" in stored


def test_recent_and_favorites(zhida_home):
    log = UsageLog()
    for item in ["a", "b", "a", "c"]:
        log.record_use(item)
    assert log.recent()[:3] == ["c", "a", "b"]
    assert log.use_counts()["a"] == 2
    log.set_favorite("b", True)
    log.set_favorite("c", True)
    log.set_favorite("c", False)
    assert UsageLog().favorites() == ["b"]


# ---- meaningful events ---------------------------------------------------------------------------
from app.core.usage.aggregate import aggregate_days, strip_texts  # noqa: E402
from app.core.usage.log import COPY, DRAFT, OPEN, SEARCH, UsageEvent  # noqa: E402
from app.core.usage.normalize import normalize_query  # noqa: E402
from app.core.usage.tracker import SearchTracker  # noqa: E402


def test_queries_typed_differently_count_as_one():
    forms = ["您好,请问退款多久到账啊?", "退款多久到賬", "ＶＩＰ 退款多久到账", "退款  多久到账!!"]
    texts = {normalize_query(q).text for q in forms[:2] + forms[3:]}
    assert texts == {"退款多久到账"}
    assert normalize_query(forms[2]).text == "vip退款多久到账"
    assert normalize_query("你好,在吗?").text == ""  # only greetings: nothing was searched


def test_a_query_with_personal_data_is_private_whatever_the_separators():
    for raw in ("手机13812345678收不到验证码", "手机 138 1234 5678 收不到", "卡号６２２２０２１２３４５６７８９０１２"):
        q = normalize_query(raw)
        assert q.private and not any(ch.isdigit() for ch in q.text)
    assert not normalize_query("退款1-3个工作日").private


def test_a_search_counts_once_on_enter_pause_or_open_never_per_keystroke():
    now = [0.0]
    counted: list[tuple[str, int]] = []
    tracker = SearchTracker(lambda q, h: counted.append((q, h)), clock=lambda: now[0])
    for prefix in ("退", "退款", "退款多", "退款多久"):  # search as you type, 120 ms apart
        tracker.shown(prefix, 3)
        now[0] += 0.12
        assert not tracker.paused()
    now[0] += 1.5
    assert tracker.paused() and counted == [("退款多久", 3)]
    assert not tracker.commit()  # Enter on the same results: still one search
    tracker.shown("发票", 0)
    assert tracker.commit() and counted[-1] == ("发票", 0)
    assert len(counted) == 2


def _ev(ts: float, kind: str, item: str | None = None, query: str | None = None, hits: int | None = None, **extra):
    return UsageEvent(ts, kind, item, query, hits, False, extra)


BASE = 1_800_000_000.0


def test_no_click_and_learned_phrasings_are_derived_from_what_followed_a_search():
    events = [
        _ev(BASE, SEARCH, query="钱啥时候退回来", hits=5),
        _ev(BASE + 5, OPEN, "refund"),
        _ev(BASE + 20, DRAFT, "refund", type="咨询", category="退换货"),
        _ev(BASE + 200, SEARCH, query="发票", hits=4),  # nothing opened within 60 s: no-click
        _ev(BASE + 400, SEARCH, query="积分", hits=0),
        _ev(BASE + 401, SEARCH, query="保价", hits=2),  # the last one: still open, not a no-click yet
    ]
    (doc,) = aggregate_days(events, "坐席", now=BASE + 420).values()
    assert doc["searches"] == 4 and doc["no_result"] == 1 and doc["no_click"] == 1
    assert doc["learned"] == [{"q": "钱啥时候退回来", "article": "refund", "n": 1}]
    assert doc["drafts"] == [{"type": "咨询", "category": "退换货", "article": "refund", "n": 1}]
    later = aggregate_days(events, "坐席", now=BASE + 1000)
    assert next(iter(later.values()))["no_click"] == 2


def test_a_phrasing_followed_by_another_search_within_60_s_is_not_learned():
    events = [
        _ev(BASE, SEARCH, query="钱啥时候退回来", hits=5),
        _ev(BASE + 5, OPEN, "refund"),
        _ev(BASE + 10, COPY, "refund"),
        _ev(BASE + 30, SEARCH, query="退款到账时间", hits=5),
    ]
    (doc,) = aggregate_days(events, "坐席", now=BASE + 500).values()
    assert doc["learned"] == []


def test_retention_removes_texts_and_keeps_counts():
    events = [
        _ev(BASE, SEARCH, query="积分兑换", hits=0),
        _ev(BASE + 1, DRAFT, None, type="建议", voice="希望有夜间客服"),
    ]
    (doc,) = aggregate_days(events, "坐席", now=BASE + 500).values()
    stripped = strip_texts(doc)
    assert stripped["searches"] == 1 and stripped["no_result"] == 1
    assert "积分" not in str(stripped) and "夜间" not in str(stripped)


def test_old_texts_leave_the_local_log(zhida_home):
    log = UsageLog()
    log.record_search("积分兑换礼品", 0)
    log.record_draft(None, "建议", "会员", "希望增加夜间客服")
    assert log.forget_texts(before=10**10) == 2
    events = log.events()
    assert [e.query for e in events] == [None, None] and "voice" not in events[1].extra
    assert events[1].extra["type"] == "建议"


def test_a_log_from_the_previous_version_gains_the_new_columns(zhida_home):
    import sqlite3

    db = sqlite3.connect(zhida_home / "usage.sqlite3")
    db.execute("CREATE TABLE events (ts REAL NOT NULL, kind TEXT NOT NULL, item TEXT, query TEXT, hits INTEGER)")
    db.execute("INSERT INTO events VALUES (1.0, 'search', NULL, '退款', 0)")
    db.commit()
    db.close()
    log = UsageLog()
    assert log.unanswered() == [("退款", 1)]
    log.record_search("发票", 0)
    assert len(log.events()) == 2
