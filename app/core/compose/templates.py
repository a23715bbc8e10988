"""Reply templates (`kind: templates`): per problem type, the ordered slots a reply is built from.

A slot lists its sources in order of preference: a section of the chosen article (`article:结论`),
scripts of one stage (`script:共情`), or the slot's own fallback text (`text`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from app.core.content.model import ERROR, WARNING, Content, LibraryFile, Problem
from app.core.content.placeholders import check_placeholders
from app.core.fileio.yamlsafe import line_of
from app.core.vocab import ARTICLE_TYPES, SECTION_NAMES, STAGES

_SLOT_KEYS = {"slot", "from", "tags", "require_tags", "topical", "answer", "text", "variants", "auto_channels"}
_TOP_KEYS = {"kind", "opening", "closing", "types"}


@dataclass(frozen=True)
class Source:
    """Where a slot's text may come from: kind 'article' (arg = section), 'script' (arg = stage) or 'text'."""

    kind: str
    arg: str = ""

    def __str__(self) -> str:
        return f"{self.kind}:{self.arg}" if self.arg else self.kind


@dataclass(frozen=True)
class SlotSpec:
    """One slot of a template."""

    name: str
    sources: tuple[Source, ...]
    tags: tuple[str, ...] = ()
    require_tags: bool = False
    topical: bool = False
    answer: bool = False  # the slot that states the answer: {待确认} when the knowledge base has none
    text: str = ""
    variants: dict[str, str] = field(default_factory=dict, hash=False, compare=False)
    auto_channels: tuple[str, ...] = ()
    path: str = ""
    line: int = 1


@dataclass
class TemplateSet:
    """All templates: the slots per type plus the optional opening and closing slots."""

    types: dict[str, list[SlotSpec]] = field(default_factory=dict)
    opening: SlotSpec | None = None
    closing: SlotSpec | None = None


def parse_templates(files: list[LibraryFile], stages: set[str] | None = None) -> tuple[TemplateSet, list[Problem]]:
    """Parse `kind: templates` files (later files override earlier ones per type); problems carry file:line."""
    known_stages = set(STAGES) | (stages or set())
    result = TemplateSet()
    problems: list[Problem] = []
    for lib in files:
        _parse_one(lib, result, problems, known_stages)
    return result, problems


def _parse_one(lib: LibraryFile, result: TemplateSet, problems: list[Problem], stages: set[str]) -> None:
    data = lib.data

    def error(line: int, message: str) -> None:
        problems.append(Problem(lib.path, max(1, line), ERROR, message))

    def warning(line: int, message: str) -> None:
        problems.append(Problem(lib.path, max(1, line), WARNING, message))

    for key in data:
        if key not in _TOP_KEYS:
            warning(
                data.line_of(key), f"unknown key '{key}' in a templates file (known: {', '.join(sorted(_TOP_KEYS))})"
            )
    for key in ("opening", "closing"):
        if key in data:
            spec = _slot(data[key], data.line_of(key), lib.path, error, warning, stages)
            if spec is not None:
                setattr(result, key, spec)
    types = data.get("types", {})
    if not isinstance(types, dict):
        error(data.line_of("types"), "types must map a problem type (咨询/投诉/建议/故障) to a list of slots")
        return
    for type_name, slots in types.items():
        line = line_of(types, type_name)
        if type_name not in ARTICLE_TYPES:
            error(line, f"unknown type '{type_name}' (known: {', '.join(ARTICLE_TYPES)})")
            continue
        if not isinstance(slots, list) or not slots:
            error(line, f"template '{type_name}' must be a non-empty list of slots (- slot: …)")
            continue
        specs = [s for s in (_slot(item, line, lib.path, error, warning, stages) for item in slots) if s is not None]
        names = [s.name for s in specs]
        for name in {n for n in names if names.count(n) > 1}:
            error(line, f"template '{type_name}' has slot '{name}' more than once")
        if specs:
            result.types[type_name] = specs


