"""Failures are logged under $ZHIDA_HOME/logs with personal data masked."""

from __future__ import annotations

from app.core.logs import get_logger, setup_logging


def test_a_logged_failure_lands_in_the_rotating_file_with_the_phone_number_masked(zhida_home):
    path = setup_logging(zhida_home)
    assert path == zhida_home / "logs" / "zhida.log"
    try:
        raise ValueError("客户 13812345678 的订单打不开")
    except ValueError:
        get_logger("test").exception("compose failed for %s", "alice@example.com")
    for handler in get_logger("test").parent.handlers:
        handler.flush()
    text = path.read_text(encoding="utf-8")
    assert "compose failed" in text and "ValueError" in text and "的订单打不开" in text
    assert "13812345678" not in text and "alice@example.com" not in text
