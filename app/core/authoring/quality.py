"""The workbench's quality gates over a whole content root, for `zhida validate --quality` (content CI).

Near-duplicate questions between articles (each pair once), 相似问法 that sit closer to another article,
and warning-level checker findings in customer-facing text — the same checks the editor runs at save,
with file and line. Error-level findings are not repeated here: plain `zhida validate` already reports
them (`app.core.checker.library.content_problems`), so one rule has one report.
"""

from __future__ import annotations

from pathlib import Path

from app.core.authoring.lint import check_all, contexts, customer_spans
from app.core.authoring.neardup import NearDupIndex, similar_collisions
from app.core.checker.match import Checker
from app.core.content.loader import split_front_matter
from app.core.content.model import WARNING, Content, Problem
from app.core.fileio.textio import normalize_newlines, read_text
from app.core.vocab import ARCHIVED, ERROR_LEVEL


def quality_problems(content: Content, checker: Checker | None) -> list[Problem]:
    """Near-duplicates, collisions and checker findings of every article and script."""
    problems: list[Problem] = []
    articles = [a for a in content.articles if a.status != ARCHIVED]
    index = NearDupIndex.from_articles(articles)
    by_id = {a.id: a for a in articles}
    reported: set[tuple[str, str]] = set()
    for article in articles:
        line = article.field_lines.get("title", 1)
        for match in index.duplicates(article.title, exclude=article.id):
            pair = tuple(sorted((article.id, match.item)))
            if pair in reported:
                continue
            reported.add(pair)  # type: ignore[arg-type]
            other = by_id.get(match.item)
            where = other.path if other else match.item
            problems.append(
                Problem(
                    article.path,
                    line,
                    WARNING,
                    f"near-duplicate question / 可能重复: 「{article.title}」≈「{match.question}」 "
                    f"({where}, {match.score:.2f}); merge as 相似问法?",
                )
            )
        for collision in similar_collisions(article.id, article.title, article.similar, index):
            problems.append(
                Problem(
                    article.path,
                    article.field_lines.get("similar", line),
                    WARNING,
                    f"相似问法「{collision.similar}」is closer to {collision.other.item} "
                    f"(「{collision.other.question}」 {collision.other.score:.2f}) than to this article",
                )
            )
        problems.extend(_findings(article, checker, content.root))
    for script in content.scripts:
        for f in check_all(checker, script.text, contexts([], script.channels)):
            if f.level != ERROR_LEVEL:
                message = f"checker: “{f.text}” {f.reason}: {f.message}"
                problems.append(Problem(script.path, script.line, WARNING, message))
    return problems


def _findings(article, checker: Checker | None, root) -> list[Problem]:
    spans = customer_spans(article.body)
    found = []
    body_line = _body_line(root / article.path)
    for f in check_all(checker, article.body, contexts(article.audiences, article.channels)):
        if f.level == ERROR_LEVEL or not any(a <= f.start and f.end <= b for a, b in spans):
            continue
        line = body_line + article.body.count("\n", 0, f.start)
        found.append(Problem(article.path, line, WARNING, f"checker: “{f.text}” {f.reason}: {f.message}"))
    return found


def _body_line(path: Path) -> int:
    """The file line where an article's body starts."""
    try:
        text = normalize_newlines(read_text(path).text)
    except (OSError, UnicodeDecodeError, ValueError):
        return 1
    parts = split_front_matter(text)
    return parts[2] if parts is not None else 1
