"""Sentences and clauses of a checked text: where a rule's exceptions count, and whether a sentence asks.

Conditions are scoped, never the whole reply: 「没办法，您可以去投诉。」 is judged on its own sentence,
and one line's 或者 does not excuse another line's refusal.
"""

from __future__ import annotations

import bisect
import re

from app.core.checker.expand import PARTICLES
from app.core.text.chars import is_mostly_latin

SENTENCE_END = "。!?;！？；…\n\r"
CLAUSE_END = SENTENCE_END + ",，、:：~～"
LANGUAGES = ("zh", "en")  # a rule's `lang`: Chinese sentences, or English (mostly Latin-script) ones
WITHIN = ("clause", "sentence", "next")  # the same clause; the same sentence; this sentence or the next one
# (internally also "around": this sentence or the one before it, where a policy's condition is stated)
_SENTENCE = re.compile("[" + re.escape(SENTENCE_END) + "]+")
_CLAUSE = re.compile("[" + re.escape(CLAUSE_END) + "]+")
_LINE = re.compile("\n")
# A menu path the agent tells the customer to tap through: 【我的-订单-包裹-退款】「包-退款」. Its separators
# end one menu name and start the next, so no phrase runs across them (包-退款 is not 包退).
_MENU = re.compile(r"[【「『\[][^【】「」『』\[\]\n]{1,80}[】」』\]]")
_MENU_SEPARATOR = re.compile(r"\s*[-/>|→›»—–]+\s*")


class Scopes:
    """Sentence and clause boundaries of folded text, found once per check (linear in its length)."""

    def __init__(self, folded: str):
        self.text = folded
        self._sentence_starts = [0] + [m.end() for m in _SENTENCE.finditer(folded)]
        self._clause_starts = [0] + [m.end() for m in _CLAUSE.finditer(folded)]
        self._lines = [m.start() for m in _LINE.finditer(folded)] if "\n" in folded else []
        self._language: dict[int, str] = {}
        self.menu_breaks: list[int] = []  # offsets of the separators inside menu paths, in order
        if "【" in folded or "「" in folded or "『" in folded or "[" in folded:
            for menu in _MENU.finditer(folded):
                inner = menu.group()[1:-1]
                for sep in _MENU_SEPARATOR.finditer(inner):
                    if sep.start() > 0 and sep.end() < len(inner):  # between two names, not a dash at an edge
                        self.menu_breaks.append(menu.start() + 1 + sep.start())

    def language(self, pos: int) -> str:
        """ "en" when the sentence containing `pos` is mostly Latin script (an English reply quoting a menu name
        like 【我的-设置】 is still English), else "zh"."""
        index = self.sentence(pos)
        cached = self._language.get(index)
        if cached is None:
            starts = self._sentence_starts
            end = starts[index + 1] if index + 1 < len(starts) else len(self.text)
            cached = "en" if is_mostly_latin(self.text[starts[index] : end]) else "zh"
            self._language[index] = cached
        return cached

    def crosses_menu(self, start: int, end: int) -> bool:
        """True when [start, end) runs across a menu-path separator (「包-退款」 holds no 包退)."""
        breaks = self.menu_breaks
        if not breaks:
            return False
        k = bisect.bisect_left(breaks, start)
        return k < len(breaks) and breaks[k] < end

    def sentence(self, pos: int) -> int:
        """Index of the sentence containing offset `pos`."""
        return bisect.bisect_right(self._sentence_starts, pos) - 1

    def clause(self, pos: int) -> int:
        """Index of the clause containing offset `pos`."""
        return bisect.bisect_right(self._clause_starts, pos) - 1

    def window(self, span: tuple[int, int], within: str) -> tuple[int, int]:
        """The offsets [lo, hi) around `span` of its clause, sentence, sentence and the next one on its line
        (`next`), or sentence and the one before it (`around`)."""
        if within == "clause":
            starts = self._clause_starts
            first, last = self.clause(span[0]), self.clause(max(span[0], span[1] - 1))
        else:
            starts, first = self._sentence_starts, self.sentence(span[0])
            last = self.sentence(max(span[0], span[1] - 1))
            if within == "next" and self.same_line(last, last + 1):
                last += 1
            if within == "around" and first > 0 and self.same_line(first - 1, first):
                first -= 1
        hi = starts[last + 1] if last + 1 < len(starts) else len(self.text)
        return starts[first], hi

    def same_line(self, sentence: int, other: int) -> bool:
        """True when sentences `sentence` and `other` are on one line (a reply's next sentence, not the next reply)."""
        starts = self._sentence_starts
        if other >= len(starts) or sentence >= len(starts):
            return False
        if not self._lines:
            return True
        # the sentence after `sentence` begins right after its end: a line break there ends the line
        end = starts[other] - 1
        return self.text[starts[sentence] : end + 1].find("\n") < 0

    def near(self, span: tuple[int, int], other: tuple[int, int], within: str) -> bool:
        """True when `other` lies in the scope `within` of `span` (clause / sentence / next)."""
        if within == "clause":
            return self.clause(other[0]) == self.clause(span[0]) or self.clause(other[1] - 1) == self.clause(span[0])
        here, there = self.sentence(span[0]), self.sentence(max(other[0], other[1] - 1))
        if within == "next":
            return here <= there <= self.sentence(max(span[0], span[1] - 1)) + 1 or self.sentence(other[0]) == here
        return there == here or self.sentence(other[0]) == here

    def is_question(self, pos: int) -> bool:
        """True when the sentence containing `pos` asks something (ends with ? or 吗 …)."""
        index = self.sentence(pos)
        starts = self._sentence_starts
        end = starts[index + 1] if index + 1 < len(starts) else len(self.text)
        tail = self.text[starts[index] : end]
        mark = tail.rstrip()
        if mark.endswith(("?", "？")):
            return True
        body = mark.rstrip(SENTENCE_END + " ~～")
        return bool(body) and body[-1] in "吗么" and not mark.endswith(("!", "！"))

    def at_sentence_end(self, pos: int) -> bool:
        """True when only particles, spaces, emoji and the like stand between `pos` and the end of its sentence."""
        text = self.text
        i = pos
        while i < len(text):
            ch = text[i]
            if ch in SENTENCE_END:
                return True
            if ch in CLAUSE_END:
                return False
            if ch in PARTICLES or ch.isspace() or not (ch.isalnum()):
                i += 1
                continue
            return False
        return True
