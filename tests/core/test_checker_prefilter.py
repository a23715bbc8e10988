"""The regex prefilter (checker/prefilter `literal_plan`): a regex runs only near its literals, and only where
every literal it requires is present — and it still finds every match a plain search finds."""

from __future__ import annotations

import random
import re

from app.core.checker.match import Checker
from app.core.checker.prefilter import literal_plan
from app.core.checker.rules import parse_rule_files
from app.core.content.model import LibraryFile


def _checker(pattern: str) -> Checker:
    rule = {"id": "r", "level": "error", "reason": "态度", "message": "m", "regex": pattern, "pinyin": False}
    lib = LibraryFile("t/rules.yaml", "rules", {"kind": "rules", "rules": [rule]})  # type: ignore[arg-type]
    rules, problems = parse_rule_files([lib])
    assert not problems
    return Checker(rules, problems)


def test_plan_knows_every_required_literal_set_and_where_the_cheapest_lies():
    plan = literal_plan("(?:物流|快递)(?:公司)?(?:弄|搞)[\u4e00-\u9fff]{0,3}(?:坏|丢)了")
    assert plan.literals == {a + b + c for a in ("物流", "快递") for b in ("", "公司") for c in "弄搞"}
    assert plan.before == 0 and plan.after == 3 + 2  # three characters, then 坏了 / 丢了
    assert [o.pattern for o in plan.others] == ["丢了|坏了"]  # must be there too, or the regex is not run
    unbounded = literal_plan("退款.*审核")
    assert unbounded.after is None and unbounded.before == 0
    assert literal_plan("(?i)API.{0,3}报错").others == ()  # literals compared as written: not with (?i)


def test_a_match_far_from_the_hit_on_its_side_is_still_found():
    checker = _checker("(?:一定|保证)[\u4e00-\u9fff]{0,12}退款")
    text = "您好。" * 40 + "我们保证在今天下午五点之前给您退款。" + "谢谢。" * 40
    assert [f.text for f in checker.check(text)] == ["保证在今天下午五点之前给您退款"]
    assert checker.check("我们保证。" + "好" * 30 + "退款") == []  # too far apart: not a match


def test_the_prefilter_finds_exactly_what_a_plain_search_finds():
    """Random texts over the pattern's own characters: the checker's spans equal re.finditer's."""
    patterns = [
        "(?:不能|无法)(?:给你|为你)?(?:退|换)(?:货|款)?",
        "(?:公告|说明)上?(?:都|早就)(?:写|说)(?:了|过)",
        "(?:要求|问题)[\u4e00-\u9fff]{0,3}(?:真|太)(?:离谱|过分)",
        "好(?P<x>[\u4e00-\u9fff])后(?P=x)",
    ]
    rng = random.Random(7)
    for pattern in patterns:
        checker = _checker(pattern)
        alphabet = sorted(set(re.sub(r"[^\u4e00-\u9fff]", "", pattern)) - {"一", "鿿"}) + ["的"]
        for _ in range(150):
            text = "".join(rng.choice(alphabet) for _ in range(rng.randint(5, 60)))
            expected = [m.span() for m in re.finditer(pattern, text)]
            found = [(f.start, f.end) for f in checker.check(text)]
            assert found == expected, (pattern, text)
