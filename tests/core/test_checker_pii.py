"""Personal data in a reply: each kind caught (also in full-width digits), validated, and masked by its fix."""

from __future__ import annotations

import pytest

from app.core.checker.fixes import apply_fix
from app.core.checker.match import Checker
from app.core.content.loader import load_content
from app.core.text.fold import fold
from app.core.text.pii import find_pii, id_checksum_ok, luhn_ok
from tests.conftest import REPO_ROOT


@pytest.fixture(scope="module")
def bundled() -> Checker:
    return Checker.from_content(load_content(REPO_ROOT))


def kinds(text: str) -> list[tuple[str, str, str]]:
    return [(h.kind, text[h.start : h.end], h.masked) for h in find_pii(fold(text))]


@pytest.mark.parametrize(
    "text, found, masked",
    [
        ("手机13812345678已绑定", "13812345678", "138****5678"),
        ("手机 138 1234 5678 已绑定", "138 1234 5678", "138****5678"),
        ("手机138-1234-5678", "138-1234-5678", "138****5678"),
        ("手机１３８１２３４５６７８", "１３８１２３４５６７８", "138****5678"),
        ("+8619912345678", "+8619912345678", "199****5678"),  # the prefix goes with the number
    ],
)
def test_mobile_numbers_in_any_spelling_are_masked(text, found, masked):
    assert kinds(text) == [("mobile", found, masked)]


@pytest.mark.parametrize(
    "text",
    [
        "客服热线400-000-0000",
        "客服热线4000000000",
        "订单号2023113812345678",
        "12812345678",
        "手机号138****5678",
        "退款1-3个工作日",
        "2026-11-01 10:30",
        "金额1380.00元",
        "{手机号}",
    ],
)
def test_hotlines_order_numbers_dates_and_masked_numbers_are_not_personal_data(text):
    assert kinds(text) == []


@pytest.mark.parametrize(
    "text, masked",
    [
        ("电话010-62345678", "010-****5678"),
        ("电话(0755)23456789", "0755-****6789"),
        ("电话021 52345678", "021-****5678"),
    ],
)
def test_landlines_with_area_code_are_masked(text, masked):
    [(kind, _, got)] = kinds(text)
    assert (kind, got) == ("landline", masked)


def test_id_numbers_need_a_valid_checksum_and_birth_date():
    assert id_checksum_ok("110101199003074573") and id_checksum_ok("11010519491231002X")
    assert not id_checksum_ok("110101199003074571")
    assert kinds("身份证110101199003074573") == [("id_card", "110101199003074573", "110***********4573")]
    assert kinds("身份证11010519491231002x") == [("id_card", "11010519491231002x", "110***********002X")]
    assert kinds("110101199003074571") == []  # wrong check digit and nothing says it is an ID
    # right after 身份证 an 18-digit number with a real birth date is a mistyped ID: still masked
    assert kinds("身份证110101199003074571") == [("id_card", "110101199003074571", "110***********4571")]
    assert kinds("身份证110101199013074573") == []  # month 13


def test_bank_cards_need_luhn_and_are_not_order_numbers():
    assert luhn_ok("6222021234567890128") and not luhn_ok("6222021234567890121")
    assert kinds("卡号6222021234567890128") == [("bank_card", "6222021234567890128", "6222***********0128")]
    assert kinds("卡号 6222 0212 3456 7890 128") == [("bank_card", "6222 0212 3456 7890 128", "6222***********0128")]
    assert kinds("卡号６２２８４８００１２３４５６７８９０３")[0][0] == "bank_card"
    assert kinds("6222021234567890121") == []  # fails Luhn and nothing says card: a 16-19 digit number
    assert kinds("卡号6222021234567890121")[0][0] == "bank_card"  # after 卡号 a mistyped card is still a card
    assert kinds("订单号4111111111111111") == []  # passes Luhn but is labelled as an order number


def test_email_addresses_are_masked():
    assert kinds("邮箱zhangsan@example.com已验证") == [("email", "zhangsan@example.com", "z***@example.com")]
    assert kinds("Zhang.San+shop@QQ.com") == [("email", "Zhang.San+shop@QQ.com", "z***@qq.com")]


def test_checker_reports_personal_data_as_errors_with_the_mask_as_first_fix(bundled):
    text = "您好，您的手机号１３８１２３４５６７８和邮箱zhangsan@example.com已验证。"
    findings = [f for f in bundled.check(text) if f.reason == "隐私"]
    assert [(f.rule, f.level) for f in findings] == [("pii-mobile", "error"), ("pii-email", "error")]
    for f in reversed(findings):
        text = apply_fix(text, f)
    assert text == "您好，您的手机号138****5678和邮箱z***@example.com已验证。"
    assert not [f for f in bundled.check(text) if f.reason == "隐私"]
