"""The dev sets in tests/data/checker/ through the harness: recall and false alarms stay where they are."""

from __future__ import annotations

import pytest

from app.bench.checker_eval import evaluate, load_sets
from app.core.checker.match import Checker
from app.core.content.loader import load_content
from tests.conftest import REPO_ROOT


@pytest.fixture(scope="module")
def result() -> dict:
    return evaluate(Checker.from_content(load_content(REPO_ROOT)), load_sets())


def test_forbidden_lines_are_caught_checked_as_one_text(result):
    assert result["one_text"]["forbidden_recall"] >= 0.95, result["one_text"]["misses"]


def test_every_disguise_family_is_caught(result):
    caught, total = map(int, result["one_text"]["families"]["disguise"].split("/"))
    assert caught == total, result["one_text"]["misses"]


def test_no_clean_polite_reply_gets_a_warning(result):
    assert result["one_text"]["polite_alarms"] == [] and result["lines"]["polite_alarms"] == []


def test_seller_replies_without_an_error_get_none_and_the_errors_are_caught(result):
    for mode in ("one_text", "lines"):
        assert result[mode]["seller_false"] == [], mode
        assert result[mode]["seller_missed"] == [], mode
