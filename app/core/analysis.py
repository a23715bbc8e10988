"""Chinese text analysis for search: segmentation with positions, character bigrams, pinyin keys.

Segmentation is rjieba (jieba-rs): the same dictionary and algorithm as jieba, but it loads in about
a quarter of the time and segments about twenty times faster, which decides both the first-query
time of a fresh process and the full-build time (see docs for the measurements).

All text is folded first (繁→简, full-width→half-width, lower case) with `app.core.text.fold`, on the
index side and the query side alike, so 退貨 and 退货 are the same term.
"""

from __future__ import annotations

import re
import threading
from functools import lru_cache
from typing import Iterable, Iterator

from whoosh.analysis import Token, Tokenizer

from app.core.text import fold

_lock = threading.Lock()
_segmenter = None
_added: set[str] = set()

# Words that carry no meaning in a customer's question; dropped from queries (never from the index).
FILLER = frozenset("""
我想问一下 想问一下 问一下 我想问 请问一下 请问 想问 你好 您好 在吗 在不在 谢谢 麻烦 麻烦你 帮我 帮忙 一下 下
我 我们 我的 我要 我想 我想要 你 你们 您 的 了 吗 呢 啊 吧 呀 哦 哈 嗯 哎 啦 嘛 么 哟 诶 喔 咯
是 是不是 有没有 能不能 可不可以 可以 可以吗 要 想 就 都 还 也 又 在 和 与 及 或 把 被 给 让 这 那 这个 那个 这样 那样
怎么 怎么样 怎样 如何 咋 咋办 怎么办 怎么回事 什么 啥 为什么 为啥 什么样 一个 个 请 问 问题
""".split())

# English function words: a foreign customer's pasted question keeps only its content words (refund, invoice …),
# which synonyms.yaml can bridge to the Chinese content; left in, "how" or "long" would meet pinyin keys.
FILLER_EN = frozenset("""
a an the i me my we our you your he she it its they them this that these those is are was were be been being
am do does did doing have has had can could would should will shall may might must to of in on at for from by
with about as into over after before up down out off again please pls hi hello dear thanks thank sir madam
how what when where why which who whom whose there here not no yes if or and but so than too very just
get got want wanted need needed tell know let any some much many long take takes took
""".split())

# Question words that may carry intent ("多久", "几天"); kept but weighed lightly.
LIGHT = frozenset("多久 多少 几天 哪里 哪儿 哪个 什么时候 为什么 怎么 如何 能 会 没有 不 没".split())


def segmenter():
    """The process-wide rjieba segmenter, created on first use (importing rjieba loads its dictionary, ~0.2 s)."""
    global _segmenter
    if _segmenter is None:
        with _lock:
            if _segmenter is None:
                import rjieba

                # Importing rjieba already builds its default segmenter (the costly dictionary load);
                # its module functions use that one, so a second Jieba() would pay the load twice.
                _segmenter = rjieba
    return _segmenter


def add_words(words: Iterable[str]) -> int:
    """Teach the segmenter domain words (运费险, 价保 …) so they stay whole; returns how many were new."""
    seg = segmenter()
    count = 0
    with _lock:
        for word in words:
            word = fold(word.strip())
            if len(word) < 2 or len(word) > 12 or word in _added or not _has_cjk(word):
                continue
            _added.add(word)
            # suggest_freq gives the frequency that keeps the word joined in its own context.
            seg.add_word(word, max(seg.suggest_freq(word), 5), None)
            count += 1
    return count


def _has_cjk(text: str) -> bool:
    return any(is_cjk(ch) for ch in text)


def is_cjk(ch: str) -> bool:
    """True for a CJK unified ideograph (the characters that segmentation and bigrams apply to)."""
    code = ord(ch)
    return 0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF or 0x20000 <= code <= 0x2A6DF or 0xF900 <= code <= 0xFAFF


def _is_word(token: str) -> bool:
    """A token worth indexing: has a letter, digit or ideograph (not pure punctuation or space)."""
    return token.isalnum() or any(ch.isalnum() for ch in token)


def words(text: str, folded: bool = False) -> list[tuple[str, int, int]]:
    """Folded text cut into non-overlapping words (word, start, end), punctuation and spaces dropped."""
    folded = text if folded else fold(text)
    return [(w, s, e) for (w, s, e) in segmenter().tokenize(folded) if _is_word(w)]


def sub_words(word: str) -> list[str]:
    """Dictionary words inside a long word (以旧换新 → 换新), as jieba's search mode finds them."""
    if len(word) <= 2 or not _has_cjk(word):
        return []
    seg = segmenter()
    found = []
    for size in (2, 3):
        for i in range(len(word) - size + 1):
            part = word[i:i + size]
            if part != word and seg.has_word(part):
                found.append(part)
    return found


_CJK_RUN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002a6df]+")
_LATIN_RUN = re.compile(r"[^\W\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002a6df_]+")


def bigrams(text: str, folded: bool = False) -> list[str]:
    """Overlapping character bigrams of each CJK run (a single character stays a unigram); Latin words whole."""
    text = text if folded else fold(text)
    grams: list[str] = []
    for match in _CJK_RUN.finditer(text):
        run = match.group()
        if len(run) == 1:
            grams.append(run)
        else:
            grams.extend(run[i:i + 2] for i in range(len(run) - 1))
    grams.extend(_LATIN_RUN.findall(text))
    return grams


