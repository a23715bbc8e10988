"""Personal data however a paste spells it: one detector and one mask for the checker, logs, the usage
store and personal scripts, over a table of forms (#18 item 5, #13 item 5)."""

from __future__ import annotations

import pytest

from app.core.checker.match import Checker
from app.core.content.loader import load_content
from app.core.text.fold import fold
from app.core.text.pii import find_pii, mask_personal_data
from tests.conftest import REPO_ROOT

NBSP, ZW, THIN, IDEO = "\u00a0", "\u200b", "\u2009", "\u3000"
MOBILE = "13812345678"
# Each separator a copy from a web page, a chat app or a spreadsheet can put between the digit groups.
SEPARATORS = [
    " ",
    NBSP,
    THIN,
    IDEO,
    ZW,
    ZW + " ",
    ".",
    "·",
    "/",
    "-",
    "\u2010",
    "\u2013",
    "\u2014",
    "\u2212",
    "－",
    "_",
]


def found(text: str) -> list[tuple[str, str]]:
    return [(h.kind, text[h.start : h.end]) for h in find_pii(fold(text))]


@pytest.fixture(scope="module")
def bundled() -> Checker:
    return Checker.from_content(load_content(REPO_ROOT))


@pytest.mark.parametrize("sep", SEPARATORS, ids=[f"U+{ord(s[0]):04X}" for s in SEPARATORS])
def test_every_separator_is_seen_through_for_phones_ids_and_cards(sep, bundled):
    phone = sep.join(["138", "1234", "5678"])
    id_card = sep.join(["110101", "19900307", "4573"])
    card = sep.join(["6222", "0212", "3456", "7890", "128"])
    landline = sep.join(["0571", "8765", "4321"])
    text = f"手机{phone}，身份证{id_card}，银行卡{card}，座机{landline}"
    assert [k for k, _ in found(text)] == ["mobile", "id_card", "bank_card", "landline"]
    masked = mask_personal_data(text)
    for secret in (phone, id_card, card, landline):
        assert secret not in masked
    for digits in ("1234", "19900307", "3456", "8765"):
        assert digits not in masked
    assert len(masked) == len(text) and masked.startswith("手机")
    rules = [f.rule for f in bundled.check(text) if f.level == "error"]
    assert rules == ["pii-mobile", "pii-id-card", "pii-bank-card", "pii-landline"]


@pytest.mark.parametrize(
    "text, kind, span",
    [
        ("+86 138 1234 5678", "mobile", "+86 138 1234 5678"),
        ("0086-13812345678", "mobile", "0086-13812345678"),
        ("86-138-1234-5678", "mobile", "86-138-1234-5678"),
        ("(+86)13812345678", "mobile", "(+86)13812345678"),
        ("电话0571 8765 4321", "landline", "0571 8765 4321"),
        ("身份证号110101900307457", "id_card", "110101900307457"),  # the old 15-digit form
        ("身份证110101199003074571", "id_card", "110101199003074571"),  # mistyped check digit after 身份证
        ("原路退回银行卡6222021234567890128", "bank_card", "6222021234567890128"),
        ("订单已取消，原路退回银行卡6222021234567890128", "bank_card", "6222021234567890128"),
    ],
)
def test_prefixes_old_ids_and_the_nearest_cue(text, kind, span):
    assert found(text) == [(kind, span)]


@pytest.mark.parametrize(
    "text",
    [
        "订单号13812345678",
        "运单号 1381 2345 678",
        "订单号4111111111111111",
        "日期2026.11.22",
        "退款1-3个工作日",
        "热线400-000-0000",
    ],
)
def test_a_number_the_nearest_cue_calls_an_order_number_is_not_personal_data(text):
    assert found(text) == []


def test_company_addresses_listed_in_the_rule_are_not_flagged(bundled):
    rules = [f.rule for f in bundled.check("发票会发到service@zhida.com，您的邮箱zhang@example.com")]
    assert rules.count("pii-email") == 1


def test_an_address_is_marked_from_the_province_on_and_its_fix_keeps_the_words_before_it(bundled):
    from app.core.checker.fixes import apply_fix

    text = "好的，地址：北京市朝阳区建国路88号，已为您备注"
    [f] = [f for f in bundled.check(text) if f.rule == "pii-full-address"]
    assert f.text == "北京市朝阳区建国路88号"
    assert apply_fix(text, f) == "好的，地址：{收货地址}，已为您备注"


def test_asking_for_a_wechat_or_qq_number_is_an_error(bundled):
    for text in ("方便留个您的微信号吗", "您QQ号是多少", "加一下我私人微信吧"):
        assert [f for f in bundled.check(text) if f.level == "error" and f.reason == "违规"], text
