"""Facts a reply states, checked against the article: time limits, amounts and menu paths.

A quantity is a number or range with a unit (1-3个工作日, 48小时, 99元, 100积分); a path is a menu
path in 【】 (【我的-订单-申请售后】). A reply's quantity contradicts the article when the article
states quantities of the same unit about the same thing (the sentences share words) and the reply's
value lies outside all of them; a path contradicts the knowledge base when no article has a menu
with those steps. The agent's own promises ("24小时内给您回复") are not article facts and are skipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.core.content.model import Article, Content
from app.core.text.fold import fold
from app.core.text.ngrams import run_bigrams
from app.core.text.squeeze import squeeze
from app.core.training.sentences import Cue, Sentence, cue_hit, digits, sentences
from app.core.vocab import CONCLUSION, EXPLANATION, PITFALLS, STEPS

# Unit spellings → one unit. Longer spellings first, so 个工作日 is not read as 日.
_UNITS = (
    ("个工作日", "工作日"),
    ("工作日", "工作日"),
    ("working days", "工作日"),
    ("working day", "工作日"),
    ("business days", "工作日"),
    ("business day", "工作日"),
    ("个小时", "小时"),
    ("小时", "小时"),
    ("hours", "小时"),
    ("hour", "小时"),
    ("分钟", "分钟"),
    ("minutes", "分钟"),
    ("minute", "分钟"),
    ("个月", "月"),
    ("months", "月"),
    ("天", "天"),
    ("days", "天"),
    ("day", "天"),
    ("日", "天"),
    ("周", "周"),
    ("weeks", "周"),
    ("块钱", "元"),
    ("块", "元"),
    ("元", "元"),
    ("yuan", "元"),
    ("积分", "积分"),
    ("%", "%"),
    ("期", "期"),
    ("次", "次"),
)
_NUMBER = r"\d+(?:\.\d+)?"
_QUANTITY = re.compile(
    r"(?<![\d.第])("
    + _NUMBER
    + r")(?:\s*(?:-|~|到|至|—|–|－|～|to)\s*("
    + _NUMBER
    + r"))?\s*("
    + "|".join(re.escape(spelling) for spelling, _ in _UNITS)
    + r")"
)
_UNIT_OF = dict(_UNITS)
MYTH = re.compile(r"^(?:误区\s*[:：]\s*|误以为)(.+?)(?:[。:：;；]\s*|$)(.*)$")
_DATE = re.compile(r"\d+月\d+日|\d{4}年|\d+月(?!内)")
_PATH = re.compile(r"【([^【】]{1,60})】")
_PATH_SPLIT = re.compile(r"\s*[-—>→]\s*")
# Bigrams that say nothing about what a sentence is about.
_GENERIC = frozenset("您的 我们 可以 一般 如果 需要 已经 之后 以后 内容 时间 工作 个工 作日 小时 分钟".split())


@dataclass(frozen=True)
class Quantity:
    """A number or range with its unit, as written in a sentence."""

    low: float
    high: float
    unit: str
    text: str

    def within(self, low: float, high: float) -> bool:
        """True when the whole of this quantity lies in [low, high]."""
        return low <= self.low and self.high <= high


@dataclass(frozen=True)
class Contradiction:
    """A fact of the reply that the knowledge base says otherwise, with the article's sentence."""

    said: str  # the reply's words ("15个工作日", "【我的-订单-申请售后】")
    sentence: str  # the reply's sentence
    article_sentence: str  # what the article says instead
    kind: str  # "quantity" | "path"


def quantities(text: str) -> list[Quantity]:
    """The quantities stated in `text` (dates such as 12月31日 and ordinals such as 第3次 are not quantities)."""
    form = _DATE.sub(lambda m: "#" * len(m.group(0)), digits(text))
    out = []
    for match in _QUANTITY.finditer(form):
        low = float(match.group(1))
        high = float(match.group(2)) if match.group(2) else low
        out.append(Quantity(min(low, high), max(low, high), _UNIT_OF[match.group(3)], match.group(0)))
    return out


