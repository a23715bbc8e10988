"""Training mode (新人演练): simulated customer messages and an explainable score for the agent's reply.

A drill is a customer message with its type, audience, channel, emotion, the article holding the facts
and the key facts a good reply states. `score_reply` grades a reply by the structure the domain asks
for (投诉: 共情 → 核实 → 方案 → 反馈时间; 咨询: 结论先行 → 逻辑支撑 → 操作指引; 故障: 致歉 + 影响范围 +
预计恢复 + 临时方案; 建议: 感谢 → 记录流转 → 跟进), the key facts, the 服务闭环 question and the reply
checker's findings. Which phrases show an element is data (`scoring:` in a `kind: drills` file), matched
on folded text so 繁體 and full-width replies score like simplified ones.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from app.core.checker.match import CheckContext, Checker
from app.core.compose.composer import compose, fill
from app.core.compose.library import ReplyLibrary
from app.core.compose.model import Draft
from app.core.content.bundled import bundled_content, is_bundled
from app.core.content.model import Content, LibraryFile, Problem, ProblemCollector
from app.core.content.placeholders import find_placeholders
from app.core.fileio.yamlsafe import LineDict
from app.core.text.fold import fold
from app.core.text.ngrams import run_bigrams
from app.core.text.squeeze import squeeze
from app.core.vocab import (
    ARTICLE_TYPES,
    AUDIENCES,
    CHANNELS,
    EMOTIONS,
    FOREIGN,
    GENERAL,
    GENERAL_TYPE,
    ONLINE,
    SPECIAL_AUDIENCES,
)

DETECTS = ("cues", "answer", "options", "repeat", "short", "language")
DRILL_FIELDS = {
    "id",
    "title",
    "type",
    "message",
    "audience",
    "channel",
    "emotion",
    "article",
    "facts",
    "hint",
    "values",
}
FILE_FIELDS = {"kind", "name", "note", "scoring", "drills"}
SCORING_FIELDS = {"elements", "types", "extra", "facts", "checks", "negations", "greetings", "red_line"}
ELEMENT_FIELDS = {
    "detect",
    "cues",
    "with",
    "unless",
    "section",
    "slot",
    "stage",
    "tags",
    "first",
    "options",
    "max_chars",
    "ok",
    "missing",
    "partial",
    "note",
}
# Checker reasons → the score item that loses points for them.
CHECK_GROUPS = {
    "禁忌话术": ("推诿", "甩锅", "指责", "态度", "催促", "拒绝", "歧视", "违规", "敏感话题", "消极应急", "过度承诺"),
    "隐私": ("隐私",),
    "称呼与表情": ("称呼", "表情", "渠道"),
    "通俗用语": ("术语", "用语"),
}
# A "sentence" shorter than this ("核实。" "理解您。") is a keyword, not something said to a customer.
MIN_SENTENCE = 4
_LEVEL_SHARE = {"error": 1.0, "warning": 0.5, "suggestion": 0.2}
_ID_OK = re.compile(r"^[^\s/\\]{1,120}$")
_SENTENCE = re.compile(r"[^。！？!?；;\n]*(?:[。！？!?；;]+|\n|$)|\S[^\n]*")
_EN_END = re.compile(r"(?<=[a-z0-9)][.!?])\s+(?=[A-Z])")
_LATIN = re.compile(r"[A-Za-z]")
_CJK = re.compile(r"[\u3400-\u9fff]")


# ---------------------------------------------------------------- data


@dataclass(frozen=True)
class Drill:
    """One practice case: what the customer writes and what a good reply must contain."""

    id: str
    title: str
    type: str  # 咨询 | 投诉 | 建议 | 故障
    message: str
    audience: str = GENERAL  # a key of vocab.AUDIENCES
    channel: str = ONLINE  # a key of vocab.CHANNELS
    emotion: str = ""  # "" or a key of vocab.EMOTIONS
    article: str = ""
    facts: tuple[str, ...] = ()
    hint: str = ""
    path: str = ""
    line: int = 1
    values: tuple[tuple[str, str], ...] = ()  # placeholder values for the model answer ({反馈时间: 今天18点})


@dataclass(frozen=True)
class ScoreItem:
    """One scored aspect of the reply, with the reason and a better phrasing."""

    name: str
    points: float
    max_points: float
    ok: bool
    why: str
    better: str = ""


@dataclass(frozen=True)
class Score:
    """The graded reply: total 0..100, the items it is made of, the model answer and the checker findings."""

    drill_id: str
    total: int
    items: tuple[ScoreItem, ...]
    model_answer: str
    findings: tuple = ()

    @property
    def grade(self) -> str:
        """优秀 (>=90) / 良好 (>=75) / 及格 (>=60) / 需加强."""
        if self.total >= 90:
            return "优秀"
        if self.total >= 75:
            return "良好"
        if self.total >= 60:
            return "及格"
        return "需加强"


@dataclass(frozen=True)
class _Cue:
    phrase: str = ""  # squeezed, folded
    pattern: re.Pattern[str] | None = None  # on the folded sentence


@dataclass(frozen=True)
class _Element:
    name: str
    detect: str = "cues"
    cues: tuple[_Cue, ...] = ()
    with_: tuple[_Cue, ...] = ()
    unless: tuple[str, ...] = ()
    section: str = ""
    slot: str = ""
    stage: str = ""
    tags: tuple[str, ...] = ()
    first: bool = False
    options: tuple[tuple[str, tuple[_Cue, ...]], ...] = ()
    max_chars: int = 40
    ok_text: str = ""
    missing_text: str = ""
    partial_text: str = ""


@dataclass
class Scoring:
    elements: dict[str, _Element]
    types: dict[str, dict[str, float]]
    extra: dict[str, dict[str, float]]
    facts: float = 15.0
    checks: dict[str, float] | None = None
    negations: tuple[str, ...] = ()
    greetings: tuple[_Cue, ...] = ()
    red_line: int = 59


# ---------------------------------------------------------------- loading


def _line(obj: Any, key: str | None = None, default: int = 1) -> int:
    if isinstance(obj, LineDict):
        return obj.line_of(key) if key else (obj.line or default)
    return default


def load_drills(content: Content) -> tuple[list[Drill], list[Problem]]:
    """The drills of every `kind: drills` file, in file order, and the format problems found on the way."""
    drills: list[Drill] = []
    problems: list[Problem] = []
    seen: dict[str, str] = {}
    for lib in content.library_of("drills"):
        report = ProblemCollector(problems, lib.path)
        data = lib.data
        for key in data:
            if key not in FILE_FIELDS:
                report.warning(data.line_of(key), f"unknown key '{key}' (known: {', '.join(sorted(FILE_FIELDS))})")
        items = data.get("drills", [])
        if items is None:
            items = []
        if not isinstance(items, list):
            report.error(data.line_of("drills"), "'drills' must be a list of drills (- id: …)")
            continue
        for index, item in enumerate(items):
            drill = _parse_drill(item, index, data.line_of("drills"), report, content)
            if drill is None:
                continue
            if drill.id in seen:
                report.error(drill.line, f"duplicate drill id '{drill.id}' (also in {seen[drill.id]})")
                continue
            seen[drill.id] = f"{lib.path}:{drill.line}"
            drills.append(drill)
    return drills, problems


def _parse_drill(item: Any, index: int, list_line: int, report: ProblemCollector, content: Content) -> Drill | None:
    if not isinstance(item, LineDict):
        report.error(list_line, f"drill #{index + 1}: must be a mapping with id, title, type, message")
        return None
    line = item.line
    where = f"drill #{index + 1}"
    for key in item:
        if key not in DRILL_FIELDS:
            report.warning(
                item.line_of(key), f"{where}: unknown field '{key}' (known: {', '.join(sorted(DRILL_FIELDS))})"
            )
    values: dict[str, str] = {}
    for key in ("id", "title", "type", "message"):
        value = item.get(key)
        if not isinstance(value, str) or not value.strip():
            report.error(item.line_of(key), f"{where}: '{key}' is required and must be text")
            return None
        values[key] = value.strip() if key != "message" else value.strip("\n")
    if not _ID_OK.match(values["id"]):
        report.error(item.line_of("id"), f"{where}: id '{values['id']}' must be one word without slashes")
        return None
    where = f"drill '{values['id']}'"
    if values["type"] not in ARTICLE_TYPES:
        report.error(
            item.line_of("type"), f"{where}: unknown type '{values['type']}' (use {' / '.join(ARTICLE_TYPES)})"
        )
        return None
    choices = {}
    for key, allowed, default in (
        ("audience", AUDIENCES, GENERAL),
        ("channel", CHANNELS, ONLINE),
        ("emotion", EMOTIONS, ""),
    ):
        raw = item.get(key, default)
        value = "" if raw in (None, "") else allowed.normalize(raw)
        if value is None:
            report.error(item.line_of(key), f"{where}: unknown {key} '{raw}' (use {' / '.join(allowed)})")
            value = default
        choices[key] = value
    article = item.get("article", "") or ""
    if not isinstance(article, str):
        report.error(item.line_of("article"), f"{where}: 'article' must be an article id")
        article = ""
    elif article and content.article(article) is None:
        report.warning(
            item.line_of("article"),
            f"{where}: article '{article}' does not exist (the model answer is built without it)",
        )
        article = ""
    facts = _text_list(item, "facts", where, report)
    hint = item.get("hint", "") or ""
    if not isinstance(hint, str):
        report.error(item.line_of("hint"), f"{where}: 'hint' must be text")
        hint = ""
    fill = item.get("values", {}) or {}
    pairs: list[tuple[str, str]] = []
    if not isinstance(fill, dict):
        report.error(item.line_of("values"), f"{where}: 'values' must map placeholder names to text")
    else:
        for name, text in fill.items():
            if not isinstance(text, (str, int, float)) or isinstance(text, bool):
                report.error(item.line_of("values"), f"{where}: value of '{name}' must be text")
                continue
            pairs.append((str(name), str(text)))
    return Drill(
        values["id"],
        values["title"],
        values["type"],
        values["message"],
        choices["audience"],
        choices["channel"],
        choices["emotion"],
        article,
        tuple(facts),
        hint.strip(),
        report.path,
        line,
        tuple(pairs),
    )


def _text_list(item: LineDict, key: str, where: str, report: ProblemCollector) -> list[str]:
    value = item.get(key, []) or []
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        value = [value]
    if not isinstance(value, list):
        report.error(item.line_of(key), f"{where}: '{key}' must be a list of texts")
        return []
    out = []
    for entry in value:
        if isinstance(entry, bool) or not isinstance(entry, (str, int, float)) or not str(entry).strip():
            report.error(item.line_of(key), f"{where}: every entry of '{key}' must be non-empty text")
            continue
        out.append(str(entry).strip())
    return out


def _cues(value: Any, line: int, where: str, report: ProblemCollector) -> tuple[_Cue, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        value = [value]
    out = []
    for entry in value:
        if isinstance(entry, (str, int, float)) and not isinstance(entry, bool):
            phrase = squeeze(str(entry))
            if phrase:
                out.append(_Cue(phrase=phrase))
            else:
                report.error(line, f"{where}: cue '{entry}' has no letters")
        elif isinstance(entry, dict) and isinstance(entry.get("pattern"), str):
            try:
                out.append(_Cue(pattern=re.compile(entry["pattern"])))
            except re.error as exc:
                report.error(_line(entry, "pattern", line), f"{where}: bad pattern '{entry['pattern']}': {exc}")
        else:
            report.error(_line(entry, None, line), f"{where}: a cue is a phrase or {{pattern: regex}}")
    return tuple(out)


def _parse_scoring(files: list[LibraryFile], problems: list[Problem], stages: set[str] | None = None) -> Scoring | None:
    """The `scoring:` section of the first drills file that has one (None when no file has it)."""
    for lib in files:
        raw = lib.data.get("scoring")
        if raw is None:
            continue
        report = ProblemCollector(problems, lib.path)
        if not isinstance(raw, LineDict):
            report.error(lib.data.line_of("scoring"), "'scoring' must be a mapping")
            return None
        return _parse_scoring_section(raw, report, stages)
    return None


def _parse_scoring_section(raw: LineDict, report: ProblemCollector, stages: set[str] | None) -> Scoring:
    for key in raw:
        if key not in SCORING_FIELDS:
            report.warning(
                raw.line_of(key), f"scoring: unknown key '{key}' (known: {', '.join(sorted(SCORING_FIELDS))})"
            )
    elements: dict[str, _Element] = {}
    raw_elements = raw.get("elements") or {}
    if not isinstance(raw_elements, dict):
        report.error(raw.line_of("elements"), "scoring.elements must map element names to their cues")
        raw_elements = {}
    for name, spec in raw_elements.items():
        element = _parse_element(str(name), spec, _line(raw_elements, str(name)), report, stages)
        if element is not None:
            elements[str(name)] = element
    types: dict[str, dict[str, float]] = {}
    block = raw.get("types") or {}
    if not isinstance(block, dict):
        report.error(raw.line_of("types"), "scoring.types must be a mapping")
        block = {}
    for type_name, weights in block.items():
        line = _line(block, str(type_name))
        if type_name not in ARTICLE_TYPES:
            report.error(line, f"scoring.types: unknown type '{type_name}' (use {' / '.join(ARTICLE_TYPES)})")
            continue
        types[type_name] = _weights(weights, line, f"scoring.types.{type_name}", elements, report)
    for type_name in ARTICLE_TYPES:
        if raw.get("types") and type_name not in types:
            report.warning(raw.line_of("types"), f"scoring.types: no elements for {type_name}")
    extra: dict[str, dict[str, float]] = {}
    block = raw.get("extra") or {}
    if isinstance(block, dict):
        known = set(AUDIENCES) | set(CHANNELS) | set(EMOTIONS)
        for key, weights in block.items():
            line = _line(block, str(key))
            if key not in known:
                report.error(line, f"scoring.extra: '{key}' is not an audience, channel or emotion")
                continue
            extra[str(key)] = _weights(weights, line, f"scoring.extra.{key}", elements, report)
    else:
        report.error(raw.line_of("extra"), "scoring.extra must be a mapping")
    facts = _number(raw.get("facts", 15), raw.line_of("facts"), "scoring.facts", report, 15.0)
    checks: dict[str, float] = {}
    block = raw.get("checks") or {}
    if isinstance(block, dict):
        for name, value in block.items():
            if name not in CHECK_GROUPS:
                report.error(
                    _line(block, str(name)), f"scoring.checks: unknown item '{name}' (use {' / '.join(CHECK_GROUPS)})"
                )
                continue
            checks[name] = _number(value, _line(block, str(name)), f"scoring.checks.{name}", report, 0.0)
    else:
        report.error(raw.line_of("checks"), "scoring.checks must be a mapping")
    negations = tuple(squeeze(str(n)) for n in (raw.get("negations") or []) if isinstance(n, (str, int)))
    greetings = _cues(raw.get("greetings"), raw.line_of("greetings"), "scoring.greetings", report)
    red_line = int(_number(raw.get("red_line", 59), raw.line_of("red_line"), "scoring.red_line", report, 59.0))
    return Scoring(elements, types, extra, facts, checks or None, negations, greetings, red_line)


def _number(value: Any, line: int, where: str, report: ProblemCollector, default: float) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        report.error(line, f"{where}: must be a number >= 0")
        return default
    return float(value)


def _weights(
    value: Any, line: int, where: str, elements: dict[str, _Element], report: ProblemCollector
) -> dict[str, float]:
    if not isinstance(value, dict):
        report.error(line, f"{where}: must map element names to points")
        return {}
    out = {}
    for name, points in value.items():
        if name not in elements:
            report.error(
                _line(value, str(name), line), f"{where}: unknown element '{name}' (define it under scoring.elements)"
            )
            continue
        out[str(name)] = _number(points, _line(value, str(name), line), f"{where}.{name}", report, 0.0)
    return out


def _parse_element(
    name: str, spec: Any, line: int, report: ProblemCollector, stages: set[str] | None
) -> _Element | None:
    where = f"scoring.elements.{name}"
    if not isinstance(spec, LineDict):
        report.error(line, f"{where}: must be a mapping (cues: [...])")
        return None
    for key in spec:
        if key not in ELEMENT_FIELDS:
            report.warning(
                spec.line_of(key), f"{where}: unknown key '{key}' (known: {', '.join(sorted(ELEMENT_FIELDS))})"
            )
    detect = spec.get("detect", "cues")
    if detect not in DETECTS:
        report.error(spec.line_of("detect"), f"{where}: unknown detect '{detect}' (use {' / '.join(DETECTS)})")
        return None
    options: list[tuple[str, tuple[_Cue, ...]]] = []
    raw_options = spec.get("options") or {}
    if isinstance(raw_options, dict):
        for kind, cues in raw_options.items():
            options.append((str(kind), _cues(cues, _line(raw_options, str(kind), line), f"{where}.options", report)))
    else:
        report.error(spec.line_of("options"), f"{where}: options must map an option kind to its cues")
    cues = _cues(spec.get("cues"), spec.line_of("cues"), where, report)
    if detect == "cues" and not cues and not spec.get("section"):
        report.error(line, f"{where}: needs cues (or a section) to detect it")
    if detect == "options" and len(options) < 2:
        report.error(line, f"{where}: detect: options needs at least two option kinds")
    stage = spec.get("stage", "") or ""
    if stage and stages is not None and stages and stage not in stages:
        report.warning(spec.line_of("stage"), f"{where}: no script has stage '{stage}'")
    texts = {}
    for key in ("ok", "missing", "partial", "section", "slot", "stage"):
        value = spec.get(key, "") or ""
        if not isinstance(value, str):
            report.error(spec.line_of(key), f"{where}: '{key}' must be text")
            value = ""
        texts[key] = value.strip()
    tags = spec.get("tags") or []
    max_chars = spec.get("max_chars", 40)
    if isinstance(max_chars, bool) or not isinstance(max_chars, int) or max_chars < 5:
        report.error(spec.line_of("max_chars"), f"{where}: max_chars must be a whole number >= 5")
        max_chars = 40
    return _Element(
        name,
        detect,
        cues,
        _cues(spec.get("with"), spec.line_of("with"), f"{where}.with", report),
        tuple(squeeze(str(u)) for u in (spec.get("unless") or []) if isinstance(u, (str, int))),
        texts["section"],
        texts["slot"],
        texts["stage"],
        tuple(str(t) for t in tags) if isinstance(tags, list) else (),
        bool(spec.get("first", False)),
        tuple(options),
        max_chars,
        texts["ok"],
        texts["missing"],
        texts["partial"],
    )


def check_library(content: Content) -> list[Problem]:
    """`zhida validate` check for drills files: drill fields, article ids, and the scoring section."""
    _, problems = load_drills(content)
    files = content.library_of("drills")
    stages = {s.stage for s in content.scripts if s.stage}
    scoring = _parse_scoring(files, problems, stages)
    with_scoring = [f for f in files if f.data.get("scoring") is not None]
    for extra in with_scoring[1:]:
        problems.append(
            Problem(
                extra.path,
                extra.data.line_of("scoring"),
                "warning",
                f"scoring is ignored here: only the first one ({with_scoring[0].path}) is used",
            )
        )
    if scoring is not None:
        for type_name, weights in scoring.types.items():
            if not weights:
                problems.append(Problem(files[0].path, 1, "warning", f"scoring.types.{type_name}: no elements"))
    return problems


def load_scoring(content: Content) -> Scoring:
    """The content root's scoring section, else the bundled one."""
    scoring = _parse_scoring(content.library_of("drills"), [])
    if scoring is None and not is_bundled(content):
        scoring = _parse_scoring(bundled_content().library_of("drills"), [])
    return scoring if scoring is not None else Scoring({}, {}, {})


