"""Rules from the share cannot hang the checker, and the checker stays linear in the text (#18 item 9)."""

from __future__ import annotations

import time

import pytest

from app.core.checker.match import Checker
from app.core.checker.regexsafe import SafeRegex, compile_safe, unsafe_reason
from app.core.checker.rules import parse_rule_files
from app.core.content.loader import load_content
from app.core.validation import validate_root
from tests.conftest import REPO_ROOT

BOMB = "(您+)+好吗了$"


@pytest.mark.parametrize("pattern", [BOMB, "(a*)*b", "(x+x+)+y", "(.*a){12}", "(a|a)+c", "(?:您|您您){0,16}好吗了$"])
def test_shapes_that_backtrack_catastrophically_are_refused_with_the_reason(pattern):
    reason = unsafe_reason(pattern)
    assert reason and "(" in reason  # Chinese explanation with the English term
    with pytest.raises(ValueError, match="unsafe regex refused"):
        compile_safe(pattern)


@pytest.mark.parametrize(
    "pattern",
    [
        "爱([\\u4e00-\\u9fff])不\\1",
        "(你|您)+好",
        "(?:[\\u4e00-\\u9fff][^a-z\\n\\u4e00-\\u9fff]*){6,}",
        "(?<!预计)(马上|立刻)到账",
    ],
)
def test_ordinary_rule_patterns_are_accepted(pattern):
    assert unsafe_reason(pattern) is None


def test_validate_refuses_a_bomb_rule_at_its_line_and_the_other_rules_still_work(make_root):
    rules = f"""\
kind: rules
rules:
  - id: bomb
    level: error
    reason: 态度
    message: m
    regex: '{BOMB}'
  - id: fine
    level: error
    reason: 态度
    message: m
    phrases: [小二]
"""
    root = make_root({"scripts_library/rules/team.yaml": rules})
    problems = [p for p in validate_root(root).problems if p.level == "error"]
    assert [(p.path, p.line) for p in problems] == [("scripts_library/rules/team.yaml", 7)]
    assert "unsafe regex refused" in problems[0].message
    checker = Checker.from_content(load_content(root))
    start = time.process_time()
    findings = checker.check("您" * 28 + "好吗")
    assert time.process_time() - start < 1.0 and "bomb" not in {f.rule for f in findings}
    assert "fine" in {f.rule for f in checker.check("小二来了")}


def test_the_engine_stops_a_runaway_search_by_itself():
    runaway = SafeRegex("(a|a)+c")  # the engine wrapper alone, without the shape check in front of it
    start = time.process_time()
    with pytest.raises(TimeoutError):
        list(runaway.finditer("a" * 40))
    assert time.process_time() - start < 2.0


def test_checking_time_grows_linearly_with_the_text_even_with_a_finding_on_every_line():
    checker = Checker.from_content(load_content(REPO_ROOT))
    line = "你好，我不知道，手机13812345678，这是物流的问题，你自己看说明吧。\n"

    def cost(lines: int) -> tuple[float, int]:
        text = line * lines
        start = time.process_time()
        found = checker.check(text)
        return time.process_time() - start, len(found)

    cost(50)  # warm caches
    small, small_found = cost(400)
    big, big_found = cost(3200)
    assert big_found == 8 * small_found  # every line's findings, none lost to another line's
    assert big < 24 * max(small, 0.01)  # 8× the text: linear would be 8×, quadratic 64×


def test_rule_problems_name_the_file_and_line_and_refuse_only_the_bad_rule(make_root):
    root = make_root(
        {
            "scripts_library/rules/a.yaml": "kind: rules\nrules:\n"
            "  - {id: ok, level: error, reason: 态度, message: m, regex: '不买拉倒'}\n"
            "  - {id: bad, level: error, reason: 态度, message: m, regex: '(a|ab)*(a|ab)*(a+)+'}\n"
        }
    )
    rules, problems = parse_rule_files(load_content(root).library_of("rules"))
    assert [r.id for r in rules] == ["ok"] and [(p.line, p.level) for p in problems] == [(4, "error")]
