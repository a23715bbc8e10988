"""Quiz cards generated from the knowledge base, with a manager's overrides, and how an answer is checked.

Each published article yields cards: its question (and 相似问法, shown in turn) → the key facts of its
结论 (time limits, amounts, menu paths such as 【我的-订单-申请售后】); each 常见误区 → a statement to
judge 对/错; its 操作步骤 (three or more) → put the steps in order. A card's `version` is a hash of
what it was made from, so editing the article regenerates the card (its schedule starts again).
A `cards:` list in a `kind: drills` file (scripts_library/training/cards.yaml) disables or rewrites a
generated card, or adds one of the manager's own.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, replace
from typing import Any

from app.core.compose.adapt import customer_facing, plain_text
from app.core.content.model import Article, Content, LibraryFile, Problem, ProblemCollector
from app.core.fileio.yamlsafe import LineDict
from app.core.training.drills import text_list
from app.core.training.facts import myths, path_texts, quantities
from app.core.training.sentences import fact_form, has_fact, sentences
from app.core.vocab import CONCLUSION, PUBLISHED, STEPS

FACT, TRUEFALSE, ORDER, RECALL = "fact", "truefalse", "order", "recall"
CARD_KINDS = {FACT: "问答", TRUEFALSE: "判断", ORDER: "排序", RECALL: "回顾"}
CARD_FIELDS = {"id", "kind", "disabled", "article", "question", "answer", "statement", "correct", "steps", "explain"}
MAX_FACTS = 3
MIN_STEPS, MAX_STEPS = 3, 7
_STEP_NUMBER = re.compile(r"^\s*\d{1,2}\s*[.、)）]\s*")
_TRUE_WORDS = {"对", "正确", "是", "true", "t", "yes", "y", "√", "✓", "1"}
_FALSE_WORDS = {"错", "错误", "否", "不对", "false", "f", "no", "n", "×", "✗", "0"}
_LETTERS = "ABCDEFG"


@dataclass(frozen=True)
class Card:
    """One quiz card: what is asked, what counts as right, and the article sentence shown afterwards."""

    id: str
    kind: str  # fact | truefalse | order | recall
    prompt: str
    answer: str  # the right answer as shown after answering
    explain: str = ""
    article: str = ""
    category: str = ""
    type: str = ""
    prompts: tuple[str, ...] = ()  # other phrasings of the question (相似问法), asked in turn
    facts: tuple[str, ...] = ()  # fact cards: what the answer must state ('|' separates equivalent forms)
    truth: bool = False  # truefalse cards
    steps: tuple[str, ...] = ()  # order cards: the steps in the right order
    version: str = ""
    source: str = "generated"  # generated | override | custom | mistake

    def prompt_for(self, reviews: int) -> str:
        """The question to show at the n-th review: the title, then each 相似问法 in turn."""
        asked = (self.prompt, *self.prompts)
        return asked[reviews % len(asked)]

    def shuffled(self) -> list[int]:
        """Order cards: the step indexes in the (fixed, never already sorted) order they are shown."""
        count = len(self.steps)
        seed = int(hashlib.sha1(self.id.encode("utf-8")).hexdigest()[:8], 16)
        order = sorted(range(count), key=lambda i: hashlib.sha1(f"{seed}:{i}".encode()).hexdigest())
        if order == list(range(count)):
            order = order[1:] + order[:1]
        return order


@dataclass(frozen=True)
class Verdict:
    """How an answer to a card went: right or not, partly right, and what was missing."""

    ok: bool
    partial: bool = False
    missing: tuple[str, ...] = ()
    note: str = ""


def check_answer(card: Card, answer: str) -> Verdict:
    """Whether `answer` is right for `card`: facts in any wording (1-3 = 一到三), 对/错, step letters, recall."""
    text = answer.strip()
    if card.kind == FACT:
        form = fact_form(text)
        missing = tuple(f.split("|")[0] for f in card.facts if not has_fact(form, f))
        if not missing:
            return Verdict(True)
        partial = len(missing) < len(card.facts)
        return Verdict(False, partial, missing, "没有答出:" + "、".join(missing))
    if card.kind == TRUEFALSE:
        said = parse_truth(text)
        if said is None:
            return Verdict(False, note="请回答“对”或“错”")
        return Verdict(said == card.truth)
    if card.kind == ORDER:
        given = parse_order(text, len(card.steps))
        if given is None:
            return Verdict(False, note=f"请按正确顺序输入 {len(card.steps)} 个字母,如 {_LETTERS[: len(card.steps)]}")
        shown = card.shuffled()  # the letters name the steps as shown
        right = sum(1 for position, letter in enumerate(given) if shown[letter] == position)
        return Verdict(
            right == len(card.steps), right * 2 >= len(card.steps), note=f"{right}/{len(card.steps)} 步位置正确"
        )
    said = parse_truth(text)  # recall: the trainee says whether they remembered
    return Verdict(bool(said))


def parse_truth(text: str) -> bool | None:
    """对/错 (and true/false, √/×) as a bool, else None."""
    word = text.strip().strip("。.!！").lower()
    if word in _TRUE_WORDS or word in ("记得", "记住了"):
        return True
    if word in _FALSE_WORDS or word in ("忘了", "不记得"):
        return False
    return None


def parse_order(text: str, count: int) -> list[int] | None:
    """Letters of the shown steps ("CAB", "c a b") → their positions in the shown list, in the trainee's order."""
    letters = [ch for ch in text.upper() if ch.isalpha()]
    if len(letters) != count or len(set(letters)) != count or any(ch not in _LETTERS[:count] for ch in letters):
        return None
    return [_LETTERS.index(ch) for ch in letters]