# ---------------------------------------------------------------- text helpers


@dataclass(frozen=True)
class _Sentence:
    start: int
    end: int
    text: str
    squeezed: str
    folded: str


def _sentences(text: str) -> list[_Sentence]:
    """Sentences with their offsets: split after 。！？!?；; and line breaks, and between English sentences."""
    out = []
    for match in _SENTENCE.finditer(text):
        piece = match.group(0)
        if not piece.strip():
            continue
        base = match.start()
        cuts = [0] + [m.end() for m in _EN_END.finditer(piece)] + [len(piece)]
        for a, b in pairwise(cuts):
            part = piece[a:b]
            if part.strip():
                out.append(_Sentence(base + a, base + b, part.strip(), squeeze(part), fold(part)))
    return out


def _cue_hit(
    sentence: _Sentence, cues: Iterable[_Cue], negations: tuple[str, ...] = (), unless: tuple[str, ...] = ()
) -> str:
    """The first cue said (not negated) in the sentence, or ''."""
    if unless and any(u and u in sentence.squeezed for u in unless):
        return ""
    if len(sentence.squeezed) < MIN_SENTENCE:
        return ""
    for cue in cues:
        if cue.pattern is not None:
            match = cue.pattern.search(sentence.folded)
            if match:
                return match.group(0)
            continue
        start = sentence.squeezed.find(cue.phrase)
        while start >= 0:
            before = sentence.squeezed[max(0, start - 5) : start]
            if not any(n and n in before for n in negations):
                return cue.phrase
            start = sentence.squeezed.find(cue.phrase, start + 1)
    return ""


