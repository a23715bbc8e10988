"""The words a message, an article or a script is about: folded, two or more characters, filler left out.

Words, not character bigrams: 还没到 (a parcel) and 没到账 (a refund) share the bigram 没到 but no word,
so a refund script is not taken for a late parcel.
"""

from __future__ import annotations

from functools import lru_cache

from app.core.content.model import Script
from app.core.content.placeholders import PLACEHOLDER_RE
from app.core.text.fold import fold
from app.core.text.segment import FILLER

# Words every complaint or reply contains: they say nothing about what the message is about.
TOPIC_STOP = frozenset(
    {
        "咨询",
        "投诉",
        "建议",
        "故障",
        "客户",
        "处理",
        "问题",
        "您的",
        "我们",
        "怎么",
        "什么",
        "希望",
        "可以",
        "一下",
        "这个",
        "那个",
        "谢谢",
        "感谢",
        "您好",
        "请问",
        "没有",
        "已经",
        "还是",
        "不是",
        "就是",
        "为什",
        "一直",
        "时候",
    }
)


@lru_cache(maxsize=4096)
def folded_word(word: str) -> str:
    """`fold(word)`, remembered: tags and titles are folded again and again."""
    return fold(word)


@lru_cache(maxsize=4096)
def topic_words(text: str) -> frozenset[str]:
    """Folded words of two or more characters, filler and reply boilerplate left out."""
    from app.core.text.segment import words

    text = PLACEHOLDER_RE.sub(" ", text)
    return frozenset(w for w, _, _ in words(text) if len(w) > 1 and w not in FILLER and w not in TOPIC_STOP)


def script_words(script: Script) -> frozenset[str]:
    """What a script is about: the words of its title, text and tags."""
    return topic_words(" ".join([script.title, script.text, *script.tags]))
