"""The scoring rubric (`scoring:` in the first `kind: drills` file): elements, weights, checks and specifics.

Which phrases show an element is data a knowledge manager edits without code: cue phrases (or
`{pattern: regex}`) matched on folded text, per-type weights, extra elements per emotion, audience or
channel, the checker deductions, the 质检红线, and the message specifics a reply must acknowledge
(repeat contact, threats, deadlines). A content root without a rubric uses the bundled one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from app.core.content.bundled import bundled_content, is_bundled
from app.core.content.model import Content, LibraryFile, Problem, ProblemCollector
from app.core.fileio.yamlsafe import LineDict, line_of
from app.core.text.squeeze import squeeze
from app.core.training.sentences import Cue
from app.core.vocab import ARTICLE_TYPES, AUDIENCES, CHANNELS, EMOTIONS

DETECTS = ("cues", "answer", "options", "repeat", "short", "language")
SCORING_FIELDS = {
    "elements",
    "types",
    "extra",
    "facts",
    "checks",
    "negations",
    "greetings",
    "red_line",
    "specifics",
    "commitments",
    "internal_labels",
}
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
    "care",
    "soft",
    "critical",
}
SPECIFIC_FIELDS = {"said", "ack", "points", "ok", "missing", "better", "note"}
CLOSING = "服务闭环"  # the closing question: asked once, at the end of a conversation
# Checker reasons → the score item that loses points for them.
CHECK_GROUPS = {
    "禁忌话术": ("推诿", "甩锅", "指责", "态度", "催促", "拒绝", "歧视", "违规", "敏感话题", "消极应急", "过度承诺"),
    "隐私": ("隐私",),
    "称呼与表情": ("称呼", "表情", "渠道"),
    "通俗用语": ("术语", "用语"),
}


@dataclass(frozen=True)
class Element:
    """One scored part of a reply (共情, 结论先行 …) and how it is recognised."""

    name: str
    detect: str = "cues"
    cues: tuple[Cue, ...] = ()
    with_: tuple[Cue, ...] = ()
    unless: tuple[str, ...] = ()
    section: str = ""
    slot: str = ""
    stage: str = ""
    tags: tuple[str, ...] = ()
    first: bool = False
    options: tuple[tuple[str, tuple[Cue, ...]], ...] = ()
    max_chars: int = 40
    ok_text: str = ""
    missing_text: str = ""
    partial_text: str = ""
    care: bool = False  # answers the customer's mood (共情, 致歉, 感谢), not the matter
    soft: bool = False  # form rather than substance (问候, 服务闭环)
    critical: bool = False  # missing it caps the total at the red line (a Chinese reply to an English customer)

    @property
    def substantive(self) -> bool:
        """True for an element that answers the matter (结论, 方案, 步骤 …): asking for one needs a real answer."""
        return not (self.care or self.soft or self.detect in ("short", "language", "repeat"))


@dataclass(frozen=True)
class Specific:
    """Something the customer said that the reply must acknowledge: `said` cues in the message, `ack` in the reply."""

    name: str
    said: tuple[Cue, ...]
    ack: tuple[Cue, ...]
    points: float = 10.0
    ok_text: str = ""
    missing_text: str = ""
    better: str = ""


@dataclass
class Scoring:
    """The rubric: elements, per-type weights, extras, the facts item, checker deductions, specifics."""

    elements: dict[str, Element]
    types: dict[str, dict[str, float]]
    extra: dict[str, dict[str, float]]
    facts: float = 15.0
    checks: dict[str, float] | None = None
    negations: tuple[str, ...] = ()
    greetings: tuple[Cue, ...] = ()
    red_line: int = 59
    specifics: tuple[Specific, ...] = ()
    commitments: tuple[Cue, ...] = ()  # the agent's own promises ("24小时内回复您"): not article facts
    internal_labels: tuple[str, ...] = ()  # technique names that never reach a customer (风险前置:)
    all_cues: tuple[Cue, ...] = field(default=(), repr=False)  # every phrase the rubric rewards


def _line(obj: Any, key: str | None = None, default: int = 1) -> int:
    if isinstance(obj, LineDict):
        return obj.line_of(key) if key else (obj.line or default)
    return default


def _cues(value: Any, line: int, where: str, report: ProblemCollector) -> tuple[Cue, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        value = [value]
    out = []
    for entry in value:
        if isinstance(entry, (str, int, float)) and not isinstance(entry, bool):
            phrase = squeeze(str(entry))
            if phrase:
                out.append(Cue(phrase=phrase))
            else:
                report.error(line, f"{where}: cue '{entry}' has no letters")
        elif isinstance(entry, dict) and isinstance(entry.get("pattern"), str):
            try:
                out.append(Cue(pattern=re.compile(entry["pattern"])))
            except re.error as exc:
                report.error(_line(entry, "pattern", line), f"{where}: bad pattern '{entry['pattern']}': {exc}")
        else:
            report.error(_line(entry, None, line), f"{where}: a cue is a phrase or {{pattern: regex}}")
    return tuple(out)


def parse_scoring(files: list[LibraryFile], problems: list[Problem], stages: set[str] | None = None) -> Scoring | None:
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
    elements: dict[str, Element] = {}
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
    specifics = _specifics(raw, report)
    commitments = _cues(raw.get("commitments"), raw.line_of("commitments"), "scoring.commitments", report)
    labels = tuple(str(x).strip() for x in (raw.get("internal_labels") or []) if isinstance(x, str) and x.strip())
    rewarded = [c for e in elements.values() for c in (*e.cues, *(c for _, cues in e.options for c in cues))]
    rewarded.extend(greetings)
    return Scoring(
        elements,
        types,
        extra,
        facts,
        checks or None,
        negations,
        greetings,
        red_line,
        specifics,
        commitments,
        labels,
        tuple(dict.fromkeys(c for c in rewarded if c.phrase)),
    )


def _specifics(raw: LineDict, report: ProblemCollector) -> tuple[Specific, ...]:
    block = raw.get("specifics") or {}
    if not isinstance(block, dict):
        report.error(raw.line_of("specifics"), "scoring.specifics must map a name to its said/ack cues")
        return ()
    out = []
    for name, spec in block.items():
        where = f"scoring.specifics.{name}"
        line = line_of(block, str(name))
        if not isinstance(spec, LineDict):
            report.error(line, f"{where}: must be a mapping (said: [...], ack: [...])")
            continue
        for key in spec:
            if key not in SPECIFIC_FIELDS:
                report.warning(
                    spec.line_of(key), f"{where}: unknown key '{key}' (known: {', '.join(sorted(SPECIFIC_FIELDS))})"
                )
        said = _cues(spec.get("said"), spec.line_of("said"), f"{where}.said", report)
        ack = _cues(spec.get("ack"), spec.line_of("ack"), f"{where}.ack", report)
        if not said or not ack:
            report.error(line, f"{where}: needs both 'said' (in the message) and 'ack' (in the reply) cues")
            continue
        texts = {}
        for key in ("ok", "missing", "better"):
            value = spec.get(key, "") or ""
            if not isinstance(value, str):
                report.error(spec.line_of(key), f"{where}: '{key}' must be text")
                value = ""
            texts[key] = value.strip()
        points = _number(spec.get("points", 10), spec.line_of("points"), f"{where}.points", report, 10.0)
        out.append(Specific(str(name), said, ack, points, texts["ok"], texts["missing"], texts["better"]))
    return tuple(out)


def _number(value: Any, line: int, where: str, report: ProblemCollector, default: float) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        report.error(line, f"{where}: must be a number >= 0")
        return default
    return float(value)


def _weights(
    value: Any, line: int, where: str, elements: dict[str, Element], report: ProblemCollector
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
) -> Element | None:
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
    options: list[tuple[str, tuple[Cue, ...]]] = []
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
    return Element(
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
        spec.get("care") is True,
        spec.get("soft") is True,
        spec.get("critical") is True,
    )


def load_scoring(content: Content) -> Scoring:
    """The content root's scoring section, else the bundled one."""
    scoring = parse_scoring(content.library_of("drills"), [])
    if scoring is None and not is_bundled(content):
        scoring = parse_scoring(bundled_content().library_of("drills"), [])
    return scoring if scoring is not None else Scoring({}, {}, {})
