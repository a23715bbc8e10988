"""What the 看板 and `zhida report` show, as plain dataclasses (built by `usage.insights`)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from app.core.usage.records import Case, Flag


@dataclass
class DayPoint:
    """One day of the team's searching."""

    day: str
    searches: int = 0
    no_result: int = 0
    no_click: int = 0

    @property
    def no_result_rate(self) -> float:
        """Share of searches with no result."""
        return self.no_result / self.searches if self.searches else 0.0

    @property
    def no_click_rate(self) -> float:
        """Share of searches whose results were not used."""
        return self.no_click / self.searches if self.searches else 0.0


@dataclass
class Gap:
    """A content gap: normalized queries that found nothing or nothing useful, clustered."""

    key: str  # the heaviest member's text (what 忽略 records)
    text: str | None  # shown only with MIN_AGENTS agents, else None
    agents: int
    count: int
    no_result: int
    no_click: int
    gap_reports: int  # 「记录为知识缺口」 among them
    variants: list[str] = field(default_factory=list)  # other texts with MIN_AGENTS agents
    hidden_variants: int = 0
    types: dict[str, int] = field(default_factory=dict)


@dataclass
class Used:
    """An article or script and how often it was opened or copied."""

    id: str
    title: str
    kind: str
    count: int
    agents: int


@dataclass
class Suggestion:
    """A phrasing agents used before opening and copying an article: a candidate 相似问法 (never automatic)."""

    article: str
    title: str
    phrase: str
    agents: int
    count: int


@dataclass
class VoiceItem:
    """A customer's 建议 (masked), de-duplicated, with how often it came in."""

    text: str
    count: int
    first_day: str
    last_day: str


@dataclass
class Insights:
    """Everything on the 看板 for one period."""

    since: str
    until: str
    clients: int
    totals: dict[str, int]
    daily: list[DayPoint]
    gaps: list[Gap]
    top_opened: list[Used]
    top_copied: list[Used]
    unused: list[Used]
    stale_hot: list[Used]
    flags: list[Flag]
    suggestions: list[Suggestion]
    drafts_by_type: dict[str, dict[str, int]]  # type → day → drafts
    drafts_by_category: dict[str, int]
    topics: list[Gap]  # the most searched subjects (all queries, clustered)
    voice: list[VoiceItem]
    cases: list[Case]
    errors: list[tuple[str, str]]
    private_searches: int = 0
    hidden_suggestions: int = 0  # phrasings used by fewer than MIN_AGENTS agents: not shown

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (what `zhida report --json` prints)."""
        data = asdict(self)
        for point, raw in zip(self.daily, data["daily"]):
            raw["no_result_rate"] = round(point.no_result_rate, 4)
            raw["no_click_rate"] = round(point.no_click_rate, 4)
        data["errors"] = [{"file": f, "reason": r} for f, r in self.errors]
        return data
