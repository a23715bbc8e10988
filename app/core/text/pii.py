"""Personal data in a reply: mainland mobile and landline numbers, ID numbers, bank cards, e-mail.

Detectors run on folded text (full-width digits are already ASCII, same offsets) and validate what
they find — an ID needs a real birth date and checksum, a card must pass Luhn — so order numbers
and the company hotline (400-…) are not reported. Each hit carries its masked form as the fix.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from app.core.text.fold import fold

# Not glued to a longer run of digits or letters on the left (also across one - or space).
_LEFT = r"(?<![0-9a-z])(?<![0-9][- ])"
_MOBILE = re.compile(r"(?:(?<=\+86)|(?<=\+86[ -])|" + _LEFT + r")(1[3-9]\d(?:[ -]?\d){8})(?![0-9])(?![- ]\d)")
_LANDLINE = re.compile(
    _LEFT + r"((?:\(0(?:10|2\d|[3-9]\d\d)\)|0(?:10|2\d|[3-9]\d\d))[ -]?[2-8]\d{6,7})(?![0-9])(?!-\d)"
)
_ID = re.compile(
    _LEFT + r"([1-9]\d{5}[ -]?(?:19|20)\d\d(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])[ -]?\d{3}[0-9x])(?![0-9a-z])"
)
_CARD = re.compile(_LEFT + r"([3-69]\d{3}(?:[ -]?\d){12,15})(?![0-9])(?![- ]\d)")
_EMAIL = re.compile(r"(?<![a-z0-9._%+-])([a-z0-9][a-z0-9._%+-]*@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,})(?![a-z0-9-])")
# A long number right after these words is an order/waybill/invoice number, not a bank card.
_NOT_CARD_CUE = re.compile(r"订单|单号|运单|快递|物流|编号|流水|交易号|工单|发票|批次|序列号")
_DIGIT_RUN = re.compile(r"\d[\d ()-]{8,}\d")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10x98765432"


@dataclass(frozen=True)
class PiiHit:
    """One piece of personal data: span in the checked text, its kind and the masked replacement."""

    start: int
    end: int
    kind: str
    masked: str


def _digits(s: str) -> str:
    return re.sub(r"[^0-9x]", "", s)


def id_checksum_ok(number: str) -> bool:
    """True when an 18-character ID number (17 digits + digit or X) has the right check character."""
    number = number.lower()
    if len(number) != 18 or not number[:17].isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(number[:17], _ID_WEIGHTS))
    return _ID_CHECK[total % 11] == number[17]


def luhn_ok(number: str) -> bool:
    """True when a digit string passes the Luhn check bank card numbers carry."""
    if not number.isdigit():
        return False
    total = 0
    for i, ch in enumerate(reversed(number)):
        d = int(ch)
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _mask_mobile(s: str) -> str:
    d = _digits(s)
    return d[:3] + "****" + d[-4:]


def _mask_landline(s: str) -> str:
    m = re.match(r"\(?(0\d{2,3})\)?[ -]?(\d+)", s)
    if not m:
        return "****"
    area, local = m.groups()
    if area.startswith(("01", "02")) and len(area) == 4:  # 010x… — the area code is three digits
        area, local = area[:3], area[3:] + local
    return f"{area}-{'*' * (len(local) - 4)}{local[-4:]}"


def _mask_id(s: str) -> str:
    d = _digits(s)
    return d[:3] + "*" * (len(d) - 7) + d[-4:].upper()


def _mask_card(s: str) -> str:
    d = _digits(s)
    return d[:4] + "*" * (len(d) - 8) + d[-4:]


def _mask_email(s: str) -> str:
    local, _, domain = s.partition("@")
    return f"{local[0]}***@{domain}"


def _valid_id(s: str) -> bool:
    return id_checksum_ok(_digits(s))


def _valid_card(s: str, start: int, folded: str) -> bool:
    d = _digits(s)
    if not 16 <= len(d) <= 19 or not luhn_ok(d):
        return False
    return not _NOT_CARD_CUE.search(folded[max(0, start - 12) : start])


def find_pii(folded: str, kinds: tuple[str, ...] | None = None) -> list[PiiHit]:
    """Personal data in folded text, validated; `kinds` limits which detectors run."""
    hits: list[PiiHit] = []
    wanted = set(kinds) if kinds is not None else {"mobile", "landline", "id_card", "bank_card", "email"}
    # Detectors only look where a long enough run of digits (or an @) is: most drafts have none.
    windows = [(max(0, m.start() - 4), min(len(folded), m.end() + 2)) for m in _DIGIT_RUN.finditer(folded)]
    has_at = "@" in folded
    if not windows and not has_at:
        return hits
    taken: list[tuple[int, int]] = []

    def add(
        kind: str,
        regex: re.Pattern[str],
        mask: Callable[[str], str],
        valid: Callable[[re.Match[str]], bool] = lambda m: True,
    ) -> None:
        for m in _finditer(regex, folded, windows if regex is not _EMAIL else [(0, len(folded))]):
            s, e = m.span(1)
            if any(s < te and ts < e for ts, te in taken) or not valid(m):
                continue
            taken.append((s, e))
            if kind in wanted:
                hits.append(PiiHit(s, e, kind, mask(m.group(1))))

    # Most specific first: an ID number also looks like a long digit run, a card contains phone-like runs.
    add("id_card", _ID, _mask_id, lambda m: _valid_id(m.group(1)))
    add("bank_card", _CARD, _mask_card, lambda m: _valid_card(m.group(1), m.start(1), folded))
    add("mobile", _MOBILE, _mask_mobile)
    add("landline", _LANDLINE, _mask_landline)
    if has_at:
        add("email", _EMAIL, _mask_email)
    hits.sort(key=lambda h: h.start)
    return hits


def _finditer(regex: re.Pattern[str], text: str, windows: list[tuple[int, int]]) -> Iterator[re.Match[str]]:
    for lo, hi in windows:
        yield from regex.finditer(text, lo, hi)


# Masking for storage (logs, the usage log, anything that leaves the text it was typed in): broader than the
# detectors above on purpose — any long digit run may be someone's number, and an order number lost in a
# log costs nothing.
_LONG_DIGITS = re.compile(r"\d[\d \-]{4,}\d")
_ANY_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")


def mask_personal_data(text: str) -> str:
    """Hide digit runs of 6+ (phones, IDs, cards, order numbers) and e-mail addresses; keep the words."""
    folded = fold(text)  # full-width digits become ASCII so they are caught too; same length
    out = list(text)
    for match in list(_LONG_DIGITS.finditer(folded)) + list(_ANY_EMAIL.finditer(folded)):
        for i in range(match.start(), match.end()):
            if not folded[i].isspace():
                out[i] = "*"
    return "".join(out)
