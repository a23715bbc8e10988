"""Drafts always pass through the checker: findings travel with the draft, and nothing the bundled
templates and scripts can assemble is an error-level finding."""

from __future__ import annotations

import pytest

from app.core.checker.match import CheckContext, Checker
from app.core.compose.composer import compose, edit_slot
from app.core.compose.library import ReplyLibrary, load_library
from app.core.compose.model import draft_to_dict
from app.core.content.loader import load_content
from app.core.vocab import AUDIENCES, CHANNELS, SPECIAL_AUDIENCES
from tests.conftest import REPO_ROOT, article

RULES = """\
kind: rules
rules:
  - id: over-promise
    level: error
    reason: 过度承诺
    message: "「{match}」是过度承诺"
    phrases: [一定能退款]
    suggest: [我们会尽力协调]
    specs: {fixed: [{text: 一定能退款, to: 我们会尽力协调}]}
"""

SCRIPTS = """\
- id: s-solution-promise
  title: 承诺退款
  type: 投诉
  stage: 方案
  text: "您放心,一定能退款。"
"""


def test_findings_travel_with_the_draft_at_offsets_of_its_text(make_root) -> None:
    root = make_root(
        {
            "kb/a.md": article("refund-time"),
            "scripts_library/rules.yaml": RULES,
            "scripts_library/scripts.yaml": SCRIPTS,
        }
    )
    content = load_content(root)
    checker = Checker.from_content(content)
    draft = compose("退款被拒了,我要投诉", content, checker=checker)
    assert draft.checked
    found = [f for f in draft.findings if f.rule == "over-promise"]
    assert len(found) == 1 and found[0].level == "error"
    assert draft.text[found[0].start : found[0].end] == "一定能退款"
    assert draft_to_dict(draft)["findings"][0]["suggestions"] == ["我们会尽力协调"]
    fixed = edit_slot(draft, "补偿方案", "我们会尽力协调退款。", checker=checker)
    assert not [f for f in fixed.findings if f.rule == "over-promise"]


def test_a_clean_alternative_beats_a_script_with_an_error_in_this_context(make_root) -> None:
    scripts = SCRIPTS.replace('  text: "您放心,一定能退款。"', '  tags: [补偿]\n  text: "您放心,一定能退款。"') + (
        "- id: s-solution-clean\n  title: 尽力协调\n  type: 投诉\n  stage: 方案\n"
        '  text: "我们会尽力协调,为您申请退款。"\n'
    )
    root = make_root({"scripts_library/rules.yaml": RULES, "scripts_library/scripts.yaml": scripts})
    content = load_content(root)
    unchecked = compose("我要投诉", content)
    assert unchecked.slot("补偿方案").source == "script:s-solution-promise"
    checked = compose("我要投诉", content, checker=Checker.from_content(content))
    assert checked.slot("补偿方案").source == "script:s-solution-clean"
    assert "script:s-solution-promise" in [a.source for a in checked.slot("补偿方案").alternatives]
    assert not [f for f in checked.findings if f.level == "error"]


def test_without_a_checker_the_draft_says_it_was_not_checked(make_root) -> None:
    content = load_content(make_root({"kb/a.md": article("refund-time")}))
    assert not compose("退款多久到账", content).checked


@pytest.fixture(scope="module")
def bundled():
    content = load_content(REPO_ROOT)
    checker = Checker.from_content(content)
    return content, checker


class NoArticle:
    """A searcher that finds nothing: the draft is built from scripts alone."""

    def search(self, query: str, limit: int = 10, kind: str | None = None) -> list:
        return []


_seen: dict[tuple[str, str, str], list[str]] = {}


def _errors(checker: Checker, text: str, audience: str, channel: str) -> list[str]:
    key = (text, audience, channel)
    if key not in _seen:  # the same alternative recurs in many drafts: check it once per context
        _seen[key] = [
            f"{f.rule}: “{f.text}”" for f in checker.check(text, CheckContext(audience, channel)) if f.level == "error"
        ]
    return _seen[key]


def test_no_bundled_template_and_script_combination_assembles_an_error(bundled) -> None:
    content, checker = bundled
    library = ReplyLibrary.build(content)
    templates = library.templates
    by_type: dict[str, list[str | None]] = {t: [None] for t in templates.types}
    for a in content.articles:
        if a.status == "published" and a.type in by_type:
            by_type[a.type].append(a.id)
    messages = {"咨询": "请问这个怎么操作?", "投诉": "我要投诉,怎么回事!!!", "故障": "系统报错了", "建议": "我有个建议"}
    # Script-only drafts in every audience × channel; drafts with each article in four contexts that
    # together cover every audience and every channel (all 12 per article would triple the run time).
    article_contexts = {("普通", "在线"), ("外籍", "邮件"), ("老年", "电话"), ("听障", "在线")}
    bad: list[str] = []
    for reply_type, article_ids in by_type.items():
        for audience in AUDIENCES:
            for channel in CHANNELS:
                for article_id in article_ids:
                    if article_id is not None and (audience, channel) not in article_contexts:
                        continue
                    draft = compose(
                        messages[reply_type],
                        content,
                        checker=checker,
                        article_id=article_id,
                        searcher=NoArticle(),
                        audience=audience,
                        channel=channel,
                        greeting=True,
                        library=library,
                    )
                    for f in draft.findings:
                        if f.level == "error":
                            bad.append(f"{reply_type}/{audience}/{channel}/{article_id}: {f.rule} “{f.text}”")
                    # Every alternative an agent can switch to is checked in the same context.
                    for slot in draft.slots:
                        for alt in slot.alternatives:
                            bad.extend(
                                f"{alt.source} ({audience}/{channel}): {e}"
                                for e in _errors(checker, alt.text, audience, channel)
                            )
    assert sorted(set(bad)) == []


def test_every_bundled_script_and_template_text_passes_where_it_can_be_used(bundled) -> None:
    content, checker = bundled
    _, templates, _ = load_library(content)
    specs = [s for slots in templates.types.values() for s in slots]
    specs += [s for s in (templates.opening, templates.closing) if s is not None]
    bad: list[str] = []
    for audience in AUDIENCES:
        for channel in CHANNELS:
            for script in content.scripts:
                audience_tags = set(script.tags) & set(SPECIAL_AUDIENCES)
                if (script.channels and channel not in script.channels) or (
                    audience_tags and audience not in audience_tags
                ):
                    continue  # the composer never offers it here
                text = script.variants.get("en", script.text) if audience == "外籍" else script.text
                bad.extend(
                    f"{script.id} ({audience}/{channel}): {e}" for e in _errors(checker, text, audience, channel)
                )
            for spec in specs:
                text = spec.variants.get("en", spec.text) if audience == "外籍" else spec.text
                if text:
                    bad.extend(
                        f"template {spec.name} ({audience}/{channel}): {e}"
                        for e in _errors(checker, text, audience, channel)
                    )
    assert sorted(set(bad)) == []