_CN_DIGIT = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_NUMBER = re.compile(r"[零〇一二两三四五六七八九十]+")
_RANGE = re.compile(r"(?<=\d)(?:到|至|~|-|—|–|－|～)(?=\d)")


def _cn_number(match: re.Match[str]) -> str:
    s = match.group(0)
    if "十" not in s:
        return "".join(str(_CN_DIGIT[c]) for c in s)
    tens, _, ones = s.partition("十")
    if len(tens) > 1 or len(ones) > 1 or "十" in ones:
        return s
    return str((_CN_DIGIT.get(tens, 1) if tens else 1) * 10 + (_CN_DIGIT.get(ones, 0) if ones else 0))


def _fact_form(text: str) -> str:
    """Text as facts are compared: folded, 一到三 → 1-3 → 13, no spaces or punctuation."""
    folded = _CN_NUMBER.sub(_cn_number, fold(text))
    folded = _RANGE.sub("", folded)
    return squeeze(folded, folded=True)


def _has_fact(text_form: str, fact: str) -> bool:
    return any(_fact_form(alt) and _fact_form(alt) in text_form for alt in fact.split("|"))


def _overlaps(sentence: _Sentence, section_grams: set[str], share: float = 0.45) -> bool:
    grams = run_bigrams(sentence.text)
    return len(grams) >= 4 and len(grams & section_grams) / len(grams) >= share