def order_answer(card: Card, shown: list[int]) -> str:
    """The letters of the right order for steps shown in `shown` order."""
    return "".join(_LETTERS[shown.index(i)] for i in range(len(card.steps)))


def _version(*parts: object) -> str:
    return hashlib.sha1(repr(parts).encode("utf-8")).hexdigest()[:12]


def generate_cards(article: Article) -> list[Card]:
    """The cards one published article yields (none for drafts and archived articles)."""
    if article.status != PUBLISHED:
        return []
    cards: list[Card] = []
    base: dict[str, Any] = {"article": article.id, "category": article.category, "type": article.type}
    conclusion = plain_text(article.section(CONCLUSION))
    found = [q.text for q in quantities(conclusion)][:MAX_FACTS]
    found += path_texts(conclusion)[: max(0, MAX_FACTS - len(found))]
    if found:
        facts = tuple(dict.fromkeys(found))
        cards.append(
            Card(
                f"{article.id}#fact",
                FACT,
                article.title,
                "、".join(facts),
                conclusion.split("\n")[0],
                prompts=tuple(s for s in article.similar if s.strip()),
                facts=facts,
                version=_version(FACT, article.title, facts, conclusion),
                **base,
            )
        )
    said, share = customer_facing(conclusion)
    first = sentences(said)[0].text if said and share > 0.8 else ""
    if first and len(first) >= 10:
        cards.append(
            Card(
                f"{article.id}#true",
                TRUEFALSE,
                first,
                "对",
                f"文章「{article.title}」的结论就是这样写的。",
                truth=True,
                version=_version(TRUEFALSE, first),
                **base,
            )
        )
    for n, (belief, correction) in enumerate(myths(article), start=1):
        if len(belief) < 6:
            continue
        statement = belief.rstrip("。") + "。"
        explain = correction or "这是常见误区。"
        cards.append(
            Card(
                f"{article.id}#myth{n}",
                TRUEFALSE,
                statement,
                "错",
                explain,
                truth=False,
                version=_version(TRUEFALSE, statement, explain),
                **base,
            )
        )
    steps = [_STEP_NUMBER.sub("", line) for line in _lines(article.section(STEPS)) if _STEP_NUMBER.match(line)]
    if MIN_STEPS <= len(steps) <= MAX_STEPS:
        cards.append(
            Card(
                f"{article.id}#steps",
                ORDER,
                f"「{article.title}」的操作步骤,正确的顺序是?",
                " → ".join(steps),
                steps=tuple(steps),
                version=_version(ORDER, steps),
                **base,
            )
        )
    return cards


def _lines(section: str) -> list[str]:
    return [line.strip().lstrip("-*·• ").strip() for line in section.split("\n") if line.strip()]


def load_cards(content: Content, only: set[str] | None = None) -> tuple[list[Card], list[Problem]]:
    """Every article's generated cards with the `cards:` overrides applied, and the overrides' problems.

    With `only` (article ids), just those articles' cards are generated: enough to check the overrides
    and exams of a knowledge base of thousands of articles at load time."""
    cards: dict[str, Card] = {}
    for article in content.articles:
        if only is None or article.id in only:
            for card in generate_cards(article):
                cards[card.id] = card
    problems: list[Problem] = []
    for lib, entries in _override_lists(content, problems):
        report = ProblemCollector(problems, lib.path)
        for entry in entries:
            _apply_override(entry, cards, report, content, lib.data.line_of("cards"))
    return list(cards.values()), problems


