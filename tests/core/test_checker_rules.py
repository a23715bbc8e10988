"""The rule file format as a knowledge manager writes it: each key does what docs/authoring.md says, mistakes are located."""

from __future__ import annotations

from app.core.checker.match import CheckContext, Checker
from app.core.checker.prefilter import required_literals
from app.core.checker.rules import parse_rule_files
from app.core.content.loader import load_content
from app.core.validation import validate_root


def own(root) -> Checker:
    """A checker of the root's own rules only (without the defaults every root also gets), to test the format."""
    rules, problems = parse_rule_files(load_content(root).library_of("rules"))
    return Checker(rules, problems)


def checker_for(make_root, rules_yaml: str, name: str = "rules.yaml") -> Checker:
    root = make_root({f"scripts_library/rules/{name}": "kind: rules\nrules:\n" + rules_yaml})
    return own(root)


def hits(checker: Checker, text: str, context: CheckContext | None = None) -> list[tuple[str, str]]:
    return [(f.rule, f.text) for f in checker.check(text, context)]


def test_phrases_words_regex_and_suggestions(make_root):
    checker = checker_for(
        make_root,
        """\
  - id: r-phrase
    level: error
    reason: 推诿
    message: "别说「{match}」"
    phrases: [不归我管]
    suggest: [我来处理]
    specs: {fixed: [{text: 这个不归我管, to: 这个我来处理}]}
  - id: r-word
    reason: 术语
    message: 术语
    words: [api]
  - id: r-regex
    reason: 态度
    message: 赌气
    regex: '(爱|要)(买|退)不(买|退)'
""",
    )
    assert checker.problems == []
    [f] = checker.check("这个不 归我管")
    assert (f.rule, f.text, f.level, f.reason, f.message, f.suggestions) == (
        "r-phrase",
        "不 归我管",
        "error",
        "推诿",
        "别说「不 归我管」",
        ("我来处理",),
    )
    assert hits(checker, "API报错") == [("r-word", "API")]
    assert hits(checker, "rapid系列") == []  # whole words only for Latin letters
    assert hits(checker, "爱买不买") == [("r-regex", "爱买不买")]
    assert hits(checker, "爱 买-不买") == [("r-regex", "爱 买-不买")]  # regexes also see through spacing


def test_level_defaults_to_warning_and_file_defaults_apply(make_root):
    root = make_root(
        {
            "scripts_library/rules/r.yaml": """\
kind: rules
defaults: {reason: 态度}
rules:
  - id: r1
    message: m
    phrases: [烦死了]
"""
        }
    )
    [rule] = own(root).rules
    assert (rule.level, rule.reason) == ("warning", "态度")


def test_unless_overlapping_and_unless_text_anywhere(make_root):
    checker = checker_for(
        make_root,
        """\
  - id: r-unless
    reason: 推诿
    message: m
    phrases: [不知道]
    unless: [不知道您]
  - id: r-unless-text
    reason: 拒绝
    message: m
    phrases: [没办法]
    unless_text: [您可以]
""",
    )
    assert hits(checker, "不知道您是否方便") == []
    assert hits(checker, "不知道。您是否方便") == [("r-unless", "不知道")]
    assert hits(checker, "没办法") == [("r-unless-text", "没办法")]
    assert hits(checker, "这个没办法直接办，您可以先申请换货") == []


def test_when_conditions_accept_chinese_and_english_names(make_root):
    checker = checker_for(
        make_root,
        """\
  - id: r-foreign-phone
    reason: 称呼
    message: m
    phrases: [亲爱的]
    when: {audience: [foreign], channel: 电话}
""",
    )
    assert hits(checker, "亲爱的") == []
    assert hits(checker, "亲爱的", CheckContext(audience="外籍")) == []
    assert hits(checker, "亲爱的", CheckContext(audience="外籍", channel="电话")) == [("r-foreign-phone", "亲爱的")]
    assert hits(checker, "亲爱的", CheckContext(audience="foreign", channel="phone")) == [("r-foreign-phone", "亲爱的")]


def test_limit_allows_that_many_and_flags_the_rest(make_root):
    checker = checker_for(
        make_root,
        """\
  - id: r-limit
    reason: 用语
    message: m
    phrases: [非常抱歉]
    limit: 1
""",
    )
    assert hits(checker, "非常抱歉") == []
    assert [f.start for f in checker.check("非常抱歉，非常抱歉，非常抱歉")] == [5, 10]