def _filled(text: str, drill: Drill) -> str:
    return fill(text, dict(drill.values))


def _is_english(text: str) -> bool:
    return len(_LATIN.findall(text)) > 2 * len(_CJK.findall(text))


# ---------------------------------------------------------------- scoring


@dataclass
class _Ctx:
    drill: Drill
    reply: str
    sentences: list[_Sentence]
    tainted: set[int]  # sentence indexes holding an error-level finding
    scoring: Scoring
    content: Content
    draft: Any
    model: str
    model_sentences: list[_Sentence]
    first_index: int  # first sentence that is not only a greeting


def model_answer(
    drill: Drill, content: Content, checker: Checker | None = None, replies: ReplyLibrary | None = None
) -> str:
    """The composer's reply to the drill's message, placeholders filled with the drill's `values`."""
    return _filled(_draft(drill, content, checker or Checker.from_content(content), replies).text, drill)


def _draft(drill: Drill, content: Content, checker: Checker, replies: ReplyLibrary | None) -> Draft:
    article = drill.article if drill.article and content.article(drill.article) is not None else None
    return compose(
        drill.message,
        content,
        article_id=article,
        audience=drill.audience,
        channel=drill.channel,
        checker=checker,
        library=replies,
    )


def score_reply(
    drill: Drill,
    reply: str,
    content: Content,
    checker: Checker | None = None,
    scoring: Scoring | None = None,
    replies: ReplyLibrary | None = None,
) -> Score:
    """Grade `reply` to `drill`: structure for the drill's type, key facts, 服务闭环 and checker findings.

    Pass the workspace's checker, scoring and reply library (built once per load); missing ones are
    built from `content` for this call."""
    checker = checker or Checker.from_content(content)
    scoring = scoring or load_scoring(content)
    draft = _draft(drill, content, checker, replies)
    model = _filled(draft.text, drill)
    if not reply.strip() or not squeeze(reply):
        item = ScoreItem(
            "回复内容", 0.0, 100.0, False, "回复是空的:客户等了半天没有得到任何答复,首问解决率为零。", model
        )
        return Score(drill.id, 0, (item,), model, ())
    findings = tuple(checker.check(reply, CheckContext(audience=drill.audience, channel=drill.channel)))
    sentences = _sentences(reply)
    tainted = {
        i
        for i, s in enumerate(sentences)
        if any(f.level == "error" and f.start < s.end and f.end > s.start for f in findings)
    }
    ctx = _Ctx(drill, reply, sentences, tainted, scoring, content, draft, model, _sentences(model), 0)
    ctx.first_index = _first_substantive(ctx)

    weights = dict(scoring.types.get(drill.type, {}))
    for key in (drill.emotion, drill.audience, drill.channel):
        for name, points in scoring.extra.get(key, {}).items():
            weights.setdefault(name, points)
    items: list[ScoreItem] = []
    positions: dict[str, int] = {}
    for name, points in weights.items():
        element = scoring.elements.get(name)
        if element is None or points <= 0:
            continue
        items.append(_score_element(element, points, ctx, positions))
    items = _apply_order(items, weights, ctx, positions)
    if not positions:
        # Short sentences or English are worth nothing when the reply does not answer at all ("好的").
        items = [
            ScoreItem(i.name, 0.0, i.max_points, False, "回复没有回答客户的问题,这一项不计分。", i.better)
            if scoring.elements.get(i.name) is not None and scoring.elements[i.name].detect in ("short", "language")
            else i
            for i in items
        ]
    if drill.facts and scoring.facts > 0:
        items.append(_score_facts(ctx))
    content_max = sum(i.max_points for i in items) or 1.0
    total = 100 * sum(i.points for i in items) / content_max
    red = False
    for name, points in (scoring.checks or {}).items():
        item, is_red = _score_check(name, points, findings)
        items.append(item)
        total += item.points
        red = red or is_red
    placeholders = find_placeholders(reply)
    if placeholders:
        names = "、".join("{" + p + "}" for p in placeholders)
        items.append(
            ScoreItem(
                "占位符",
                -5.0,
                0.0,
                False,
                f"回复里还有未填写的占位符 {names}:发给客户前必须换成具体内容。",
                "例如:" + _filled(names, drill) if drill.values else "",
            )
        )
        total -= 5.0
    total = round(total)
    if red and total > scoring.red_line:
        total = scoring.red_line
    return Score(drill.id, max(0, min(100, total)), tuple(items), model, findings)