def referenced_articles(content: Content, card_ids: set[str]) -> set[str]:
    """The articles whose cards the overrides and `card_ids` name (`<article>#…`)."""
    named = set(card_ids)
    for _, entries in _override_lists(content, []):
        named.update(e["id"] for e in entries if isinstance(e, dict) and isinstance(e.get("id"), str))
    return {card_id.split("#", 1)[0] for card_id in named}


def _override_lists(content: Content, problems: list[Problem]) -> list[tuple[LibraryFile, list[object]]]:
    out = []
    for lib in content.library_of("drills"):
        raw = lib.data.get("cards")
        if raw is None:
            continue
        if not isinstance(raw, list):
            ProblemCollector(problems, lib.path).error(lib.data.line_of("cards"), "'cards' must be a list (- id: …)")
            continue
        out.append((lib, raw))
    return out


def _apply_override(
    entry: object, cards: dict[str, Card], report: ProblemCollector, content: Content, list_line: int
) -> None:
    if not isinstance(entry, LineDict) or not isinstance(entry.get("id"), str) or not entry["id"].strip():
        report.error(getattr(entry, "line", list_line), "a card override needs an 'id'")
        return
    card_id = entry["id"].strip()
    where = f"card '{card_id}'"
    for key in entry:
        if key not in CARD_FIELDS:
            report.warning(
                entry.line_of(key), f"{where}: unknown field '{key}' (known: {', '.join(sorted(CARD_FIELDS))})"
            )
    if entry.get("disabled") is True:
        if cards.pop(card_id, None) is None:
            report.warning(entry.line, f"{where}: no generated card has this id (was the article changed or removed?)")
        return
    base = cards.get(card_id)
    kind = entry.get("kind", base.kind if base else None)
    if kind not in (FACT, TRUEFALSE, ORDER):
        if base is None:
            report.warning(
                entry.line, f"{where}: no generated card has this id; a new card needs kind: fact|truefalse|order"
            )
        else:
            report.error(entry.line_of("kind"), f"{where}: unknown kind '{kind}' (use fact / truefalse / order)")
        return
    article = content.article(str(entry.get("article", ""))) if entry.get("article") else None
    if entry.get("article") and article is None:
        report.warning(entry.line_of("article"), f"{where}: article '{entry.get('article')}' does not exist")
    card = base or Card(
        card_id,
        kind,
        "",
        "",
        article=article.id if article else "",
        category=article.category if article else "",
        type=article.type if article else "",
        source="custom",
    )
    card = replace(card, kind=kind, source="override" if base else "custom")
    explain = entry.get("explain")
    if isinstance(explain, str) and explain.strip():
        card = replace(card, explain=explain.strip())
    if kind == FACT:
        question = entry.get("question", card.prompt)
        facts = tuple(text_list(entry, "answer", where, report)) if "answer" in entry else card.facts
        if not isinstance(question, str) or not question.strip() or not facts:
            report.error(entry.line, f"{where}: a fact card needs 'question' and 'answer' (the facts to state)")
            return
        prompts = card.prompts if question == card.prompt else ()  # a rewritten question is asked as written
        answer = "、".join(f.split("|")[0] for f in facts)
        card = replace(card, prompt=question.strip(), prompts=prompts, facts=facts, answer=answer)
    elif kind == TRUEFALSE:
        statement = entry.get("statement", card.prompt)
        truth = entry.get("correct", card.truth if base else None)
        if not isinstance(statement, str) or not statement.strip() or not isinstance(truth, bool):
            report.error(entry.line, f"{where}: a true/false card needs 'statement' and 'correct: true|false'")
            return
        card = replace(card, prompt=statement.strip(), truth=truth, answer="对" if truth else "错")
    else:
        steps = tuple(text_list(entry, "steps", where, report)) if "steps" in entry else card.steps
        if not MIN_STEPS - 1 <= len(steps) <= MAX_STEPS:
            report.error(entry.line_of("steps"), f"{where}: an order card needs 2 to {MAX_STEPS} steps")
            return
        question = entry.get("question", card.prompt or "正确的顺序是?")
        card = replace(card, prompt=str(question).strip(), steps=steps, answer=" → ".join(steps))
    cards[card_id] = replace(
        card, version=_version(card.version, card.kind, card.prompt, card.facts, card.truth, card.steps)
    )
