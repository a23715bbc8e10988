"""One content root with its services (search index, checker), built once and shared by the UI.

Loading has two stages so an agent can search before a large knowledge base is fully parsed:
`open_search` opens the on-disk index (seconds matter at the start of a shift), then
`load_workspace` parses every file, brings the index up to date and compiles the checker.
Each service is optional at run time: a broken rule file or an index that cannot be opened is
reported as a message and the rest keeps working.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from app.core.content import Article, Content, Problem, Script, load_content, load_files
from app.core.validation import validate_content

Stage = Callable[[str, int, int], None]  # (what, done, total)


@dataclass
class Workspace:
    """Loaded content plus the services built from it."""

    root: Path
    content: Content
    index: Any = None      # app.core.search.SearchIndex
    checker: Any = None    # app.core.checker.Checker
    personal_scripts: list[Script] = field(default_factory=list)  # $ZHIDA_HOME/personal: never published
    messages: list[str] = field(default_factory=list)

    @property
    def problems(self) -> list[Problem]:
        """Content and library problems found while loading."""
        return self.content.problems


def open_search(root: Path, home: Path | None = None) -> tuple[Any, list[str]]:
    """(index, messages): the search index opened (built first if missing or damaged), or None with why."""
    try:
        from app.core.search import SearchIndex

        index = SearchIndex(root, home=home).open()
    except Exception as exc:  # noqa: BLE001 - the app runs on without search rather than not at all
        return None, [f"搜索索引不可用: {exc}"]
    return index, list(getattr(index, "messages", []))


def load_workspace(root: Path, home: Path | None = None, index: Any = None,
                   progress: Stage | None = None) -> Workspace:
    """Parse and validate the content, update the index incrementally and compile the checker."""
    def report(what: str) -> Callable[[int, int], None]:
        return lambda done, total: progress(what, done, total) if progress else None

    content = load_content(root, progress=report("content"))
    workspace = Workspace(root=Path(root), content=content)
    try:
        from app.core.checker import Checker

        workspace.checker = Checker.from_content(content)  # compiled once: validation reuses it
    except Exception as exc:  # noqa: BLE001
        workspace.messages.append(f"话术检查规则加载失败: {exc}")
    validate_content(content, workspace.checker)
    if index is None:
        index, messages = open_search(root, home)
        workspace.messages.extend(messages)
    if index is not None:
        try:
            index.update(content=content, progress=report("index"))
            workspace.index = index
        except Exception as exc:  # noqa: BLE001
            workspace.messages.append(f"搜索索引更新失败: {exc}")
            workspace.index = index if getattr(index, "is_ready", False) else None
    try:
        from app.core.personal import load_layered

        layered = load_layered(Path(root), home, team=content)
        workspace.personal_scripts = list(layered.personal.scripts)
        workspace.messages.extend(shadow.message() for shadow in layered.shadows)
        workspace.messages.extend(f"个人话术 {p.format()}" for p in layered.personal.errors)
    except OSError as exc:
        workspace.messages.append(f"个人话术无法读取: {exc}")
    return workspace


def read_item(root: Path, path: str, item_id: str, kind: str) -> Article | Script | None:
    """One article or script straight from its file, for opening a search hit before loading finishes."""
    part = load_files(root, [path])
    items = part.articles if kind == "article" else part.scripts
    return next((item for item in items if item.id == item_id), None)
