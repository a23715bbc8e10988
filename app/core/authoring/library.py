"""The library as the workbench lists it: every article and script with its workflow state, owner and due date."""

from __future__ import annotations

import datetime as _dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from app.core.authoring.review import Revision
from app.core.authoring.slugs import slug
from app.core.content.model import Content
from app.core.vocab import ARCHIVED, DRAFT, IN_REVIEW, PUBLISHED, WORKFLOW_STATES

ARTICLE, SCRIPT = "article", "script"


@dataclass(frozen=True)
class Entry:
    """One row of the library tree."""

    kind: str
    id: str
    title: str
    path: str
    group: str  # category (articles) or file (scripts)
    type: str
    status: str
    owner: str = ""
    review_by: str = ""
    pending: Revision | None = None
    stage: str = ""
    similar: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()

    @property
    def state(self) -> str:
        """草稿 / 待审核 / 已发布 / 已归档 (key): 待审核 while a revision waits for a reviewer."""
        return IN_REVIEW if self.pending is not None and self.status != PUBLISHED else self.status

    @property
    def state_label(self) -> str:
        """The state in Chinese, with 「修订待审核」 for a published item that has a pending revision."""
        label = WORKFLOW_STATES.label(self.state)
        return f"{label} · 修订待审核" if self.pending is not None and self.status == PUBLISHED else label

    def due(self, today: str | None = None) -> bool:
        """True when the review-by date has passed (待复核)."""
        return bool(self.review_by) and self.review_by < (today or _dt.date.today().isoformat())

    def matches(self, text: str) -> bool:
        """A plain filter over id, title, 相似问法, tags, path and owner (case-insensitive)."""
        needle = text.strip().casefold()
        if not needle:
            return True
        hay = " ".join((self.id, self.title, self.path, self.owner, self.group, *self.similar, *self.tags)).casefold()
        return needle in hay


def entries(content: Content, pending: Iterable[Revision] = ()) -> list[Entry]:
    """Every article (by category) and script (by file) of the content, with pending revisions attached."""
    by_path: dict[str, Revision] = {}
    for rev in pending:
        by_path.setdefault(rev.path, rev)
    rows = [
        Entry(
            ARTICLE,
            a.id,
            a.title,
            a.path,
            a.category or "未分类",
            a.type,
            a.status,
            a.owner,
            a.review_by or "",
            by_path.get(a.path),
            similar=tuple(a.similar),
            tags=tuple(a.tags),
        )
        for a in content.articles
    ]
    rows += [
        Entry(
            SCRIPT,
            s.id,
            s.title,
            s.path,
            s.path.removeprefix("scripts_library/"),
            s.type,
            PUBLISHED,
            pending=by_path.get(s.path),
            stage=s.stage,
            tags=tuple(s.tags),
        )
        for s in content.scripts
    ]
    return rows


def due_for_review(rows: Iterable[Entry], today: str | None = None) -> list[Entry]:
    """The 待复核 list: items whose review-by date has passed, the longest overdue first."""
    return sorted((r for r in rows if r.due(today) and r.status != ARCHIVED), key=lambda r: r.review_by)


def folder_for_category(content: Content, category: str) -> str:
    """Where a new article of this category goes: the folder most of its articles are in, else kb/<slug>."""
    folders = Counter(a.path.rsplit("/", 1)[0] for a in content.articles if (a.category or "") == category)
    if folders:
        return folders.most_common(1)[0][0]
    return f"kb/{slug(category) or 'general'}" if category else "kb/general"


def file_for_stage(content: Content, stage: str) -> str:
    """Which script file a new script of this stage goes into: the file most of that stage's scripts are in."""
    files = Counter(s.path for s in content.scripts if s.stage == stage and not s.path.startswith("@"))
    if files:
        return files.most_common(1)[0][0]
    return f"scripts_library/scripts/{slug(stage) or 'workbench'}.yaml"


def taken_ids(content: Content) -> set[str]:
    """Ids in use (articles and scripts share one id space)."""
    return {a.id for a in content.articles} | {s.id for s in content.scripts}


STATE_FILTERS = (DRAFT, IN_REVIEW, PUBLISHED, ARCHIVED)