def _first_substantive(ctx: _Ctx) -> int:
    """Index of the first sentence that says more than a greeting (您好 / 尊敬的… / 很高兴为您服务)."""
    soothing = ctx.scoring.elements.get("共情")
    for i, s in enumerate(ctx.sentences):
        if any(_has_fact(_fact_form(s.text), f) for f in ctx.drill.facts):
            return i
        if _cue_hit(s, ctx.scoring.greetings) and len(s.squeezed) <= 40:
            continue
        # A short "您别着急。" / "Sorry for the wait." before the answer is care, not a detour.
        if soothing is not None and len(s.squeezed) <= 20 and _cue_hit(s, soothing.cues, ctx.scoring.negations):
            continue
        return i
    return 0


def _score_element(element: _Element, points: float, ctx: _Ctx, positions: dict[str, int]) -> ScoreItem:
    detect = element.detect
    if detect == "answer":
        return _score_answer(element, points, ctx, positions)
    if detect == "options":
        return _score_options(element, points, ctx, positions)
    if detect == "repeat":
        return _score_repeat(element, points, ctx, positions)
    if detect == "short":
        longest = max(ctx.sentences, key=lambda s: len(s.squeezed))
        if len(longest.squeezed) <= element.max_chars:
            return ScoreItem(element.name, points, points, True, element.ok_text or "句子简短明确。")
        return ScoreItem(
            element.name,
            round(points / 2, 1),
            points,
            False,
            (element.missing_text or "有的句子太长。") + f"(最长一句 {len(longest.squeezed)} 字:"
            f"「{_short(longest.text)}」)",
            _better(element, ctx),
        )
    if detect == "language":
        english = sum(1 for s in ctx.sentences if _is_english(s.text))
        if english * 2 >= len(ctx.sentences):
            return ScoreItem(element.name, points, points, True, element.ok_text or "用客户的语言回复。")
        english_model = " ".join(s.text for s in ctx.model_sentences if _is_english(s.text))
        return ScoreItem(
            element.name,
            0.0,
            points,
            False,
            element.missing_text or "客户用英文提问,回复却主要是中文。",
            english_model or _better(element, ctx),
        )
    index, cue, tainted_only = _find(element, ctx)
    if index >= 0:
        positions[element.name] = index
        return ScoreItem(element.name, points, points, True, _ok_text(element, cue))
    why = element.missing_text or f"没有体现「{element.name}」。"
    if tainted_only:
        why = f"「{element.name}」只出现在含禁忌话术的句子里,不计分。" + why
    return ScoreItem(element.name, 0.0, points, False, why, _better(element, ctx))


