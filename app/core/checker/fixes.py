"""Applying a finding's suggested fix to the text it was found in."""

from __future__ import annotations

from app.core.checker.match import Finding


def apply_fix(text: str, finding: Finding, choice: int = 0) -> str:
    """`text` with the finding's span replaced by suggestion `choice`; nothing else changes."""
    if text[finding.start : finding.end] != finding.text:
        raise ValueError(f"the text changed since it was checked: expected {finding.text!r} at {finding.start}")
    if not 0 <= choice < len(finding.suggestions):
        raise ValueError(f"rule '{finding.rule}' has no suggestion #{choice}")
    return text[: finding.start] + finding.suggestions[choice] + text[finding.end :]
