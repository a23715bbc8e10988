"""Pinyin of Chinese text: per-character readings, initials and the keys a title is found by (tkgz, tuikuan)."""

from __future__ import annotations

from functools import lru_cache

from app.core.text.chars import CJK_RUN, has_cjk
from app.core.text.fold import fold
from app.core.text.segment import sub_words, words


@lru_cache(maxsize=1)
def _pinyin_funcs():
    # pypinyin takes ~0.3 s to import: only pay for it when pinyin is actually needed.
    from pypinyin import Style, lazy_pinyin

    return lazy_pinyin, Style


def char_pinyin(text: str) -> list[str]:
    """Toneless pinyin per character of `text` (non-Chinese characters are dropped)."""
    return [syllable for run in CJK_RUN.findall(fold(text)) for syllable in _run_pinyin(run)]


@lru_cache(maxsize=100_000)
def _run_pinyin(run: str) -> tuple[str, ...]:
    # Words repeat endlessly across titles; pypinyin costs ~50 µs a call, a cache hit well under 1 µs.
    lazy_pinyin, style = _pinyin_funcs()
    syllables = lazy_pinyin(run, style=style.NORMAL, errors="ignore")
    return (
        tuple(syllables) if len(syllables) == len(run) else tuple(lazy_pinyin(ch, style=style.NORMAL)[0] for ch in run)
    )


@lru_cache(maxsize=1)
def _sound_table() -> dict[str, str]:
    # pypinyin's per-character table read as data: importing pypinyin itself takes ~0.35 s, this ~0.03 s,
    # which keeps a fresh process's first query fast. Readings are converted one character at a time.
    import importlib.util
    import json
    import os

    spec = importlib.util.find_spec("pypinyin")
    if spec is None or not spec.submodule_search_locations:
        return {}
    path = os.path.join(next(iter(spec.submodule_search_locations)), "pinyin_dict.json")
    try:
        with open(path, encoding="utf-8") as handle:
            raw = json.load(handle)
    except (OSError, ValueError):
        return {}
    return raw if isinstance(raw, dict) else {}


@lru_cache(maxsize=50_000)
def _sound(ch: str) -> str:
    import unicodedata

    readings = _sound_table().get(str(ord(ch)))
    if not readings:
        return ""
    first = unicodedata.normalize("NFD", readings.split(",")[0]).replace("u\u0308", "v")
    return "".join(c for c in first if not unicodedata.combining(c))


@lru_cache(maxsize=50_000)
def char_readings(ch: str) -> tuple[str, ...]:
    """Every toneless reading of one Chinese character, most common first (ü as v); () when unknown."""
    import unicodedata

    out: list[str] = []
    for reading in (_sound_table().get(str(ord(ch))) or "").split(","):
        plain = unicodedata.normalize("NFD", reading.strip()).replace("u\u0308", "v")
        plain = "".join(c for c in plain if not unicodedata.combining(c))
        if plain and plain not in out:
            out.append(plain)
    return tuple(out)


def char_sounds(text: str) -> list[str]:
    """The most common reading of each Chinese character, toneless (ü as v): how a typo sounds, fast."""
    return [sound for run in CJK_RUN.findall(fold(text)) for ch in run if (sound := _sound(ch))]


def pinyin_keys(text: str) -> list[str]:
    """Pinyin keys of a title, similar question or shortcut: per word full pinyin and initials, and the whole.

    退款规则 → tuikuan, tk, guize, gz, tuikuanguize, tkgz — so `tkgz`, `tuikuan` and a same-sound typo
    (发漂 → fapiao) all meet the text. Two or three neighbouring words are keyed together as well, so
    `tkgz` also finds 退款规则 in the middle of a longer title (七天无理由退款规则说明).
    """
    keys: list[str] = []
    whole_full: list[str] = []
    whole_init: list[str] = []
    for word, _, _ in words(text):
        if not has_cjk(word):
            if word.isascii() and word.isalnum():
                keys.append(word)
            continue
        syllables = char_pinyin(word)
        if not syllables:
            continue
        full = "".join(syllables)
        init = "".join(s[0] for s in syllables)
        keys.append(full)
        sounds = "".join(char_sounds(word))
        if sounds and sounds != full:
            keys.append(sounds)  # what the query side's char_sounds gives for a same-sound typo
        if len(init) > 1:
            keys.append(init)
        for part in sub_words(word):  # a domain word 运费险 also answers to yunfei
            keys.append("".join(char_pinyin(part)))
        whole_full.append(full)
        whole_init.append(init)
    for size in (2, 3):
        if len(whole_full) > size:  # (the whole title is keyed below)
            for i in range(len(whole_full) - size + 1):
                keys.append("".join(whole_init[i : i + size]))
                if size == 2:
                    keys.append("".join(whole_full[i : i + size]))
    if len(whole_full) > 1:
        keys.append("".join(whole_full)[:60])
        keys.append("".join(whole_init)[:30])
    return keys
