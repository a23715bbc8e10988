"""Personal data in text: mainland mobile and landline numbers, ID numbers, bank cards, e-mail — and the one
masking function every store uses (logs, the usage log, personal scripts) and the checker's detectors.

Numbers are found however a paste spells them: full-width digits (folded), and between the digits any
separator — spaces of every kind (NBSP, thin, ideographic), zero-width characters, dots, slashes, dashes
of every width — read as one `-` in a same-length *view* of the text, so offsets stay the agent's own.
Detectors validate what they find (an ID needs a real birth date and checksum, a card passes Luhn) and
the nearest cue word before a number decides what it is: 「订单号13812345678」 is an order number,
「原路退回银行卡6222…」 a card even after 订单 earlier in the sentence, and an 18-digit number right after
身份证 is an ID even with a mistyped check digit. Each hit carries its masked form as the fix.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from app.core.text.fold import fold

KINDS = ("mobile", "landline", "id_card", "bank_card", "email")

# Characters a pasted number may carry between its digits (after folding: full-width forms are ASCII).
_SEPARATORS = (
    " \t\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
    "\u200b\u200c\u200d\u2060\ufeff\u180e\u00ad"  # zero-width and soft hyphen
    "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\u30fc\u2e3a\u2e3b"  # dashes of every width
    ".\u00b7\u2022\u2027\u30fb\u2219"  # dots
    "/\\\u2215\u2044_"  # slashes, underscore
)
_GAP = "-{0,3}"  # up to three separator characters between two digits (" - ", NBSP + zero-width …)
# Not glued to a longer run of digits or letters on the left (also across separators).
_LEFT = r"(?<![0-9a-z])(?<![0-9]-)(?<![0-9]--)(?<![0-9]---)"
_RIGHT = r"(?![0-9])(?!-{1,3}[0-9])"
_MOBILE = re.compile(
    _LEFT + r"((?:(?:\+|00)86-{0,3}|\(\+?86\)-{0,3}|86-{1,3})?1[3-9][0-9](?:" + _GAP + r"[0-9]){8})" + _RIGHT
)
_LANDLINE = re.compile(
    _LEFT + r"((?:\(0(?:10|2[0-9]|[3-9][0-9]{2})\)|0(?:10|2[0-9]|[3-9][0-9]{2}))"
    r"-{0,3}[2-8][0-9]{2}(?:[0-9]|-{0,3}[0-9])-{0,3}[0-9]{4})" + _RIGHT
)
_ID18 = re.compile(_LEFT + r"([1-9](?:" + _GAP + r"[0-9]){16}" + _GAP + r"[0-9x])(?![0-9a-z])(?!-{1,3}[0-9])")
_ID15 = re.compile(_LEFT + r"([1-9](?:" + _GAP + r"[0-9]){14})" + _RIGHT)
_CARD = re.compile(_LEFT + r"([3-69][0-9]{3}(?:" + _GAP + r"[0-9]){12,15})" + _RIGHT)
_EMAIL = re.compile(r"(?<![a-z0-9._%+-])([a-z0-9][a-z0-9._%+-]*@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,})(?![a-z0-9-])")
_DIGIT_RUN = re.compile(r"[0-9][0-9()+-]{8,}[0-9x]")
_LAST_DIGIT = re.compile(r"[0-9](?=[^0-9]*$)")
_SEVEN_DIGITS = re.compile(r"[0-9](?:[^0-9\n]{0,3}[0-9]){6}")
# The word just before a number says what it is; the nearest one wins.
_CUES = (
    (
        "order",
        r"订单号?|单号|运单|快递单?|物流单?|编号|流水号?|交易号|工单|发票号?|批次|序列号|货号|条码|编码|sn|券码|取件码|验证码",
    ),
    ("id_card", r"身份证号?码?|证件号?码?|身份号码?"),
    ("bank_card", r"银行卡号?|卡号|储蓄卡|信用卡|借记卡|银行账号|银行账户|收款账号|账户|账号"),
    ("phone", r"手机号?码?|电话号?码?|联系方式|联系电话|号码|致电|拨打|来电|tel|phone|mobile"),
)
_CUE = re.compile("|".join(f"(?P<{name}>{pattern})" for name, pattern in _CUES))
_CUE_REACH = 16  # characters before a number in which a cue counts
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10x98765432"


@dataclass(frozen=True)
class PiiHit:
    """One piece of personal data: span in the checked text, its kind and the masked replacement."""

    start: int
    end: int
    kind: str
    masked: str


@lru_cache(maxsize=1)
def _separator() -> re.Pattern[str]:
    return re.compile("[" + re.escape(_SEPARATORS) + "]")


def number_view(folded: str) -> str:
    """`folded` with every separator a paste can put between digits written as `-` (same length)."""
    return _separator().sub("-", folded)


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


def _birth_ok(yyyymmdd: str) -> bool:
    year, month, day = int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:8])
    return 1900 <= year <= 2099 and 1 <= month <= 12 and 1 <= day <= 31


def _mask_mobile(s: str) -> str:
    d = _digits(s)[-11:]
    return d[:3] + "****" + d[-4:]


def _mask_landline(s: str) -> str:
    d = _digits(s)
    area_len = 3 if d.startswith(("010", "02")) else 4
    area, local = d[:area_len], d[area_len:]
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


def nearest_cue(folded: str, start: int) -> str | None:
    """The kind the nearest cue word before `start` names (order / id_card / bank_card / phone), or None.
    Only the stretch since the last sentence end or digit counts, at most a few characters back."""
    lo = max(0, start - _CUE_REACH)
    window = folded[lo:start]
    for stop in "。!?;\n！？；":
        cut = window.rfind(stop)
        if cut >= 0:
            window = window[cut + 1 :]
    last_digit = _LAST_DIGIT.search(window)
    if last_digit:
        window = window[last_digit.end() :]
    found = None
    for m in _CUE.finditer(window):
        found = m.lastgroup
    return found


def find_pii(folded: str, kinds: tuple[str, ...] | None = None) -> list[PiiHit]:
    """Personal data in folded text, validated; `kinds` limits which detectors run."""
    hits: list[PiiHit] = []
    wanted = set(kinds) if kinds is not None else set(KINDS)
    has_at = "@" in folded
    if not has_at and not _SEVEN_DIGITS.search(folded):
        return hits  # most drafts: no number long enough to be anyone's
    view = number_view(folded)
    # Detectors only look where a long enough run of digits is (or an @ is).
    windows = [(max(0, m.start() - 8), min(len(view), m.end() + 2)) for m in _DIGIT_RUN.finditer(view)]
    if not windows and not has_at:
        return hits
    taken: list[tuple[int, int]] = []
    cues: dict[int, str | None] = {}

    def cue(start: int) -> str | None:
        if start not in cues:
            cues[start] = nearest_cue(folded, start)
        return cues[start]

    def add(
        kind: str,
        regex: re.Pattern[str],
        mask: Callable[[str], str],
        valid: Callable[[str, int], bool],
        text: str,
    ) -> None:
        spans = windows if regex is not _EMAIL else [(0, len(text))]
        for m in _finditer(regex, text, spans):
            s, e = m.span(1)
            if any(s < te and ts < e for ts, te in taken) or not valid(m.group(1), s):
                continue
            taken.append((s, e))
            if kind in wanted:
                hits.append(PiiHit(s, e, kind, mask(m.group(1))))

    def id18(number: str, start: int) -> bool:
        d = _digits(number)
        if cue(start) == "order" or not _birth_ok(d[6:14]):
            return False
        return id_checksum_ok(d) or cue(start) == "id_card"  # after 身份证, a mistyped check digit is still an ID

    def id15(number: str, start: int) -> bool:
        d = _digits(number)
        return cue(start) in ("id_card", None) and _birth_ok("19" + d[6:12]) and cue(start) != "order"

    def card(number: str, start: int) -> bool:
        d = _digits(number)
        kind = cue(start)
        if not 16 <= len(d) <= 19 or kind in ("order", "phone", "id_card"):
            return False
        return luhn_ok(d) or kind == "bank_card"

    def phone(number: str, start: int) -> bool:
        return cue(start) not in ("order", "bank_card", "id_card")

    # Most specific first: an ID number also looks like a long digit run, a card contains phone-like runs.
    add("id_card", _ID18, _mask_id, id18, view)
    add("bank_card", _CARD, _mask_card, card, view)
    add("id_card", _ID15, _mask_id, id15, view)
    add("mobile", _MOBILE, _mask_mobile, phone, view)
    add("landline", _LANDLINE, _mask_landline, phone, view)
    if has_at:
        add("email", _EMAIL, _mask_email, lambda number, start: True, folded)
    hits.sort(key=lambda h: h.start)
    return hits


def _finditer(regex: re.Pattern[str], text: str, windows: list[tuple[int, int]]) -> Iterator[re.Match[str]]:
    last = -1
    for lo, hi in windows:
        lo = max(lo, last)
        for m in regex.finditer(text, lo, hi):
            last = m.end()
            yield m


# Masking for storage (logs, the usage log, anything that leaves the text it was typed in): broader than the
# detectors above on purpose — any long digit run may be someone's number, and an order number lost in a
# log costs nothing. Same separators as the detectors.
_LONG_DIGITS = re.compile(r"[0-9](?:-{0,3}[0-9]){5,}")
_ANY_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")


def mask_personal_data(text: str) -> str:
    """Hide digit runs of 6+ (phones, IDs, cards, order numbers — however separated) and e-mail addresses,
    and everything `find_pii` finds; keep the words and the length."""
    folded = fold(text)  # full-width digits become ASCII so they are caught too; same length
    view = number_view(folded)
    out = list(text)
    spans = [m.span() for m in _LONG_DIGITS.finditer(view)] + [m.span() for m in _ANY_EMAIL.finditer(folded)]
    spans += [(h.start, h.end) for h in find_pii(folded)]
    for start, end in spans:
        for i in range(start, end):
            if not folded[i].isspace():
                out[i] = "*"
    return "".join(out)
