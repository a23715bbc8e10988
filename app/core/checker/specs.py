"""`zhida validate`'s rule check: every rule against its own `specs` examples."""

from __future__ import annotations

from app.core.checker.match import Checker
from app.core.content.model import Content, Problem


def rule_spec_problems(content: Content, checker: Checker | None = None) -> list[Problem]:
    """`zhida validate`'s rule check: each rule's own specs (rule-file format problems come with them).

    Pass the checker already compiled from `content` to avoid compiling the rules a second time."""
    checker = checker or Checker.from_content(content)
    return checker.problems + checker.run_specs()
