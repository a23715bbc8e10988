"""The records a client shares besides its daily counts: flags, cases and a manager's decisions.

Each is written by one client and read by everyone, so every field read back is checked (type,
length, known values): a record that does not pass is skipped and reported, never trusted.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from app.core.vocab import (
    CASE_OUTCOMES,
    CASE_POLARITIES,
    CASE_STATUSES,
    FLAG_KINDS,
    FLAG_STATUSES,
    SCRIPT_TYPES,
)

MAX_COMMENT = 500
MAX_TEXT = 2000
MAX_ID = 64

# What a manager can decide (the `kind` of a Decision) and what each one targets.
RESOLVE_FLAG = "resolve_flag"  # target: flag id; value: {status, note}
IGNORE_GAP = "ignore_gap"  # target: normalized gap text
APPROVE_SIMILAR = "approve_similar"  # target: "<article id>\t<phrase>"
REJECT_SIMILAR = "reject_similar"  # target: "<article id>\t<phrase>"
CURATE_CASE = "curate_case"  # target: case id; value: {status, polarity, tags}
DECISION_KINDS = (RESOLVE_FLAG, IGNORE_GAP, APPROVE_SIMILAR, REJECT_SIMILAR, CURATE_CASE)


class RecordError(ValueError):
    """A shared record that does not have the expected shape."""


def _str(raw: dict, key: str, limit: int, required: bool = False) -> str:
    value = raw.get(key, "")
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise RecordError(f"'{key}' is not text")
    if required and not value:
        raise RecordError(f"'{key}' is missing")
    return value[:limit]


def _ts(raw: dict, key: str = "ts") -> float:
    value = raw.get(key)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value < 1e11:
        raise RecordError(f"'{key}' is not a time")
    return float(value)


@dataclass
class Flag:
    """「有误/过时」 on an article or 「草稿不好」 on a draft: what the agent said, for the article's owner."""

    id: str
    ts: float
    kind: str
    article: str
    title: str = ""
    comment: str = ""
    draft: str = ""
    client: str = ""  # the pseudonymous id of the agent (filled in when read from the share)
    status: str = "open"
    note: str = ""
    resolved_ts: float = 0.0

    def shared(self) -> dict[str, Any]:
        """The fields that go to the share (resolution travels back in the owner's decisions)."""
        return {k: v for k, v in asdict(self).items() if k not in ("client", "status", "note", "resolved_ts")}

    @staticmethod
    def parse(raw: object) -> Flag:
        """A flag read from the share; RecordError when it is malformed."""
        if not isinstance(raw, dict):
            raise RecordError("a flag is not an object")
        kind = _str(raw, "kind", 16, True)
        if kind not in FLAG_KINDS:
            raise RecordError(f"unknown flag kind '{kind}'")
        return Flag(
            id=_str(raw, "id", MAX_ID, True),
            ts=_ts(raw),
            kind=kind,
            article=_str(raw, "article", 200),
            title=_str(raw, "title", 200),
            comment=_str(raw, "comment", MAX_COMMENT),
            draft=_str(raw, "draft", MAX_TEXT),
        )


@dataclass
class Case:
    """A handled case (案例): the customer's message and the final reply (both masked), article, type, outcome."""

    id: str
    ts: float
    message: str
    reply: str
    article: str = ""
    type: str = ""
    outcome: str = ""
    client: str = ""
    status: str = "pending"
    polarity: str = ""
    tags: list[str] = field(default_factory=list)

    def shared(self) -> dict[str, Any]:
        """The fields that go to the share (curation travels in a manager's decisions)."""
        return {k: v for k, v in asdict(self).items() if k not in ("client", "status", "polarity", "tags")}

    @staticmethod
    def parse(raw: object) -> Case:
        """A case read from the share; RecordError when it is malformed."""
        if not isinstance(raw, dict):
            raise RecordError("a case is not an object")
        case_type = _str(raw, "type", 16)
        outcome = _str(raw, "outcome", 16)
        if case_type and case_type not in SCRIPT_TYPES:
            raise RecordError(f"unknown type '{case_type}'")
        if outcome and outcome not in CASE_OUTCOMES:
            raise RecordError(f"unknown outcome '{outcome}'")
        return Case(
            id=_str(raw, "id", MAX_ID, True),
            ts=_ts(raw),
            message=_str(raw, "message", MAX_TEXT, True),
            reply=_str(raw, "reply", MAX_TEXT),
            article=_str(raw, "article", 200),
            type=case_type,
            outcome=outcome,
        )


@dataclass
class Decision:
    """One thing a knowledge manager decided on the 看板; the newest decision on a target wins."""

    kind: str
    target: str
    ts: float
    value: dict[str, Any] = field(default_factory=dict)
    client: str = ""

    def shared(self) -> dict[str, Any]:
        """The fields that go to the share."""
        return {"kind": self.kind, "target": self.target, "ts": self.ts, "value": self.value}

    @staticmethod
    def parse(raw: object) -> Decision:
        """A decision read from the share; RecordError when it is malformed."""
        if not isinstance(raw, dict):
            raise RecordError("a decision is not an object")
        kind = _str(raw, "kind", 32, True)
        if kind not in DECISION_KINDS:
            raise RecordError(f"unknown decision '{kind}'")
        value = raw.get("value", {})
        if not isinstance(value, dict):
            raise RecordError("'value' is not an object")
        clean: dict[str, Any] = {}
        if kind == RESOLVE_FLAG:
            status = _str(value, "status", 16)
            if status not in FLAG_STATUSES:
                raise RecordError(f"unknown flag status '{status}'")
            clean = {"status": status, "note": _str(value, "note", MAX_COMMENT)}
        elif kind == CURATE_CASE:
            status = _str(value, "status", 16)
            polarity = _str(value, "polarity", 16)
            tags = value.get("tags", [])
            if status not in CASE_STATUSES or (polarity and polarity not in CASE_POLARITIES):
                raise RecordError("unknown case status or polarity")
            if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
                raise RecordError("'tags' is not a list of text")
            clean = {"status": status, "polarity": polarity, "tags": [t[:40] for t in tags[:20]]}
        return Decision(kind=kind, target=_str(raw, "target", 400, True), ts=_ts(raw), value=clean)


def latest_decisions(decisions: list[Decision]) -> dict[tuple[str, str], Decision]:
    """The newest decision per (kind group, target): approve and reject of one suggestion are one group."""
    group = {REJECT_SIMILAR: APPROVE_SIMILAR}
    out: dict[tuple[str, str], Decision] = {}
    for d in sorted(decisions, key=lambda d: d.ts):
        out[(group.get(d.kind, d.kind), d.target)] = d
    return out
