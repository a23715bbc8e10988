"""Variant folding: homophones, internet spellings and abbreviations (木有, 不造, 块点, bzd) replaced by the
word they stand for, with a map back to the characters that were written.

The table is data (a `variants:` mapping in a rules file, see docs/authoring.md); this module only applies
it. Keys are matched leftmost-longest, so a longer `keep` word (不造成, 块点心) that contains a variant
shields it. Latin keys (bzd) only match as whole words. Input is folded and squeezed text.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import ahocorasick


def _latin(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


@dataclass
class VariantTable:
    """Variant → canonical spelling, plus words that are never variants; compiled into one automaton."""

    entries: dict[str, str] = field(default_factory=dict)
    keep: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        self._automaton: ahocorasick.Automaton | None = None
        keys = {**{k: k for k in self.keep}, **{k: v for k, v in self.entries.items() if k and k != v}}
        if keys:
            automaton = ahocorasick.Automaton()
            for key, value in keys.items():
                automaton.add_word(key, (len(key), value))
            automaton.make_automaton()
            self._automaton = automaton

    @classmethod
    def merged(cls, tables: Iterable[VariantTable]) -> VariantTable:
        """One table from several: later tables add entries and override earlier ones by variant."""
        entries: dict[str, str] = {}
        keep: set[str] = set()
        for table in tables:
            entries.update(table.entries)
            keep |= table.keep
        return cls(entries, frozenset(keep - set(entries)))

    @classmethod
    def from_mapping(cls, canonical_to_variants: Mapping[str, Iterable[str]], keep: Iterable[str] = ()) -> VariantTable:
        """A table from {canonical: [variants]} as the YAML writes it."""
        entries = {v: canonical for canonical, variants in canonical_to_variants.items() for v in variants}
        return cls(entries, frozenset(keep))

    def __bool__(self) -> bool:
        return self._automaton is not None

    def apply(self, text: str) -> tuple[str, list[int] | None]:
        """(`text` with every variant replaced, map from each output character to its input index);
        the map is None when nothing was replaced (the output is `text`)."""
        if self._automaton is None or not text:
            return text, None
        found: list[tuple[int, int, str]] = []
        for end, (length, value) in self._automaton.iter(text):
            start = end - length + 1
            key = text[start : end + 1]
            if key == value:
                found.append((start, end + 1, value))
                continue
            if _latin(key[0]) and start > 0 and _latin(text[start - 1]):
                continue
            if _latin(key[-1]) and end + 1 < len(text) and _latin(text[end + 1]):
                continue
            found.append((start, end + 1, value))
        if not found:
            return text, None
        found.sort(key=lambda f: (f[0], -f[1]))
        out: list[str] = []
        index: list[int] = []
        pos = 0
        changed = False
        for start, end, value in found:
            if start < pos:
                continue  # overlaps the previous, longer or earlier, replacement
            out.append(text[pos:start])
            index.extend(range(pos, start))
            out.append(value)
            width = end - start
            if text[start:end] != value:
                changed = True
            # Each output character points into the written variant; the last one at its last character,
            # so a span ending here ends where the agent's spelling ends.
            index.extend(min(start + (i * width) // len(value), end - 1) for i in range(len(value) - 1))
            index.append(end - 1)
            pos = end
        if not changed:
            return text, None
        out.append(text[pos:])
        index.extend(range(pos, len(text)))
        return "".join(out), index