def test_broken_rules_are_reported_with_file_and_line_and_the_rest_still_load(make_root):
    checker = checker_for(
        make_root,
        """\
  - id: good
    reason: 推诿
    message: m
    phrases: [我不知道]
  - id: bad-regex
    reason: 推诿
    message: m
    regex: '(unclosed'
  - id: bad-level
    level: fatal
    reason: 推诿
    message: m
    phrases: [x]
  - id: nothing
    reason: 推诿
    message: m
  - id: bad-when
    reason: 推诿
    message: m
    phrases: [y]
    when: {audience: [火星人]}
""",
    )
    assert [r.id for r in checker.rules] == ["good"]
    got = [(p.path, p.line, p.level) for p in checker.problems]
    assert got == [
        ("scripts_library/rules/rules.yaml", 10, "error"),
        ("scripts_library/rules/rules.yaml", 12, "error"),
        ("scripts_library/rules/rules.yaml", 16, "error"),
        ("scripts_library/rules/rules.yaml", 23, "error"),
    ]
    assert "invalid regex" in checker.problems[0].message


def test_duplicate_ids_across_files_are_errors(make_root):
    rule = "kind: rules\nrules:\n  - id: same\n    reason: 推诿\n    message: m\n    phrases: [不知道]\n"
    root = make_root({"scripts_library/rules/a.yaml": rule, "scripts_library/rules/b.yaml": rule})
    checker = own(root)
    assert len(checker.rules) == 1
    [problem] = checker.problems
    assert problem.path == "scripts_library/rules/b.yaml" and "duplicate rule id 'same'" in problem.message


def test_validate_reports_a_rule_that_contradicts_its_own_specs(make_root):
    root = make_root(
        {
            "scripts_library/rules/r.yaml": """\
kind: rules
rules:
  - id: too-narrow
    reason: 推诿
    message: m
    phrases: [我不知道]
    specs:
      flag: [我也不知道]
      pass: [我不知道您是否方便]
"""
        }
    )
    content = validate_root(root)
    messages = [(p.path, p.line, p.level, p.message) for p in content.problems]
    assert (
        "scripts_library/rules/r.yaml",
        8,
        "error",
        "rule 'too-narrow' contradicts its spec: '我也不知道' should be flagged but is not",
    ) in messages
    assert (
        "scripts_library/rules/r.yaml",
        9,
        "error",
        "rule 'too-narrow' contradicts its spec: '我不知道您是否方便' must not be flagged but is",
    ) in messages


def test_specs_run_in_the_rules_own_context(make_root):
    checker = checker_for(
        make_root,
        """\
  - id: phone-only
    reason: 渠道
    message: m
    phrases: [如图]
    when: {channel: [电话]}
    specs:
      flag: [如图所示]
      pass: [{text: 如图所示, channel: 在线}]
""",
    )
    assert checker.run_specs() == []


def test_regex_prefilter_derives_required_literals():
    assert required_literals("我不知道") == {"我不知道"}
    assert required_literals("(一定|保证)(能)?退款") == {"一定能退款", "一定退款", "保证能退款", "保证退款"}
    assert required_literals("(爱|要)买不买") == {"爱买不买", "要买不买"}
    # a long literal beats a set of single characters; an open-ended pattern has no prefilter
    assert required_literals("[你您]还?说.*退款") == {"退款"}
    assert required_literals(".*") is None


def test_a_regex_rule_with_a_prefilter_still_finds_every_match(make_root):
    checker = checker_for(
        make_root,
        """\
  - id: r
    reason: 过度承诺
    message: m
    regex: '(一定|保证)(能|会)?(退款|到账)'
""",
    )
    text = "前面很多字" * 100 + "一定能退款" + "中间" * 50 + "保证到账"
    assert [f.text for f in checker.check(text)] == ["一定能退款", "保证到账"]


def test_a_file_without_a_rules_list_is_one_located_problem(make_root):
    root = make_root({"scripts_library/rules/r.yaml": "kind: rules\nname: 空\n"})
    checker = own(root)
    assert [(p.path, p.level) for p in checker.problems] == [("scripts_library/rules/r.yaml", "error")]
    assert checker.check("我不知道") == []
