"""`zhida bench check` measures what the issues ask for: regex-heavy padding, and the regex bomb refused."""

from __future__ import annotations

from app.bench.check import _bomb, _draft, _synthetic_file
from app.core.checker.match import Checker
from app.core.checker.rules import parse_rule_files
from app.core.content.loader import load_content
from tests.conftest import REPO_ROOT


def test_the_padding_rules_carry_regexes_of_real_shapes_that_compile_and_the_bomb_is_refused():
    content = load_content(REPO_ROOT)
    padding = _synthetic_file(content, 200, _draft(content))
    rules, problems = parse_rule_files([padding])
    assert problems == [] and len(rules) == 200
    regexes = [r.regex for r in rules if r.regex]
    assert len(regexes) == 50
    assert any("(?P=" in r for r in regexes) and any("(?<!" in r for r in regexes)  # backreference, look-behind
    checker = Checker(rules)
    assert len({ri for ri, *_ in checker._regex}) == 50  # every padding regex passes the safety check
    ms, refused = _bomb(content, checker.variants)
    assert refused and ms < 1000
