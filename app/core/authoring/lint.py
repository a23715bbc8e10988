"""Lint as you type: the loader's file-level rules and the checker's findings on customer-facing text.

File-level rules are exactly `zhida validate`'s: the text is parsed by the same loader (from a scratch
copy, so the content root is never written) and cross-checked against the loaded content (duplicate
ids, unknown related ids). Checker findings come from `workspace.checker.check` for every audience and
channel the item is written for, with the builder's reasons and fixes; 常见误区 and headings are notes
for agents, not text sent to customers, so they are not checked.
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from app.core.checker.match import CheckContext, Checker, Finding
from app.core.content.loader import cross_check, load_files
from app.core.content.model import Content, Problem
from app.core.vocab import AUDIENCES, CHANNELS, ERROR_LEVEL, FOREIGN, GENERAL, PITFALLS

_HEADING = re.compile(r"^#{1,6}[ \t]+(.+?)[ \t#]*$")


@dataclass(frozen=True)
class TextFinding:
    """A checker finding in one field of the item (`body`, `text`, `variant:en` …); offsets are in that field."""

    field: str
    finding: Finding


@dataclass
class LintReport:
    """Everything lint found in one item's text."""

    problems: list[Problem] = field(default_factory=list)
    findings: list[TextFinding] = field(default_factory=list)

    @property
    def errors(self) -> list[str]:
        """One line per error-level problem or finding (what a save with an error must override)."""
        lines = [f"第 {p.line} 行:{p.message}" for p in self.problems if p.level == ERROR_LEVEL]
        lines += [
            f"“{f.finding.text}” {f.finding.reason}:{f.finding.message}"
            for f in self.findings
            if f.finding.level == ERROR_LEVEL
        ]
        return lines

    def in_field(self, name: str) -> list[Finding]:
        """The findings of one field, for underlining in its editor."""
        return [f.finding for f in self.findings if f.field == name]


def _file_problems(text: str, rel: str, content: Content | None) -> tuple[list[Problem], Content]:
    with tempfile.TemporaryDirectory(prefix="zhida-lint-") as scratch:
        path = Path(scratch) / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        part = load_files(Path(scratch), [rel])
    problems = list(part.problems)
    if content is not None:
        merged = Content(
            root=content.root,
            articles=[a for a in content.articles if a.path != rel] + part.articles,
            scripts=[s for s in content.scripts if s.path != rel] + part.scripts,
        )
        cross_check(merged)
        problems += [p for p in merged.problems if p.path == rel]
    return problems, part


def contexts(audiences: list[str], channels: list[str]) -> list[CheckContext]:
    """The audiences × channels an item is written for (no channels: every channel; no audience: 普通)."""
    who = [a for a in (AUDIENCES.normalize(x) for x in audiences) if a] or [GENERAL]
    where = [c for c in (CHANNELS.normalize(x) for x in channels) if c] or list(CHANNELS)
    return [CheckContext(audience=a, channel=c) for a in who for c in where]


def check_all(checker: Checker | None, text: str, where: list[CheckContext]) -> list[Finding]:
    """Findings for every context, each span and rule once, by position."""
    if checker is None or not text.strip():
        return []
    seen: dict[tuple[int, int, str], Finding] = {}
    for context in where:
        for finding in checker.check(text, context):
            seen.setdefault((finding.start, finding.end, finding.rule), finding)
    return sorted(seen.values(), key=lambda f: (f.start, f.end))


def customer_spans(body: str) -> list[tuple[int, int]]:
    """Character spans of the body that reach customers: everything but headings and the 常见误区 section."""
    spans: list[tuple[int, int]] = []
    offset = 0
    skip = False
    for line in body.split("\n"):
        end = offset + len(line)
        heading = _HEADING.match(line)
        if heading:
            skip = heading.group(1).strip() == PITFALLS
        elif not skip and line.strip():
            spans.append((offset, end))
        offset = end + 1
    return spans


def lint_article(
    text: str,
    rel: str,
    body: str,
    content: Content | None,
    checker: Checker | None,
    audiences: list[str],
    channels: list[str],
) -> LintReport:
    """File-level problems of an article's text and checker findings in its customer-facing body."""
    problems, _ = _file_problems(text, rel, content)
    spans = customer_spans(body)
    findings = [
        TextFinding("body", f)
        for f in check_all(checker, body, contexts(audiences, channels))
        if any(a <= f.start and f.end <= b for a, b in spans)
    ]
    return LintReport(problems, findings)


def lint_script(
    file_text: str,
    rel: str,
    script_id: str,
    fields: dict[str, str],
    content: Content | None,
    checker: Checker | None,
    channels: list[str],
) -> LintReport:
    """File-level problems of a script file's text (this script's lines) and findings in its text and variants."""
    problems, _ = _file_problems(file_text, rel, content)
    findings = [TextFinding("text", f) for f in check_all(checker, fields.get("text", ""), contexts([], channels))]
    for lang, variant in fields.items():
        if lang.startswith("variant:"):
            audience = [FOREIGN] if lang == "variant:en" else []
            findings += [TextFinding(lang, f) for f in check_all(checker, variant, contexts(audience, channels))]
    return LintReport(problems, findings)
