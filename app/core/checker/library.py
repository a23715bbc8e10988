"""`zhida validate` checks the library itself: every script's text and variants and every article's
customer-facing sections go through the checker, and an error-level finding is an error at file:line.

So content CI catches a manager's 禁忌 phrase or a real phone number in a script before an agent copies it.
Articles' 常见误区 section is for agents (it quotes the mistakes) and is not checked. English texts (a script's
English variant, an article's `## … (English)` sections) are checked as for a 外籍 customer.
"""

from __future__ import annotations

from pathlib import Path

from app.core.checker.findings import CheckContext, Finding
from app.core.checker.match import Checker
from app.core.content.model import ERROR, Content, Problem
from app.core.text.chars import is_mostly_latin
from app.core.text.fold import fold
from app.core.vocab import CHANNELS, ERROR_LEVEL, FOREIGN, GENERAL, ONLINE, PITFALLS


def content_problems(content: Content, checker: Checker) -> list[Problem]:
    """An error for each error-level finding in a script (text and variants) or a customer-facing article section."""
    problems: list[Problem] = []
    lines = _FileLines(Path(content.root))
    for script in content.scripts:
        channel = _channel(script.channels)
        texts = [("text", script.text)] + [(f"variants.{lang}", text) for lang, text in script.variants.items()]
        for field, text in texts:
            audience = FOREIGN if field.startswith("variants.") and is_mostly_latin(text) else GENERAL
            for f in _errors(checker, text, CheckContext(audience=audience, channel=channel)):
                line = lines.find(script.path, script.line, f.text)
                problems.append(Problem(script.path, line, ERROR, _message("script", script.id, field, f)))
    for article in content.articles:
        channel = _channel(article.channels)
        for name, text in article.sections.items():
            if name == PITFALLS:
                continue
            # an English version (`## 结论 (English)`, docs/authoring.md) is read by an English-speaking customer:
            # checked as for one, so the rules for foreign customers apply (no 亲, no paragraphs of Chinese)
            english = name.endswith("(English)") or is_mostly_latin(text)
            context = CheckContext(audience=FOREIGN if english else GENERAL, channel=channel)
            for f in _errors(checker, text, context):
                line = lines.find(article.path, article.line, f.text, after=f"## {name}")
                problems.append(Problem(article.path, line, ERROR, _message("article", article.id, name, f)))
    return problems


def _channel(channels: list[str]) -> str:
    for name in channels:
        normalized = CHANNELS.normalize(name)
        if normalized:
            return normalized
    return ONLINE


def _errors(checker: Checker, text: str, context: CheckContext) -> list[Finding]:
    return [f for f in checker.check(text, context) if f.level == ERROR_LEVEL] if text.strip() else []


def _message(kind: str, item_id: str, where: str, f: Finding) -> str:
    return f"{kind} '{item_id}' ({where}): 「{f.text}」 {f.message} [{f.rule}]"


class _FileLines:
    """The lines of content files, read once each, to put a finding at the line it was written on."""

    def __init__(self, root: Path):
        self.root = root
        self._cache: dict[str, list[str]] = {}

    def find(self, path: str, start: int, needle: str, after: str | None = None) -> int:
        """The 1-based line at or after `start` (and after the line `after`) that contains `needle`, else `start`."""
        lines = self._lines(path)
        first = max(0, start - 1)
        if after:
            for i in range(first, len(lines)):
                if lines[i].strip() == after:
                    first = i
                    break
        target = fold(needle).replace(" ", "")
        for i in range(first, len(lines)):
            if target and target in fold(lines[i]).replace(" ", ""):
                return i + 1
        return max(1, start)

    def _lines(self, path: str) -> list[str]:
        if path not in self._cache:
            try:
                self._cache[path] = (self.root / path).read_text(encoding="utf-8", errors="replace").splitlines()
            except OSError:
                self._cache[path] = []
        return self._cache[path]