def _ok_text(element: _Element, cue: str) -> str:
    said = f"(“{cue}”)" if cue and len(cue) <= 20 else ""
    return (element.ok_text or f"做到了「{element.name}」。") + said


def _find(element: _Element, ctx: _Ctx) -> tuple[int, str, bool]:
    """(index of the first sentence showing the element or -1, the cue, whether only tainted sentences showed it)."""
    grams: set[str] = set()
    article = ctx.content.article(ctx.drill.article) if ctx.drill.article else None
    if element.section and article is not None:
        grams = run_bigrams(article.section(element.section))
    tainted_only = False
    for i, s in enumerate(ctx.sentences):
        cue = _cue_hit(s, element.cues, ctx.scoring.negations, element.unless)
        # The time may sit in the sentence before ("24小时内。我给您回电话" when sentences are kept short).
        if (
            cue
            and element.with_
            and not (_cue_hit(s, element.with_) or (i > 0 and _cue_hit(ctx.sentences[i - 1], element.with_)))
        ):
            cue = ""
        if not cue and not (grams and _overlaps(s, grams)):
            continue
        if i in ctx.tainted:
            tainted_only = True
            continue
        return i, cue, False
    return -1, "", tainted_only


def _apply_order(
    items: list[ScoreItem], weights: dict[str, float], ctx: _Ctx, positions: dict[str, int]
) -> list[ScoreItem]:
    """An element marked `first` (共情 in a complaint) that comes after the others earns half."""
    out = []
    for item in items:
        element = ctx.scoring.elements.get(item.name)
        if element is not None and element.first and item.ok:
            # Only the type's own steps count (核实, 方案 …), not the closing or a channel extra like 问候.
            steps = ctx.scoring.types.get(ctx.drill.type, {})
            others = [
                p
                for n, p in positions.items()
                if n != item.name
                and n in steps
                and ctx.scoring.elements[n].detect in ("cues", "options")
                and n != "服务闭环"
            ]
            mine = positions.get(item.name, 0)
            if others and mine > min(others):
                item = ScoreItem(
                    item.name,
                    round(item.max_points / 2, 1),
                    item.max_points,
                    False,
                    element.partial_text or f"「{item.name}」应放在最前面。",
                    _better(element, ctx),
                )
        out.append(item)
    return out


