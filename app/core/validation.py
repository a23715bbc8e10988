"""`zhida validate` in one call: the content loader's checks plus each library kind's own checks."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from app.core.content import Content, Problem, Progress, load_content

# Each entry checks the library files of one concern (rule specs, templates …) and returns problems.
LibraryCheck = Callable[[Content], list[Problem]]


def library_checks() -> list[LibraryCheck]:
    """The checks that modules owning a library kind contribute."""
    from app.core.checker import rule_spec_problems  # rule files: format, duplicate ids, each rule's own specs
    from app.core.composer import check_library as composer_library  # imported here: composer imports content

    from app.core.index_docs import check_library as synonyms_library  # kind: synonyms (search)

    return [composer_library, rule_spec_problems, synonyms_library]


def validate_root(root: Path | str, progress: Progress | None = None) -> Content:
    """Load a content root and run every library check; all problems end up in `content.problems`."""
    content = load_content(root, progress)
    for check in library_checks():
        content.problems.extend(check(content))
    return content
