"""`zhida validate` in one call: the content loader's checks plus each library kind's own checks."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from app.core.content.loader import load_content
from app.core.content.model import Content, Problem, Progress

# Each entry checks the library files of one concern (rule specs, templates …) and returns problems.
LibraryCheck = Callable[[Content], list[Problem]]


def library_checks(checker: Any = None) -> list[LibraryCheck]:
    """The checks that modules owning a library kind contribute (`checker`: rules already compiled)."""
    from app.core.checker.library import content_problems  # scripts and articles through the checker
    from app.core.checker.specs import rule_spec_problems  # rule files: format, duplicate ids, each rule's own specs
    from app.core.compose.library import check_library as composer_library
    from app.core.search.documents import check_library as synonyms_library  # kind: synonyms (search)
    from app.core.training.library import check_library as drills_library  # kind: drills (training mode)

    def checked(content: Content) -> list[Problem]:
        from app.core.checker.match import Checker

        return content_problems(content, checker if checker is not None else Checker.from_content(content))

    return [
        composer_library,
        lambda content: rule_spec_problems(content, checker),
        checked,
        synonyms_library,
        drills_library,
    ]


def validate_content(content: Content, checker: Any = None) -> Content:
    """Run every library check on loaded content; the problems are added to `content.problems`."""
    if checker is None:  # compiled once, shared by the rule checks and the library's own check
        from app.core.checker.match import Checker

        checker = Checker.from_content(content)
    for check in library_checks(checker):
        content.problems.extend(check(content))
    return content


def validate_root(root: Path | str, progress: Progress | None = None) -> Content:
    """Load a content root and run every library check; all problems end up in `content.problems`."""
    return validate_content(load_content(root, progress))