def _score_answer(element: _Element, points: float, ctx: _Ctx, positions: dict[str, int]) -> ScoreItem:
    """结论先行: the first sentence after the greeting states a key fact or the article's conclusion."""
    article = ctx.content.article(ctx.drill.article) if ctx.drill.article else None
    grams = run_bigrams(article.section(element.section or "结论")) if article is not None else set()

    def answers(s: _Sentence) -> bool:
        if any(_has_fact(_fact_form(s.text), f) for f in ctx.drill.facts):
            return True
        if grams and _overlaps(s, grams, 0.4):
            return True
        return bool(element.cues) and bool(_cue_hit(s, element.cues, ctx.scoring.negations, element.unless))

    hits = [i for i, s in enumerate(ctx.sentences) if i not in ctx.tainted and answers(s)]
    if hits and hits[0] <= ctx.first_index:
        positions[element.name] = hits[0]
        return ScoreItem(element.name, points, points, True, element.ok_text or "第一句就回答了客户的问题。")
    if hits:
        positions[element.name] = hits[0]
        return ScoreItem(
            element.name,
            round(points / 2, 1),
            points,
            False,
            (element.partial_text or "答案放在了后面:客户要先读完铺垫才知道结果。") + f"(第{hits[0] + 1}句才回答)",
            _better(element, ctx),
        )
    return ScoreItem(
        element.name, 0.0, points, False, element.missing_text or "没有直接回答客户的问题。", _better(element, ctx)
    )


def _score_options(element: _Element, points: float, ctx: _Ctx, positions: dict[str, int]) -> ScoreItem:
    """补偿方案: 2–3 distinct options earn full points, one option two thirds."""
    kinds: list[str] = []
    first = -1
    for i, s in enumerate(ctx.sentences):
        if i in ctx.tainted:
            continue
        for kind, cues in element.options:
            if kind not in kinds and _cue_hit(s, cues, ctx.scoring.negations, element.unless):
                kinds.append(kind)
                first = i if first < 0 else first
    if first >= 0:
        positions[element.name] = first
    named = "、".join(kinds)
    if len(kinds) >= 2:
        return ScoreItem(element.name, points, points, True, (element.ok_text or "给出了可选方案。") + f"({named})")
    if kinds:
        return ScoreItem(
            element.name,
            round(points * 2 / 3, 1),
            points,
            False,
            (element.partial_text or "只给了一个方案。") + f"(只有{named})",
            _options_better(element, ctx),
        )
    return ScoreItem(
        element.name, 0.0, points, False, element.missing_text or "没有给出解决方案。", _options_better(element, ctx)
    )


def _options_better(element: _Element, ctx: _Ctx) -> str:
    """A sentence of the article, the model answer or the library naming two or more options."""
    article = ctx.content.article(ctx.drill.article) if ctx.drill.article else None
    pools: list[str] = []
    pools.append(
        _filled(ctx.draft.slot(element.slot).text, ctx.drill) if element.slot and ctx.draft.slot(element.slot) else ""
    )
    if article is not None:
        from app.core.compose.adapt import customer_facing, plain_text

        for section in ("结论", "说明"):
            kept, _ = customer_facing(plain_text(article.section(section)))
            pools.extend(kept.split("\n"))
    pools.extend(script.text for _, script in _library_scripts(element, ctx))
    for text in pools:
        for s in _sentences(text):
            kinds = {k for k, cues in element.options if _cue_hit(s, cues, ctx.scoring.negations)}
            if len(kinds) >= 2:
                return s.text
    return _better(element, ctx)


def _score_repeat(element: _Element, points: float, ctx: _Ctx, positions: dict[str, int]) -> ScoreItem:
    """重复要点 (elderly customers): a key fact said twice, or an explicit 再说一遍."""
    form = _fact_form(ctx.reply)
    for fact in ctx.drill.facts:
        for alt in fact.split("|"):
            f = _fact_form(alt)
            if f and form.count(f) >= 2:
                return ScoreItem(
                    element.name, points, points, True, (element.ok_text or "重复了关键信息。") + f"(“{alt}”)"
                )
    index, cue, _ = _find(element, ctx)
    if index >= 0:
        return ScoreItem(element.name, points, points, True, _ok_text(element, cue))
    return ScoreItem(
        element.name, 0.0, points, False, element.missing_text or "关键信息只说了一遍。", _better(element, ctx)
    )


def _score_facts(ctx: _Ctx) -> ScoreItem:
    form = _fact_form(ctx.reply)
    max_points = ctx.scoring.facts
    missing = [f for f in ctx.drill.facts if not _has_fact(form, f)]
    said = [f.split("|")[0] for f in ctx.drill.facts if f not in missing]
    if not missing:
        return ScoreItem("关键信息", max_points, max_points, True, "关键信息都说清楚了:" + "、".join(said) + "。")
    points = round(max_points * (len(ctx.drill.facts) - len(missing)) / len(ctx.drill.facts), 1)
    names = "、".join(f"“{f.split('|')[0]}”" for f in missing)
    betters = []
    for fact in missing:
        sentence = _fact_sentence(fact, ctx)
        if sentence and sentence not in betters:
            betters.append(sentence)
    return ScoreItem(
        "关键信息",
        points,
        max_points,
        False,
        f"没有说明{names}:客户最关心的具体信息缺失,很可能还要再来问一次(影响首问解决率)。",
        " ".join(betters),
    )


def _fact_sentence(fact: str, ctx: _Ctx) -> str:
    for s in ctx.model_sentences:
        if _has_fact(_fact_form(s.text), fact):
            return s.text
    article = ctx.content.article(ctx.drill.article) if ctx.drill.article else None
    if article is not None:
        for section in ("结论", "说明", "操作步骤"):
            for s in _sentences(article.section(section)):
                if _has_fact(_fact_form(s.text), fact):
                    return s.text.lstrip("-*0123456789. ")
    return f"请明确告诉客户:{fact.split('|')[0]}。"


