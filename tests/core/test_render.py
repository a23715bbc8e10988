"""Article rendering: safe HTML, and lists that knowledge teams write without a blank line."""

from __future__ import annotations

from app.core.content.render import render_markdown


def test_scripts_images_and_event_handlers_are_removed():
    html = render_markdown(
        "退款<script>alert(1)</script><img src='http://example.com/x.png'>"
        "<a href='javascript:alert(1)'>x</a><a href='https://ok.example' onclick='x()'>y</a>"
    )
    assert "alert" not in html and "<img" not in html and "onclick" not in html and "javascript" not in html
    assert 'href="https://ok.example"' in html


def test_a_list_right_after_a_paragraph_line_is_still_a_list():
    html = render_markdown("退款按原支付方式退回:\n- 商城余额:即时到账\n- 银行卡:3-7个工作日\n")
    assert html.count("<li>") == 2


def test_numbered_steps_and_code_fences_are_kept():
    html = render_markdown("步骤如下:\n1. 打开APP\n2. 点击【我的】\n\n```\n- 不是列表\n```\n")
    assert html.count("<li>") == 2 and "- 不是列表" in html
