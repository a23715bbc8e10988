"""One content root with its services, built once per load and shared by the app and the CLI.

Loading has two stages so an agent can search before a large knowledge base is fully parsed:
`open_search` opens the on-disk index (seconds matter at the start of a shift), then
`load_workspace` parses every file, compiles the checker, builds the reply and training libraries
and brings the index up to date. A broken rule file or an index that cannot be opened is reported
as a message and the rest keeps working.

The workspace is the layer above the packages: it may import content, checker, compose, search,
training and sync; none of them imports it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from app.core.checker.match import Checker
from app.core.compose.library import ReplyLibrary
from app.core.content.loader import load_content, load_files
from app.core.content.model import Article, Content, Problem, Script
from app.core.content.personal import load_layered
from app.core.search.index import SearchIndex, UpdateReport
from app.core.settings import file_limits, load_settings
from app.core.sync.report import SyncReport
from app.core.training.library import TrainingLibrary
from app.core.validation import validate_content

Stage = Callable[[str, int, int], None]  # (what, done, total)


@dataclass
class Workspace:
    """Loaded content plus the services built from it, each built once per load."""

    root: Path
    content: Content
    checker: Checker
    replies: ReplyLibrary
    training: TrainingLibrary
    index: SearchIndex | None = None
    personal_scripts: list[Script] = field(default_factory=list)  # $ZHIDA_HOME/personal: never published
    messages: list[str] = field(default_factory=list)

    @property
    def problems(self) -> list[Problem]:
        """Content and library problems found while loading."""
        return self.content.problems


def open_search(root: Path, home: Path | None = None) -> tuple[SearchIndex | None, list[str]]:
    """(index, messages): the search index opened (built first if missing or damaged), or None with why."""
    try:
        index = SearchIndex(root, home=home).open()
    except Exception as exc:
        return None, [f"搜索索引不可用: {exc}"]
    return index, list(index.messages)


def load_workspace(
    root: Path,
    home: Path | None = None,
    index: SearchIndex | None = None,
    progress: Stage | None = None,
    search: bool = True,
) -> Workspace:
    """Parse and validate the content, compile the checker, build the libraries and (with `search`)
    update the index incrementally."""

    def report(what: str) -> Callable[[int, int], None]:
        return lambda done, total: progress(what, done, total) if progress else None

    content = load_content(root, progress=report("content"), limits=file_limits(load_settings(home)[0]))
    checker = Checker.from_content(content)  # compiled once: validation reuses it
    validate_content(content, checker)
    workspace = Workspace(
        root=Path(root),
        content=content,
        checker=checker,
        replies=ReplyLibrary.build(content),
        training=TrainingLibrary.build(content),
    )
    if search:
        if index is None:
            index, messages = open_search(root, home)
            workspace.messages.extend(messages)
        if index is not None:
            try:
                index.update(content=content, progress=report("index"))
                workspace.index = index
            except Exception as exc:
                workspace.messages.append(f"搜索索引更新失败: {exc}")
                workspace.index = index if index.is_ready else None
    try:
        layered = load_layered(Path(root), home, team=content)
        workspace.personal_scripts = list(layered.personal.scripts)
        workspace.messages.extend(shadow.message() for shadow in layered.shadows)
        workspace.messages.extend(f"个人话术 {p.format()}" for p in layered.personal.errors)
    except OSError as exc:
        workspace.messages.append(f"个人话术无法读取: {exc}")
    return workspace


def reindex(root: Path, home: Path | None = None) -> UpdateReport:
    """Bring the index of `root` up to date (only files whose content changed are re-indexed)."""
    index = SearchIndex(root, home=home)
    try:
        return index.update()
    finally:
        index.close()


def reindex_after_sync(report: SyncReport, root: Path, home: Path | None = None) -> SyncReport:
    """After a sync changed local files, re-index them once and say so in `report.index`."""
    if not report.changed_locally:
        return report
    try:
        done = reindex(root, home)
        report.index = f"updated ({done.touched} files re-indexed)"
    except Exception as exc:
        report.index = f"error: {type(exc).__name__}: {exc}"
        report.notices.append(f"search index not updated ({exc}); run `zhida index`")
    return report


def read_item(root: Path, path: str, item_id: str, kind: str) -> Article | Script | None:
    """One article or script straight from its file, for opening a search hit before loading finishes."""
    part = load_files(root, [path])
    items: list[Article] | list[Script] = part.articles if kind == "article" else part.scripts
    return next((item for item in items if item.id == item_id), None)
