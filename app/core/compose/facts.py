"""The customer's own facts, taken from the message: order and waybill numbers, amounts, the product, a phone.

They fill the draft's placeholders ({订单号}, {退款金额}, {商品名称} …), so a reply never asks for what
the customer already wrote. A phone number is only ever used masked (138****5678). Extraction is
conservative: a fact that is not clearly there is left for the agent to fill — a wrong order number
in a reply is worse than an open placeholder.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.core.text.fold import fold
from app.core.text.pii import find_pii

ORDER, WAYBILL, REFUND, AMOUNT, PRODUCT, PHONE_NUMBER = "订单号", "物流单号", "退款金额", "金额", "商品名称", "手机号"

_ORDER_CUE = re.compile(r"(?:订单号|订单编号|订单|单号)(?:是|为|:|：|\s|#|no\.?)*([a-z]{0,4}\d[a-z0-9-]{5,30})")
_WAYBILL_CUE = re.compile(r"(?:快递单号|运单号|物流单号|快递号|运单)(?:是|为|:|：|\s)*([a-z]{0,4}\d[a-z0-9]{7,24})")
# An order number written without its cue: a long run of digits (never an 11-digit mobile or a valid ID).
_BARE_NUMBER = re.compile(r"(?<![0-9a-z])(\d{12,24})(?![0-9a-z])")
_MONEY = re.compile(r"(?:¥|￥|rmb\s?)(\d+(?:\.\d{1,2})?)|(\d+(?:\.\d{1,2})?)\s*(?:元|块钱|块)(?!\d)")
_REFUND_CUE = re.compile(r"退(?:款|钱|了|回|给)?|返还|返")
# 买的空气净化器不出风了 / 收到的杯子碎了 / 这台洗衣机一直漏水: the product sits between the cue and what happened.
_PRODUCT = re.compile(
    r"(?:买的|购买的|收到的|下单的|订的|拍的|这个|那个|这台|那台|这款|那款|这件|那件|这双|这部|我的)"
    r"([\u4e00-\u9fffa-z0-9]{2,12}?)"
    r"(?=不|没|坏|碎|破|裂|漏|有|一直|总是|突然|怎么|出现|发错|少|掉|烂|用了|刚|才|已经|还|是|[,，。!！?？\s]|$)"
)
_NOT_PRODUCT = re.compile(r"^(?:东西|商品|货|快递|订单|问题|情况|事情|事|钱|款|人|时候|样子|月|天|次|里面|地方)")
# A product's name is a noun phrase: it ends before an aspect particle, adverb, time word or modal particle
# (这个扫地机都修了一个月 → 扫地机; 买的冰箱当时没要发票 → 冰箱), and the things a shop does for the customer
# (退款, 订单, 物流, 账号 …) are not products (我的退款申请了三次都没到账 → none).
_PRODUCT_END = re.compile(
    r"[了过都也又再就把被给啊呀呢吧嘛]|当时|到现在|现在|今天|昨天|前天|刚刚|放在|收到|寄到|送到|送来"
)
_PRODUCT_START = re.compile(r"^(?:那个|这个|一个|个|是)")
_NOT_IN_PRODUCT = re.compile(r"退|申请|订单|物流|快递|客服|账号|账户|发票|积分|优惠券|会员|地址|验证码")
_ASK = re.compile(
    r"(?:提供|告诉|发给|发送|发一下|发我|报一下|说一下|输入|填写|截图|确认一下您的)[^。!?！？]{0,12}"
    r"(订单号|单号|订单编号|手机号|电话号码|联系电话|物流单号|运单号|快递单号|商品名称|商品型号)"
)
_ASKED_NAME = {
    "订单号": ORDER,
    "单号": ORDER,
    "订单编号": ORDER,
    "手机号": PHONE_NUMBER,
    "电话号码": PHONE_NUMBER,
    "联系电话": PHONE_NUMBER,
    "物流单号": WAYBILL,
    "运单号": WAYBILL,
    "快递单号": WAYBILL,
    "商品名称": PRODUCT,
    "商品型号": PRODUCT,
}


@dataclass(frozen=True)
class Fact:
    """One fact from the message: the placeholder it fills, the value for the reply and where it was written."""

    name: str
    value: str
    start: int
    end: int

    def to_dict(self) -> dict[str, object]:
        """JSON form."""
        return {"name": self.name, "value": self.value, "start": self.start, "end": self.end}


def extract_facts(message: str) -> dict[str, Fact]:
    """The facts the message states, by placeholder name (only what is clearly there)."""
    folded = fold(message)
    facts: dict[str, Fact] = {}
    taken: list[tuple[int, int]] = []

    def add(name: str, value: str, start: int, end: int) -> None:
        if name in facts or any(start < e and s < end for s, e in taken):
            return
        facts[name] = Fact(name, value, start, end)
        taken.append((start, end))

    pii = find_pii(folded)
    for m in _WAYBILL_CUE.finditer(folded):
        add(WAYBILL, message[m.start(1) : m.end(1)], m.start(1), m.end(1))
    for m in _ORDER_CUE.finditer(folded):
        add(ORDER, message[m.start(1) : m.end(1)], m.start(1), m.end(1))
    for hit in pii:
        if hit.kind == "mobile":
            add(PHONE_NUMBER, hit.masked, hit.start, hit.end)
    personal = [(h.start, h.end) for h in pii]
    for m in _BARE_NUMBER.finditer(folded):
        if not any(m.start() < e and s < m.end() for s, e in personal):
            add(ORDER, m.group(1), m.start(1), m.end(1))
    for m in _MONEY.finditer(folded):
        group = 1 if m.group(1) else 2
        value = m.group(group)
        before = folded[max(0, m.start() - 8) : m.start()]
        name = REFUND if _REFUND_CUE.search(before) else AMOUNT
        add(name, value, m.start(group), m.end(group))
    for m in _PRODUCT.finditer(folded):
        name, start = m.group(1), m.start(1)
        lead = _PRODUCT_START.match(name)
        if lead:
            name, start = name[lead.end() :], start + lead.end()
        end = _PRODUCT_END.search(name)
        name = name[: end.start()] if end else name
        if len(name) < 2 or _NOT_PRODUCT.match(name) or name.isdigit() or _NOT_IN_PRODUCT.search(name):
            continue
        add(PRODUCT, message[start : start + len(name)], start, start + len(name))
        break
    return facts


def fact_values(facts: dict[str, Fact]) -> dict[str, str]:
    """{placeholder name: value} for filling a draft."""
    return {name: fact.value for name, fact in facts.items()}


def asks_for(text: str) -> set[str]:
    """The facts a reply text asks the customer for (麻烦您提供一下订单号 → {订单号})."""
    return {_ASKED_NAME[m.group(1)] for m in _ASK.finditer(fold(text))}
