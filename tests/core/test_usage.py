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
