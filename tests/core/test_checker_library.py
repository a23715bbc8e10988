"""The safety floor and the checked library: default rules always apply, a root's rules add to them and
may replace one by id, a root without rules is warned about, and `zhida validate` runs the checker over
scripts and articles (#12 item 4, #13 item 6)."""

from __future__ import annotations

from app.cli import main
from app.core.checker.match import Checker
from app.core.content.loader import load_content
from app.core.validation import validate_root
from tests.conftest import REPO_ROOT, article

BAD_SCRIPT = """\
- id: s-bad
  title: 打发客户
  type: 咨询
  stage: 说明
  text: "亲，这个我不知道，你自己去看说明，爱买不买。有事打我手机13812345678"
"""
GOOD_SCRIPT = """\
- id: s-good
  title: 查询
  type: 咨询
  stage: 核实
  text: "您好，我帮您查询一下，请稍等。"
"""


def test_a_root_without_rules_still_flags_a_phone_and_an_id_number_and_is_warned(make_root):
    root = make_root({"kb/a.md": article("refund-time"), "scripts_library/scripts.yaml": GOOD_SCRIPT})
    content = load_content(root)
    checker = Checker.from_content(content)
    found = {f.rule for f in checker.check("手机13812345678，身份证110101199003074573") if f.level == "error"}
    assert found == {"pii-mobile", "pii-id-card"}
    assert "evasive-dont-know" in {f.rule for f in checker.check("我不知道")}
    problems = validate_root(root).problems
    warnings = [p for p in problems if p.level == "warning" and "kind: rules" in p.message]
    assert len(warnings) == 1 and warnings[0].path == "scripts_library/rules"


def test_a_root_rule_adds_to_the_defaults_and_replaces_one_by_id(make_root):
    rules = """\
kind: rules
rules:
  - id: evasive-dont-know
    level: suggestion
    reason: 推诿
    message: 本团队允许
    phrases: [我不知道]
  - id: team-word
    level: error
    reason: 用语
    message: 团队禁用
    phrases: [小二]
"""
    root = make_root({"scripts_library/rules/team.yaml": rules})
    checker = Checker.from_content(load_content(root))
    by_rule = {f.rule: f.level for f in checker.check("我不知道，小二来了，手机13812345678")}
    assert by_rule["evasive-dont-know"] == "suggestion"
    assert (by_rule["team-word"], by_rule["pii-mobile"]) == ("error", "error")
    assert [r.id for r in checker.rules].count("evasive-dont-know") == 1
    problems = validate_root(root).problems
    assert not [p for p in problems if "kind: rules" in p.message]  # it has rules of its own now


def test_validate_reports_a_forbidden_script_at_its_file_and_line(make_root, capsys):
    root = make_root({"scripts_library/scripts.yaml": GOOD_SCRIPT + BAD_SCRIPT})
    code = main(["validate", "--content", str(root)])
    out = capsys.readouterr().out
    errors = [line for line in out.splitlines() if ": error: " in line]
    assert code == 1
    assert errors and all("scripts_library/scripts.yaml:10: error: script 's-bad'" in line for line in errors), errors
    rules = {line.rsplit("[", 1)[1].rstrip("]") for line in errors}
    assert {"evasive-dont-know", "evasive-read-yourself", "pii-mobile"} <= rules


def test_validate_checks_customer_facing_article_sections_but_not_the_pitfalls(make_root):
    body = "## 结论\n退款1-3个工作日到账。\n\n## 说明\n这是物流的问题，跟我们没关系。\n\n## 常见误区\n- 不要说「我不知道」。\n"
    root = make_root({"kb/a.md": article("refund-time", body=body)})
    errors = [p for p in validate_root(root).problems if p.level == "error"]
    assert errors and [(p.path, p.line) for p in errors] == [("kb/a.md", 9)] * len(errors)  # the 说明 line
    assert all("我不知道" not in p.message for p in errors)


def test_the_bundled_library_passes_its_own_checker():
    content = validate_root(REPO_ROOT)
    assert content.errors == []
