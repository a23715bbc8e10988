"""The rules a content root is checked with: the default rules shipped with the app, always, plus the
root's own rules, which add to them and may replace a default rule by giving the same id.

The defaults (personal-data detectors and the core 禁忌 families) are the bundled scripts_library/rules
(app/bundled/ in the wheel): a root without rule files of its own — what `zhida import` produces — is
still checked for a phone number or an ID, and `zhida validate` warns that it has no rules of its own.
"""

from __future__ import annotations

import functools

from app.core.checker.rules import Rule, parse_rule_files, parse_variant_tables
from app.core.content.bundled import bundled_content, is_bundled
from app.core.content.model import Content, Problem
from app.core.text.variants import VariantTable

NO_RULES = (
    "这个内容目录没有自己的规则文件(kind: rules):回复检查只用内置的默认规则(隐私与核心禁忌话术)。"
    "如需团队自己的禁忌话术,请在 scripts_library/rules/ 下添加 "
    "(no rule files of its own: only the built-in rules apply)"
)


@functools.lru_cache(maxsize=1)
def _defaults() -> tuple[tuple[Rule, ...], VariantTable]:
    """The bundled rules and variant table, parsed once per process (their problems are reported when the
    bundled content itself is validated)."""
    files = bundled_content().library_of("rules")
    rules, _ = parse_rule_files(files)
    for rule in rules:
        rule.base = True
    variants, _ = parse_variant_tables(files)
    return tuple(rules), variants


def load_rules(content: Content) -> tuple[list[Rule], VariantTable, list[Problem]]:
    """(rules, variant table, problems of the root's own rule files): the defaults first, the root's after;
    a root rule with a default rule's id replaces it."""
    own_files = content.library_of("rules")
    own, problems = parse_rule_files(own_files)
    if is_bundled(content):
        for rule in own:
            rule.base = True
        variants, variant_problems = parse_variant_tables(own_files)
        return own, variants, problems + variant_problems
    defaults, default_variants = _defaults()
    replaced = {rule.id for rule in own}
    rules = [rule for rule in defaults if rule.id not in replaced] + own
    own_variants, variant_problems = parse_variant_tables(own_files)
    return rules, VariantTable.merged([default_variants, own_variants]), problems + variant_problems


def no_rules_problem(content: Content) -> Problem | None:
    """The warning for a content root without rule files of its own (the defaults still apply)."""
    if is_bundled(content) or content.library_of("rules"):
        return None
    return Problem("scripts_library/rules", 1, "warning", NO_RULES)
