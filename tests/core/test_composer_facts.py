"""The customer's own facts, read from the message: what fills {商品名称} and friends."""

from __future__ import annotations

from app.core.compose.facts import PRODUCT, extract_facts


def test_the_product_the_customer_names_is_read_between_the_cue_and_what_happened() -> None:
    assert extract_facts("买的空气净化器不出风了,想修一下")[PRODUCT].value == "空气净化器"
    assert extract_facts("这台洗衣机一直漏水")[PRODUCT].value == "洗衣机"


def test_a_service_or_a_clause_is_never_taken_for_a_product() -> None:
    assert PRODUCT not in extract_facts("我的退款申请了三次都没到账")  # 退款 is what the shop does, not a product
    assert PRODUCT not in extract_facts("我的订单还没发货")


def test_the_product_ends_where_the_clause_goes_on() -> None:
    assert extract_facts("我这个扫地机都修了一个多月了")[PRODUCT].value == "扫地机"
    assert extract_facts("半年前买的冰箱当时没要发票")[PRODUCT].value == "冰箱"
