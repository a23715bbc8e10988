"""The app's workspace: the same problems as `zhida validate`, with the rules compiled once."""

from __future__ import annotations

from app.core.validation import validate_root
from app.core.workspace import load_workspace
from tests.conftest import article

RULES = """\
kind: rules
rules:
  - id: evasive-dont-know
    level: error
    reason: 推诿
    message: 推诿
    phrases: [我不知道]
    specs:
      flag: [我不知道]
      pass: [我不知道啊]
"""


def test_workspace_reports_what_validate_reports_and_checks_with_the_same_rules(make_root, zhida_home):
    root = make_root({"kb/a.md": article("a"), "scripts_library/rules/r.yaml": RULES})
    workspace = load_workspace(root, zhida_home)
    assert {p.format() for p in workspace.problems} == {p.format() for p in validate_root(root).problems}
    assert any(p.path == "scripts_library/rules/r.yaml" for p in workspace.problems)  # the failing `pass` spec
    assert [f.text for f in workspace.checker.check("这个我不知道")] == ["我不知道"]
    assert workspace.index is not None and workspace.index.search("退款")[0].id == "a"