def _slot(item: Any, parent_line: int, path: str, error: Any, warning: Any, stages: set[str]) -> SlotSpec | None:
    if not isinstance(item, dict):
        error(parent_line, "a slot must be a mapping with 'slot:' and 'from:'")
        return None
    line = getattr(item, "line", parent_line) or parent_line
    for key in item:
        if key not in _SLOT_KEYS:
            warning(line_of(item, key), f"unknown slot key '{key}' (known: {', '.join(sorted(_SLOT_KEYS))})")
    name = item.get("slot")
    if not isinstance(name, str) or not name.strip():
        error(line, "slot needs a name: slot: 结论")
        return None
    raw_sources = item.get("from", ["text"] if "text" in item else None)
    if not isinstance(raw_sources, list) or not raw_sources:
        error(line_of(item, "from"), f"slot '{name}': from must be a list such as [article:结论, script:说明]")
        return None
    sources: list[Source] = []
    for raw in raw_sources:
        source = _source(str(raw), name, line_of(item, "from"), error, warning, stages)
        if source is not None:
            sources.append(source)
    text = item.get("text", "")
    if not isinstance(text, str):
        error(line_of(item, "text"), f"slot '{name}': text must be a string")
        text = ""
    for problem in check_placeholders(text):
        error(line_of(item, "text"), f"slot '{name}': {problem.message}")
    if any(s.kind == "text" for s in sources) and not text.strip():
        error(line_of(item, "from"), f"slot '{name}' lists 'text' as a source but has no text:")
    variants = item.get("variants", {}) or {}
    if not isinstance(variants, dict) or not all(isinstance(v, str) for v in variants.values()):
        error(line_of(item, "variants"), f"slot '{name}': variants must map a language to a text, e.g. en: \"…\"")
        variants = {}
    tags = _str_list(item, "tags", name, error)
    channels = _str_list(item, "auto_channels", name, error)
    for flag in ("require_tags", "topical", "answer"):
        if flag in item and not isinstance(item[flag], bool):
            error(line_of(item, flag), f"slot '{name}': {flag} must be true or false")
    if item.get("require_tags") is True and not tags:
        error(line_of(item, "require_tags"), f"slot '{name}': require_tags needs tags: [..]")
    if not sources:
        return None
    return SlotSpec(
        name=name.strip(),
        sources=tuple(sources),
        tags=tuple(tags),
        require_tags=item.get("require_tags") is True,
        topical=item.get("topical") is True,
        answer=item.get("answer") is True,
        text=text.strip(),
        variants={str(k): v for k, v in variants.items()},
        auto_channels=tuple(channels),
        path=path,
        line=line,
    )


def _source(raw: str, slot: str, line: int, error: Any, warning: Any, stages: set[str]) -> Source | None:
    raw = raw.strip()
    if raw == "text":
        return Source("text")
    kind, _, arg = raw.partition(":")
    kind, arg = kind.strip(), arg.strip()
    if kind not in ("article", "script") or not arg:
        error(line, f"slot '{slot}': unknown source '{raw}' (use article:<小节>, script:<阶段> or text)")
        return None
    if kind == "article" and arg not in SECTION_NAMES:
        warning(
            line,
            f"slot '{slot}': article section '{arg}' is not one of {', '.join(SECTION_NAMES)}: "
            "only articles with that heading will fill it",
        )
    if kind == "script" and arg not in stages:
        error(line, f"slot '{slot}': unknown script stage '{arg}' (known: {', '.join(sorted(stages))})")
        return None
    return Source(kind, arg)


def _str_list(item: Any, key: str, slot: str, error: Any) -> list[str]:
    value = item.get(key, [])
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        error(line_of(item, key), f"slot '{slot}': {key} must be a list of words")
        return []
    return value


def load_templates(content: Content, fallback: Content | None = None) -> tuple[TemplateSet, list[Problem]]:
    """The content root's templates; types (and opening/closing) it lacks come from the fallback (bundled)."""
    stages = {s.stage for s in content.scripts if s.stage}
    own, problems = parse_templates(content.library_of("templates"), stages)
    if fallback is None or fallback is content:
        return own, problems
    base, _ = parse_templates(fallback.library_of("templates"), {s.stage for s in fallback.scripts if s.stage})
    merged = TemplateSet(
        types={**base.types, **own.types}, opening=own.opening or base.opening, closing=own.closing or base.closing
    )
    return merged, problems
