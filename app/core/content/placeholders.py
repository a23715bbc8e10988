"""Placeholders like {客户称呼} in scripts and articles: finding them and catching malformed ones."""

from __future__ import annotations

import re
from dataclasses import dataclass

# A name is letters/digits/underscore in any script (so Chinese works), up to 20 characters.
PLACEHOLDER_RE = re.compile(r"\{([\w\u00b7]{1,20})\}")


@dataclass(frozen=True)
class PlaceholderProblem:
    """A malformed placeholder: `line` is 1-based within the text checked."""

    line: int
    message: str


def find_placeholders(text: str) -> list[str]:
    """Placeholder names in order of first appearance, each once."""
    seen: dict[str, None] = {}
    for match in PLACEHOLDER_RE.finditer(text):
        seen.setdefault(match.group(1), None)
    return list(seen)


def check_placeholders(text: str) -> list[PlaceholderProblem]:
    """Every `{` must open a well-formed `{名称}` on the same line; every `}` must close one."""
    problems: list[PlaceholderProblem] = []
    for number, line in enumerate(text.split("\n"), start=1):
        pos = 0
        while True:
            opening = line.find("{", pos)
            closing = line.find("}", pos)
            if opening < 0 and closing < 0:
                break
            if closing >= 0 and (opening < 0 or closing < opening):
                problems.append(PlaceholderProblem(number, f"stray '}}' without '{{' near “{_around(line, closing)}”"))
                pos = closing + 1
                continue
            match = PLACEHOLDER_RE.match(line, opening)
            if match:
                pos = match.end()
                continue
            end = line.find("}", opening)
            nxt = line.find("{", opening + 1)
            if end < 0 or (0 <= nxt < end):
                problems.append(
                    PlaceholderProblem(number, f"unclosed placeholder “{_around(line, opening)}”: expected {{名称}}")
                )
                pos = opening + 1 if end < 0 or nxt < 0 else nxt
            else:
                problems.append(
                    PlaceholderProblem(
                        number,
                        f"malformed placeholder “{line[opening : end + 1][:30]}”: a name is 1-20 letters, no spaces",
                    )
                )
                pos = end + 1
    return problems


def _around(line: str, index: int) -> str:
    return line[index : index + 12]
