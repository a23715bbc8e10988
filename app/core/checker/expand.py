"""What one rule phrase also matches: 你 or 您, an optional 一 in X一点 / X一下, any sentence-final particle,
and (as a warning) its pinyin and initials — so a rule is written once and its spellings come free.

Regexes get the same 你/您 treatment by rewriting the pattern (`person_regex`); the homophone table
(text/variants) is folded into the text instead, so phrases and regexes both see 不知道 where 不造 was typed.
"""

from __future__ import annotations

import itertools

from app.core.text.chars import is_cjk
from app.core.text.pinyin import char_readings

# Sentence-final particles: a phrase written with one (等着吧) matches any or none at the end of a clause.
# 吗 is not one of them: it turns a statement into a question.
PARTICLES = frozenset("吧啊呢呀嘛哦啦咯呗哈噢喔嘞哟哩嗷呐哇")
PERSON = ("你", "您")
_MAX_KEYS = 24  # spellings generated per phrase (the automaton stays small)
_PINYIN_PARTICLES = ("ba", "a", "ne", "la", "ya", "ma", "o", "ha", "ou", "lo", "na")


def phrase_keys(phrase: str, person: bool = True) -> list[tuple[str, bool]]:
    """(key, must end a sentence) for every spelling of a squeezed phrase. A phrase written with a final
    particle (等着吧) is kept as written, and also without the particle where a sentence ends (等着呗。)."""
    stripped = phrase.rstrip("".join(PARTICLES))
    if stripped != phrase and len(stripped) >= 2:
        return _spellings(phrase, person, False) + _spellings(stripped, person, True)
    return _spellings(phrase, person, False)


def _spellings(base: str, person: bool, at_end: bool) -> list[tuple[str, bool]]:
    options: list[tuple[str, ...]] = []
    for i, ch in enumerate(base):
        if person and ch in PERSON:
            options.append(PERSON)
        elif ch in "点下" and i > 0 and base[i - 1] != "一" and is_cjk(base[i - 1]):
            options.append((ch, "一" + ch))  # 快点 → 快一点
        elif ch == "一" and base[i + 1 : i + 2] in ("点", "下") and i > 0:
            options.append(("一", ""))  # 快一点 → 快点
        else:
            options.append((ch,))
    keys: list[tuple[str, bool]] = [(base, at_end)]
    for combo in itertools.islice(itertools.product(*options), _MAX_KEYS):
        key = "".join(combo)
        if key and (key, at_end) not in keys:
            keys.append((key, at_end))
    return keys


def person_regex(pattern: str) -> str:
    """`pattern` with every literal 你 or 您 standing for either (in a class, both are added)."""
    if "你" not in pattern and "您" not in pattern:
        return pattern
    out: list[str] = []
    in_class = False
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\" and i + 1 < len(pattern):
            out.append(pattern[i : i + 2])
            i += 2
            continue
        if in_class:
            if ch == "]" and not (out and out[-1] in ("[", "[^")):
                in_class = False
                out.append(ch)
            elif ch in PERSON:
                out.append("你您")
            else:
                out.append(ch)
        elif ch == "[":
            in_class = True
            if pattern[i + 1 : i + 2] == "^":
                out.append("[^")
                i += 2
                continue
            out.append("[")
        elif ch in PERSON:
            out.append("[你您]")
        else:
            out.append(ch)
        i += 1
    return "".join(out)


def pinyin_keys(phrase: str) -> list[str]:
    """Pinyin spellings of an all-Chinese phrase an agent may type to dodge the rule: the whole syllables
    (wobuzhidao, from 3 characters) and the initials (wbzd, from 4 characters); [] for shorter phrases."""
    base = phrase.rstrip("".join(PARTICLES)) or phrase
    if len(base) < 3 or not all(is_cjk(ch) for ch in base):
        return []
    readings = [char_readings(ch)[:1] for ch in base]  # the common reading: 不 is bu, not fou
    if not all(readings):
        return []
    syllables = [r[0] for r in readings]
    full = "".join(syllables)
    keys = [full] if len(full) >= 6 else []
    if len(base) >= 4:
        keys.append("".join(s[0] for s in syllables))
    return keys


def pinyin_particle_end(text: str, end: int) -> int:
    """Where a pinyin match ending at `end` really ends: past one trailing particle syllable (ba, a, ne …)
    when a non-letter follows it; otherwise `end` itself."""
    for syllable in _PINYIN_PARTICLES:
        stop = end + len(syllable)
        if text.startswith(syllable, end) and (stop == len(text) or not _latin(text[stop])):
            return stop
    for letter in "banlymoh":
        if text.startswith(letter, end) and (end + 1 == len(text) or not _latin(text[end + 1])):
            return end + 1
    return end


def _latin(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()