def _score_check(name: str, deduction: float, findings: tuple) -> tuple[ScoreItem, bool]:
    """A checker item (max_points 0): each finding of its reasons deducts `deduction` points at error level,
    half at warning level, a fifth for a suggestion."""
    reasons = CHECK_GROUPS[name]
    mine = [
        f
        for f in findings
        if f.reason in reasons
        or (name == "禁忌话术" and f.level == "error" and not any(f.reason in r for r in CHECK_GROUPS.values()))
    ]
    if not mine:
        ok_text = {
            "禁忌话术": "没有推诿、甩锅、指责或过度承诺的话术。",
            "隐私": "没有暴露完整的手机号、证件号、银行卡号或地址。",
            "称呼与表情": "称呼和表情符合这位客户和这个渠道。",
            "通俗用语": "没有客户听不懂的术语。",
        }[name]
        return ScoreItem(name, 0.0, 0.0, True, ok_text), False
    points = -round(sum(_LEVEL_SHARE.get(f.level, 0.2) for f in mine) * deduction, 1)
    whys, betters = [], []
    for f in mine:
        whys.append(f"「{f.text}」{f.reason}:{f.message}" if f.text not in f.message else f"{f.reason}:{f.message}")
        if f.suggestions or getattr(f, "better", ()):
            fix = f.suggestions[0] if f.suggestions else f.better[0]  # a one-click fix, else the phrasing to copy
            betters.append(f"「{f.text}」→「{fix}」" if fix else f"删去「{f.text}」")
    red = name in ("禁忌话术", "隐私") and any(f.level == "error" for f in mine)
    why = " ".join(whys)
    if red:
        why += " (质检红线:出现这类错误时总分最高59分)"
    return ScoreItem(name, points, 0.0, False, why, ";".join(dict.fromkeys(betters))), red


def _better(element: _Element, ctx: _Ctx) -> str:
    """A better phrasing: the model answer's slot for the element, else a library script of its stage,
    else the model answer's sentence showing the element."""
    if element.slot:
        slot = ctx.draft.slot(element.slot)
        if slot is not None and slot.text.strip():
            return _filled(slot.text.strip(), ctx.drill)
    scripts = _library_scripts(element, ctx)
    if scripts and scripts[0][0] > 0:
        return _filled(scripts[0][1].text, ctx.drill)
    for s in ctx.model_sentences:
        if element.cues and _cue_hit(s, element.cues, ctx.scoring.negations, element.unless):
            return s.text
    return _filled(scripts[0][1].text, ctx.drill) if scripts else ""


def _library_scripts(element: _Element, ctx: _Ctx) -> list[tuple[int, _ScriptText]]:
    """Scripts of the element's stage usable for this drill, most on-topic first, with their topic overlap."""
    if not element.stage:
        return []
    article = ctx.content.article(ctx.drill.article) if ctx.drill.article else None
    topic = run_bigrams(ctx.drill.message + (" " + article.title + " " + " ".join(article.tags) if article else ""))
    english = ctx.drill.audience == FOREIGN
    ranked = []
    for order, script in enumerate(ctx.content.scripts):
        if script.stage != element.stage or script.type not in (ctx.drill.type, GENERAL_TYPE):
            continue
        if script.channels and ctx.drill.channel not in script.channels:
            continue
        audience_tags = {t for t in script.tags if t in SPECIAL_AUDIENCES}
        if audience_tags and ctx.drill.audience not in audience_tags:
            continue
        tag_hits = len(set(script.tags) & set(element.tags))
        if element.tags and not tag_hits:
            continue
        text = script.variants.get("en", "") if english else ""
        overlap = len(run_bigrams(" ".join([script.title, script.text, *script.tags])) & topic)
        ranked.append(
            (
                -(3 * min(overlap, 4) + 2 * tag_hits + (script.type == ctx.drill.type) + bool(audience_tags)),
                order,
                overlap,
                _ScriptText(script.id, (text or script.text).strip()),
            )
        )
    ranked.sort(key=lambda r: (r[0], r[1]))
    return [(r[2], r[3]) for r in ranked]


@dataclass(frozen=True)
class _ScriptText:
    id: str
    text: str


def _short(text: str, width: int = 30) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def score_to_dict(drill: Drill, score: Score) -> dict[str, Any]:
    """The JSON document of `zhida train --json`."""
    return {
        "drill": drill_to_dict(drill),
        "total": score.total,
        "grade": score.grade,
        "items": [
            {
                "name": i.name,
                "points": i.points,
                "max_points": i.max_points,
                "ok": i.ok,
                "why": i.why,
                "better": i.better,
            }
            for i in score.items
        ],
        "findings": [f.as_dict() if hasattr(f, "as_dict") else dict(vars(f)) for f in score.findings],
        "model_answer": score.model_answer,
    }


def drill_to_dict(drill: Drill) -> dict[str, Any]:
    """A drill as JSON."""
    return {
        "id": drill.id,
        "title": drill.title,
        "type": drill.type,
        "message": drill.message,
        "audience": drill.audience,
        "channel": drill.channel,
        "emotion": drill.emotion,
        "article": drill.article,
        "facts": list(drill.facts),
        "hint": drill.hint,
        "path": drill.path,
        "line": drill.line,
    }
