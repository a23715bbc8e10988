"""Where a phrase may match: never across the separator of a menu path (【我的-订单-包裹-退款】), English jargon
rules by the language of the sentence (「log in」 is English, not jargon), and English article sections checked
as an English-speaking customer reads them."""

from __future__ import annotations

from app.core.checker.match import CheckContext, Checker
from app.core.checker.rules import parse_rule_files
from app.core.content.loader import load_content
from app.core.content.model import LibraryFile
from app.core.validation import validate_root
from tests.conftest import REPO_ROOT, article

FOREIGN = CheckContext(audience="外籍")


def _team_checker() -> Checker:
    """A team's over-promise rule written as a phrase and as a regex (包退 = 保证退款)."""
    rules = [
        {"id": "p", "level": "error", "reason": "过度承诺", "message": "m", "phrases": ["包退"], "pinyin": False},
        {"id": "r", "level": "error", "reason": "过度承诺", "message": "m", "regex": "包(?:退|换)款?"},
    ]
    lib = LibraryFile("t/rules.yaml", "rules", {"kind": "rules", "rules": rules})  # type: ignore[arg-type]
    parsed, problems = parse_rule_files([lib])
    return Checker(parsed, problems)


def test_a_phrase_does_not_run_across_a_menu_path_separator():
    checker = _team_checker()
    assert checker.check("点「包-退款」即可") == []
    assert checker.check("请在【我的-订单-包裹-退款】申请") == []
    assert checker.check("请点击【我的 > 包 > 退款】") == []


def test_the_same_phrase_is_still_caught_outside_a_menu_path_and_inside_one_name():
    checker = _team_checker()
    assert [f.text for f in checker.check("我们包退款的")] == ["包退款"]
    assert [f.text for f in checker.check("放心，包-退款")] == ["包-退款"]  # a dash as a disguise, not a path
    assert {f.text for f in checker.check("打开【我的-包退】")} == {"包退"}  # whole within one menu name


def test_log_in_in_an_english_reply_is_not_jargon_but_api_is():
    checker = Checker.from_content(load_content(REPO_ROOT))
    for text in ("Please log in to the app.", "log in", "Please tap 【我的-设置】 (Me - Settings) to log in."):
        for context in (CheckContext(), FOREIGN):
            assert [f.rule for f in checker.check(text, context) if "jargon" in f.rule] == [], text
    assert [f.rule for f in checker.check("The API returned an error.", FOREIGN)] == ["jargon-english-terms"]
    assert [f.text for f in checker.check("请看log") if f.rule == "jargon-english-abbr"] == ["log"]


def test_an_english_article_section_is_checked_as_for_a_foreign_customer(make_root):
    body = (
        "## 结论\n亲，退款1-3个工作日到账。\n\n"  # 亲 to a Chinese customer: a suggestion, not an error
        "## 结论 (English)\nHi 亲, your refund arrives in 1-3 working days.\n"
    )
    root = make_root({"kb/a.md": article("refund-time", body=body)})
    errors = [p for p in validate_root(root).problems if p.level == "error"]
    assert len(errors) == 1
    assert "结论 (English)" in errors[0].message and "address-familiar-foreign" in errors[0].message
    assert errors[0].path == "kb/a.md" and errors[0].line == 9