class ChineseTokenizer(Tokenizer):
    """Whoosh tokenizer: words at consecutive positions, their sub-words at the same position.

    Sharing the position is what makes a quoted phrase work: jieba's own ChineseAnalyzer gives every
    search-mode piece a new position, so "以旧换新" becomes 以旧换新 plus 换新 one position later and
    the phrase query never lines up.
    """

    def __init__(self, subwords: bool = True, singles: bool = True):
        self.subwords = subwords  # also emit 换新 inside 以旧换新 (titles: yes; long bodies: too costly)
        self.singles = singles    # also emit one-character words (的, 险 …)

    def __eq__(self, other: object) -> bool:
        return (type(other) is type(self) and self.subwords == other.subwords  # type: ignore[attr-defined]
                and self.singles == other.singles)  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return hash((type(self).__name__, self.subwords, self.singles))

    def __call__(self, value: str, positions: bool = False, chars: bool = False, keeporiginal: bool = False,
                 removestops: bool = True, start_pos: int = 0, start_char: int = 0, tokenize: bool = True,
                 mode: str = "", **kwargs: object) -> Iterator[Token]:
        """Yield tokens of `value` (whoosh's tokenizer protocol)."""
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        subwords = self.subwords and mode != "query"
        if not tokenize:
            token.original = token.text = value
            token.boost = 1.0
            if positions:
                token.pos = start_pos
            if chars:
                token.startchar, token.endchar = start_char, start_char + len(value)
            yield token
            return
        pos = start_pos
        for word, start, end in words(value):
            if len(word) == 1 and not self.singles:
                pos += 1
                continue
            for text in [word, *(sub_words(word) if subwords else ())]:
                token.text = text
                token.boost = 1.0
                token.stopped = False
                if keeporiginal:
                    token.original = text
                if positions:
                    token.pos = pos
                if chars:
                    token.startchar, token.endchar = start_char + start, start_char + end
                yield token
            pos += 1


class BigramTokenizer(Tokenizer):
    """Whoosh tokenizer for the character n-gram fallback field."""

    def __call__(self, value: str, positions: bool = False, chars: bool = False, keeporiginal: bool = False,
                 removestops: bool = True, start_pos: int = 0, start_char: int = 0, tokenize: bool = True,
                 mode: str = "", **kwargs: object) -> Iterator[Token]:
        """Yield bigram tokens of `value` (whoosh's tokenizer protocol)."""
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for i, gram in enumerate(bigrams(value) if tokenize else [value]):
            token.text = gram
            token.boost = 1.0
            token.stopped = False
            if keeporiginal:
                token.original = gram
            if positions:
                token.pos = start_pos + i
            if chars:
                token.startchar = token.endchar = start_char
            yield token


def unigrams(text: str, folded: bool = False) -> list[str]:
    """The CJK characters of `text`, folded (the re-ranker's character evidence)."""
    return [ch for run in _CJK_RUN.findall(text if folded else fold(text)) for ch in run]


@lru_cache(maxsize=1)
def _pinyin_funcs():
    # pypinyin takes ~0.3 s to import: only pay for it when pinyin is actually needed.
    from pypinyin import Style, lazy_pinyin

    return lazy_pinyin, Style


def char_pinyin(text: str) -> list[str]:
    """Toneless pinyin per character of `text` (non-Chinese characters are dropped)."""
    return [syllable for run in _CJK_RUN.findall(fold(text)) for syllable in _run_pinyin(run)]


@lru_cache(maxsize=100_000)
def _run_pinyin(run: str) -> tuple[str, ...]:
    # Words repeat endlessly across titles; pypinyin costs ~50 µs a call, a cache hit well under 1 µs.
    lazy_pinyin, style = _pinyin_funcs()
    syllables = lazy_pinyin(run, style=style.NORMAL, errors="ignore")
    return tuple(syllables) if len(syllables) == len(run) else tuple(lazy_pinyin(ch, style=style.NORMAL)[0]
                                                                      for ch in run)


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
    path = os.path.join(list(spec.submodule_search_locations)[0], "pinyin_dict.json")
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


def char_sounds(text: str) -> list[str]:
    """The most common reading of each Chinese character, toneless (ü as v): how a typo sounds, fast."""
    return [sound for run in _CJK_RUN.findall(fold(text)) for ch in run if (sound := _sound(ch))]


def pinyin_keys(text: str) -> list[str]:
    """Pinyin keys of a title, similar question or shortcut: per word full pinyin and initials, and the whole.

    退款规则 → tuikuan, tk, guize, gz, tuikuanguize, tkgz — so `tkgz`, `tuikuan` and a same-sound typo
    (发漂 → fapiao) all meet the text.
    """
    keys: list[str] = []
    whole_full: list[str] = []
    whole_init: list[str] = []
    for word, _, _ in words(text):
        if not _has_cjk(word):
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
    if len(whole_full) > 1:
        keys.append("".join(whole_full)[:60])
        keys.append("".join(whole_init)[:30])
    return keys
