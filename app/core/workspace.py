"""One content root with its services (search index, checker), built once and shared by the UI.

Each service is optional at run time: a broken rule file or an index that cannot be opened is
reported as a problem and the rest keeps working.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from app.core.content import Content, Problem
from app.core.validation import validate_root

Stage = Callable[[str, int, int], None]  # (what, done, total)


@dataclass
class Workspace:
    """Loaded content plus the services built from it."""

    root: Path
    content: Content
    index: Any = None      # app.core.search.SearchIndex
    checker: Any = None    # app.core.checker.Checker
    messages: list[str] = field(default_factory=list)

    @property
    def problems(self) -> list[Problem]:
        """Content and library problems found while loading."""
        return self.content.problems


def open_workspace(root: Path, home: Path | None = None, progress: Stage | None = None) -> Workspace:
    """Load content, bring the search index up to date and compile the checker; never raises for bad content."""
    def report(what: str) -> Callable[[int, int], None]:
        return lambda done, total: progress(what, done, total) if progress else None

    content = validate_root(root, progress=report("content"))
    workspace = Workspace(root=Path(root), content=content)
    try:
        from app.core.search import SearchIndex

        index = SearchIndex(root, home=home)
        index.update(content=content, progress=report("index"))
        workspace.index = index
    except Exception as exc:  # noqa: BLE001 - the app runs on without search rather than not at all
        workspace.messages.append(f"搜索索引不可用: {exc}")
    try:
        from app.core.checker import Checker

        workspace.checker = Checker.from_content(content)
    except Exception as exc:  # noqa: BLE001
        workspace.messages.append(f"话术检查规则加载失败: {exc}")
    return workspace
