"""`zhida validate`'s rule check: every rule against its own `specs` examples, and the safety-floor warning."""

from __future__ import annotations

from app.core.checker.match import Checker
from app.core.checker.ruleset import no_rules_problem
from app.core.content.bundled import is_bundled
from app.core.content.model import Content, Problem


def rule_spec_problems(content: Content, checker: Checker | None = None) -> list[Problem]:
    """`zhida validate`'s rule check: each of the root's own rules against its specs (rule-file format
    problems come with them), and a warning when the root has no rule files of its own.

    Pass the checker already compiled from `content` to avoid compiling the rules a second time."""
    checker = checker or Checker.from_content(content)
    problems = checker.problems + checker.run_specs(own_only=not is_bundled(content))
    missing = no_rules_problem(content)
    return problems + ([missing] if missing else [])