def paths(text: str) -> list[tuple[str, ...]]:
    """The menu paths in 【】 of `text`, each as its folded steps."""
    out = []
    for match in _PATH.finditer(fold(text)):
        steps = tuple(squeeze(step, folded=True) for step in _PATH_SPLIT.split(match.group(1)))
        steps = tuple(s for s in steps if s)
        if steps:
            out.append(steps)
    return out


def myths(article: Article) -> list[tuple[str, str]]:
    """(wrong belief, correction) of each 常见误区 line written 「误区:… 。…」 or 「误以为…:…」."""
    out = []
    for line in article.section(PITFALLS).split("\n"):
        match = MYTH.match(line.strip().lstrip("-*·• ").strip())
        if match:
            out.append((match.group(1).strip(), match.group(2).strip()))
    return out


def article_sentences(article: Article) -> list[str]:
    """The article's statements of fact: 结论, 说明, 操作步骤 and the corrections of its 常见误区 (never the
    wrong beliefs themselves)."""
    out = []
    texts = [article.section(name) for name in (CONCLUSION, EXPLANATION, STEPS)]
    texts.extend(correction for _, correction in myths(article))
    for text in texts:
        for s in sentences(text):
            line = re.sub(r"^\d{1,2}[.、)]\s*", "", s.text.lstrip("-*·• ").strip())
            if line:
                out.append(line)
    return out


def path_texts(text: str) -> list[str]:
    """The menu paths in 【】 of `text` as written (我的-退换/售后)."""
    return [m.group(1).strip() for m in _PATH.finditer(text)]


def known_paths(content: Content) -> set[tuple[str, ...]]:
    """Every menu path any article of the knowledge base names (the menus that exist)."""
    found: set[tuple[str, ...]] = set()
    for article in content.articles:
        found.update(paths(article.body))
    return found


def _about(sentence: str) -> set[str]:
    grams = run_bigrams(re.sub(r"[\d.]+", " ", digits(sentence)))
    return {g for g in grams if len(g) == 2 and g not in _GENERIC}


def contradictions(
    reply: list[Sentence],
    article: Article | None,
    known: set[tuple[str, ...]],
    commitments: tuple[Cue, ...] = (),
    skip: set[int] | None = None,
) -> list[Contradiction]:
    """The reply's quantities and paths that the article (or, for paths, the whole knowledge base) contradicts."""
    if article is None:
        return []
    facts = [(text, quantities(text), _about(text)) for text in article_sentences(article)]
    article_paths = paths(article.body)
    out: list[Contradiction] = []
    for index, s in enumerate(reply):
        if skip and index in skip:
            continue
        if not (commitments and cue_hit(s, commitments)):
            out.extend(_quantity_clashes(s, facts))
        for path in paths(s.text):
            if article_paths and not _path_exists(path, known, article_paths):
                where = max(
                    (text for text, _, _ in facts if paths(text)),
                    key=lambda t: max(len(set(p) & set(path)) for p in paths(t)),
                    default="",
                )
                said = "【" + "-".join(path) + "】"
                out.append(Contradiction(said, s.text, where, "path"))
    return out


def _quantity_clashes(s: Sentence, facts: list[tuple[str, list[Quantity], set[str]]]) -> list[Contradiction]:
    out = []
    about = _about(s.text)
    for q in quantities(s.text):
        same = [(text, a, len(about & grams)) for text, found, grams in facts for a in found if a.unit == q.unit]
        if not same:
            continue  # the article says nothing of this kind: nothing to contradict
        related = [r for r in same if r[2] > 0] or same
        if any(q.within(a.low, a.high) for _, a, _ in related):
            continue
        low = min(a.low for _, a, _ in same)
        high = max(a.high for _, a, _ in same)
        if q.within(low, high) and len(same) > 1:
            continue  # between two of the article's figures (1-3 and 3-7 → "1-7个工作日"): vague, not wrong
        best = max(related, key=lambda r: r[2])
        out.append(Contradiction(q.text, s.text, best[0], "quantity"))
    return out


def _path_exists(path: tuple[str, ...], known: set[tuple[str, ...]], article_paths: list[tuple[str, ...]]) -> bool:
    """A path is right when some known menu has its steps in order, or the article names each step."""
    for menu in known:
        it = iter(menu)
        if all(step in it for step in path):
            return True
    steps = {step for p in article_paths for step in p}
    return all(step in steps for step in path)
