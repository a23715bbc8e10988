"""Chinese word segmentation (rjieba) with offsets, domain words, and the filler words queries drop.

Segmentation is rjieba (jieba-rs): the same dictionary and algorithm as jieba, but it loads in about
a quarter of the time and segments about twenty times faster, which decides both the first-query
time of a fresh process and the full-build time (see docs for the measurements).

All text is folded first (繁→简, full-width→half-width, lower case) with `app.core.text.fold`, on the
index side and the query side alike, so 退貨 and 退货 are the same term.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable

from app.core.text.chars import has_cjk
from app.core.text.fold import fold

_lock = threading.Lock()
_segmenter = None
_added: set[str] = set()

# Words that carry no meaning in a customer's question; dropped from queries (never from the index).
FILLER = frozenset(
    """
我想问一下 想问一下 问一下 我想问 请问一下 请问 想问 你好 您好 在吗 在不在 谢谢 麻烦 麻烦你 帮我 帮忙 一下 下
我 我们 我的 我要 我想 我想要 你 你们 您 的 了 吗 呢 啊 吧 呀 哦 哈 嗯 哎 啦 嘛 么 哟 诶 喔 咯
是 是不是 有没有 能不能 可不可以 可以 可以吗 要 想 就 都 还 也 又 在 和 与 及 或 把 被 给 让 这 那 这个 那个 这样 那样
怎么 怎么样 怎样 如何 咋 咋办 怎么办 怎么回事 什么 啥 为什么 为啥 什么样 一个 个 请 问 问题
""".split()
)

# English function words: a foreign customer's pasted question keeps only its content words (refund, invoice …),
# which synonyms.yaml can bridge to the Chinese content; left in, "how" or "long" would meet pinyin keys.
FILLER_EN = frozenset(
    """
a an the i me my we our you your he she it its they them this that these those is are was were be been being
am do does did doing have has had can could would should will shall may might must to of in on at for from by
with about as into over after before up down out off again please pls hi hello dear thanks thank sir madam
how what when where why which who whom whose there here not no yes if or and but so than too very just
get got want wanted need needed tell know let any some much many long take takes took
""".split()
)

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
            if len(word) < 2 or len(word) > 12 or word in _added or not has_cjk(word):
                continue
            _added.add(word)
            # suggest_freq gives the frequency that keeps the word joined in its own context.
            seg.add_word(word, max(seg.suggest_freq(word), 5), None)
            count += 1
    return count


def is_domain_word(word: str) -> bool:
    """True for a word taught with `add_words` in this process (by this content root or any other one).

    The segmenter is process-wide, so a domain word of one root also joins the same characters of
    another root's text ("申请退款"): the index side adds the sub-words of such a word (申请, 退款) in every
    field, so what a user word swallows is still found, whichever roots this process opened before.
    """
    return word in _added


def vocabulary_generation() -> int:
    """How many domain words the segmenter has been taught: a cache of segmented text keys on it."""
    return len(_added)


def _is_word(token: str) -> bool:
    """A token worth indexing: has a letter, digit or ideograph (not pure punctuation or space)."""
    return token.isalnum() or any(ch.isalnum() for ch in token)


def words(text: str, folded: bool = False) -> list[tuple[str, int, int]]:
    """Folded text cut into non-overlapping words (word, start, end), punctuation and spaces dropped."""
    source = text if folded else fold(text)
    return [(w, s, e) for (w, s, e) in segmenter().tokenize(source) if _is_word(w)]


def sub_words(word: str) -> list[str]:
    """Dictionary words inside a long word (以旧换新 → 换新), as jieba's search mode finds them."""
    if len(word) <= 2 or not has_cjk(word):
        return []
    seg = segmenter()
    found = []
    for size in (2, 3):
        for i in range(len(word) - size + 1):
            part = word[i : i + size]
            if part != word and seg.has_word(part):
                found.append(part)
    return found
