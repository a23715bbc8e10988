"""The content model: articles (kb/**/*.md), scripts and library files (scripts_library/**/*.yaml), problems.

Plain dataclasses; loading them is `app.core.content.loader`'s job.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from app.core.fileio.yamlsafe import LineDict
from app.core.vocab import ERROR_LEVEL, GENERAL_TYPE, INQUIRY, PUBLISHED, WARNING_LEVEL

LIBRARY_KINDS = ("rules", "templates", "triage", "synonyms", "drills", "dictionary")
# The front-matter fields of an article and of a script, in the order the workbench writes them.
ARTICLE_ORDER = (
    "id",
    "title",
    "category",
    "type",
    "tags",
    "similar",
    "audiences",
    "channels",
    "owner",  # the workbench's verification flag: who answers for the article (with review_by)
    "status",
    "updated",
    "review_by",
    "related",
)
SCRIPT_ORDER = ("id", "title", "type", "stage", "channels", "tags", "shortcut", "text", "variants")
ARTICLE_FIELDS = frozenset(ARTICLE_ORDER)
SCRIPT_FIELDS = frozenset(SCRIPT_ORDER)

ERROR = ERROR_LEVEL
WARNING = WARNING_LEVEL

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the content, located by file (relative to the root) and 1-based line."""

    path: str
    line: int
    level: str
    message: str

    def format(self) -> str:
        """`path:line: level: message`, the form editors and CI understand."""
        return f"{self.path}:{self.line}: {self.level}: {self.message}"


@dataclass
class Article:
    """An FAQ article: front matter fields plus the Markdown body split into sections."""

    id: str
    title: str
    path: str
    line: int = 1
    category: str = ""
    type: str = INQUIRY
    tags: list[str] = field(default_factory=list)
    similar: list[str] = field(default_factory=list)
    channels: list[str] = field(default_factory=list)
    status: str = PUBLISHED
    updated: str | None = None
    review_by: str | None = None
    related: list[str] = field(default_factory=list)
    owner: str = ""
    audiences: list[str] = field(default_factory=list)
    body: str = ""
    sections: dict[str, str] = field(default_factory=dict)
    field_lines: dict[str, int] = field(default_factory=dict, repr=False)

    def section(self, name: str) -> str:
        """The text under the `## name` heading, or ''."""
        return self.sections.get(name, "")


@dataclass
class Script:
    """A scripted reply (话术) with its type, stage and optional variants in other languages."""

    id: str
    title: str
    text: str
    path: str
    line: int = 1
    type: str = GENERAL_TYPE
    stage: str = ""
    tags: list[str] = field(default_factory=list)
    channels: list[str] = field(default_factory=list)
    shortcut: str = ""
    variants: dict[str, str] = field(default_factory=dict)


@dataclass
class LibraryFile:
    """A non-script YAML file under scripts_library/ (rules, templates, cues …), parsed but not interpreted."""

    path: str
    kind: str
    data: LineDict


@dataclass
class Content:
    """Everything loaded from one content root, with every problem found on the way."""

    root: Path
    articles: list[Article] = field(default_factory=list)
    scripts: list[Script] = field(default_factory=list)
    library: list[LibraryFile] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        """Problems at error level."""
        return [p for p in self.problems if p.level == ERROR]

    @property
    def warnings(self) -> list[Problem]:
        """Problems at warning level."""
        return [p for p in self.problems if p.level == WARNING]

    def article(self, article_id: str) -> Article | None:
        """The article with this id, or None."""
        return next((a for a in self.articles if a.id == article_id), None)

    def script(self, script_id: str) -> Script | None:
        """The script with this id, or None."""
        return next((s for s in self.scripts if s.id == script_id), None)

    def library_of(self, kind: str) -> list[LibraryFile]:
        """Library files of one kind (e.g. 'rules'), in path order."""
        return [f for f in self.library if f.kind == kind]

    def categories(self) -> list[str]:
        """Article categories in first-seen order."""
        seen: dict[str, None] = {}
        for a in self.articles:
            seen.setdefault(a.category or "未分类", None)
        return list(seen)


class ProblemCollector:
    """Collects problems for one file so each parser reports with the right path."""

    def __init__(self, problems: list[Problem], path: str):
        self.problems = problems
        self.path = path

    def error(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.path, max(1, line), ERROR, message))

    def warning(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.path, max(1, line), WARNING, message))
