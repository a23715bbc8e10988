"""Reply text adapted to the audience and channel: plain text from Markdown, agent-only notes removed,
no familiar address for foreign customers, short sentences for the elderly, spoken style for the phone.
"""

from __future__ import annotations

import re

from app.core.text.chars import is_mostly_latin
from app.core.text.sentences import SENTENCE_END, split_sentences
from app.core.vocab import AGENT_LABELS, ELDERLY, FOREIGN, HEARING, METHOD_LABELS, ONLINE, PHONE

# Full-width forms are written as escapes so no editor or tool can silently turn them into ASCII.
_FW = {"comma": "\uff0c", "semi": "\uff1b", "colon": "\uff1a"}
_COMMAS = ",;" + _FW["comma"] + _FW["semi"]
_PAUSES = _COMMAS + ":" + _FW["colon"] + "\u3001"
TRAILING_PAUSES = _PAUSES
# A numbered step ("1. ", "2、", "(3)") at the start of a line.
_STEP = re.compile(r"^\s*(?:\d{1,2}\s*[.\u3001\uff0e)\uff09]|[(\uff08]\d{1,2}[)\uff09])\s*")
_BULLET = re.compile(r"^\s*[-*+·•]\s+")
_HEADING = re.compile(r"^\s*#{1,6}\s+")
# Emphasis marks around words (**注意**, __重要__, `代码`). A run of asterisks between digits is a masked
# number (138****5678), never emphasis: it must reach the customer as it is written.
_EMPHASIS = re.compile(r"(\*\*|__|\*|_|`)(?=[^\s*_`])([^*_`\n]*?[^\s*_`])\1")
_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
# A sentence that speaks about the customer in the third person is a note for the agent, not for the customer.
_AGENT_NOTE = re.compile(r"客户(?!服务)|坐席|工单|工作台")
# 亲/宝 used as a form of address: at the start of a sentence or line, followed by punctuation or a space.
_PUNCT = "\u3002!?,~:\uff01\uff1f\uff0c\uff5e\uff1a"
_FAMILIAR = re.compile(
    r"(?:(?<=^)|(?<=[\s"
    + _PUNCT
    + r"]))\s*(?:亲爱的|亲亲|亲|宝宝|宝子|宝贝|宝)(?=[\s"
    + _PUNCT
    + r"]|$)[\s"
    + _PUNCT.replace("\u3002", "")
    + r"]*",
    re.MULTILINE,
)
# A line that starts with a short label and a colon: 风险前置：…, 核实要点:…
_LABEL = re.compile(r"^\s*(?:[-*+·•]\s*)?([\u4e00-\u9fff]{2,6})[:\uff1a]\s*")
# Instructions to contact customer service, by the channel the customer already uses.
_SAME_CHANNEL = {
    ONLINE: re.compile(r"【联系客服】|(?:联系|咨询|找|转接)(?:在线|人工)?客服|在线客服|人工客服"),
    PHONE: re.compile(r"(?:拨打|致电|打)[^。!?\uff01\uff1f]{0,8}(?:客服)?(?:电话|热线)|电话联系客服"),
}
_EMOJI_TOKEN = re.compile(r"\[[\u4e00-\u9fff]{1,4}\]")
_MENU_PATH = re.compile(r"【([^【】]+)】")
_OPENING_APOLOGY = re.compile(r"^(?:非常|十分|很|实在)?(?:抱歉|不好意思)[,\uff0c]\s*")
_CN_NUMBERS = "一二三四五六七八九十"
_EN_ORDINALS = ("First", "Second", "Third", "Fourth", "Fifth", "Sixth", "Seventh", "Eighth", "Ninth", "Tenth")


def plain_text(markdown: str) -> str:
    """Markdown of an article section as plain chat text: no heading marks, bullets or emphasis."""
    lines = []
    for line in markdown.split("\n"):
        line = _HEADING.sub("", line)
        line = _BULLET.sub("", line)
        line = _LINK.sub(r"\1", _EMPHASIS.sub(r"\2", line))
        if line.strip():
            lines.append(line.rstrip())
    return "\n".join(lines).strip()


def strip_labels(line: str) -> str | None:
    """A line without the internal label that starts it: None when the label marks a note for the agent
    (核实要点: …), the rest of the line when the label only names the method (风险前置: …)."""
    match = _LABEL.match(line)
    if not match:
        return line
    label = match.group(1)
    if label in AGENT_LABELS:
        return None
    if label in METHOD_LABELS:
        return line[match.end() :].lstrip()
    return line


def fits_channel(sentence: str, channel: str | None) -> bool:
    """False for an instruction to reach the channel the customer is already on (点击【联系客服】 in a chat)."""
    pattern = _SAME_CHANNEL.get(channel or "")
    return pattern is None or not pattern.search(sentence)


def customer_facing(text: str, channel: str | None = None) -> tuple[str, float]:
    """(text without sentences addressed to the agent, internal labels or instructions that do not fit the
    channel, share of characters kept); numbered steps renumbered."""
    kept: list[str] = []
    total = max(1, len(text.strip()))
    for raw in text.split("\n"):
        line = strip_labels(raw)
        if line is None:
            continue
        pieces = [p for p in split_sentences(line) if not _AGENT_NOTE.search(p) and fits_channel(p, channel)]
        joined = "".join(pieces).strip()
        if joined and not _STEP.fullmatch(joined):
            kept.append(joined)
    numbered = [i for i, line in enumerate(kept) if _STEP.match(line)]
    for n, i in enumerate(numbered, start=1):
        kept[i] = _STEP.sub(f"{n}. ", kept[i], count=1)
    result = "\n".join(kept)
    return result, len(result) / total


def for_audience(text: str, audience: str, channel: str) -> str:
    """Audience and channel rules applied to one text: no 亲 for foreign customers, spoken style on the
    phone, short sentences for the elderly and the hearing-impaired."""
    if audience == FOREIGN:
        text = strip_familiar(text)
    if channel == PHONE:
        text = spoken(text)
    if audience in (ELDERLY, HEARING):
        text = shorten_sentences(text)
    return text.strip()


def strip_familiar(text: str) -> str:
    """Remove 亲/宝-style address (never used with foreign customers); 支付宝, 亲自 are left alone."""
    return _FAMILIAR.sub("", text)


def shorten_sentences(text: str, max_len: int = 20) -> str:
    """Break long sentences at commas into short ones, for elderly or hearing-impaired customers."""
    out: list[str] = []
    for sentence in split_sentences(text):
        if len(sentence) <= max_len:
            out.append(sentence)
            continue
        pieces = re.split("(?<=[" + _COMMAS + "])", sentence)
        buf = ""
        for piece in pieces:
            if buf and len(buf) >= 6 and len(piece.strip()) >= 4 and buf[-1] in _COMMAS:
                out.append(buf[:-1] + "。")
                buf = piece.lstrip()
            else:
                buf += piece
        out.append(buf)
    return "".join(out)


def key_fact(texts: list[str]) -> str:
    """The sentence worth repeating: the first with a number, a time or a placeholder, else the first one."""
    candidates = [s.strip() for t in texts for s in split_sentences(t) if s.strip()]
    for s in candidates:
        if re.search(r"\d|[一二三两]个?(?:工作日|小时|天)|\{", s):
            return s
    return candidates[0] if candidates else ""


def spoken(text: str) -> str:
    """Phone style: menu paths said as words, numbered steps as 第一步…, no emoji codes or line lists."""
    text = _EMOJI_TOKEN.sub("", text)
    text = _MENU_PATH.sub(
        lambda m: "、".join(f"“{p.strip()}”" for p in re.split(r"[-—>→]", m.group(1)) if p.strip()), text
    )
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    english = is_mostly_latin(text)
    out: list[str] = []
    step = 0
    for line in lines:
        if _STEP.match(line):
            step += 1
            if english:
                rest = _STEP.sub("", line, count=1)
                rest = rest[:1].lower() + rest[1:] if rest[1:2].islower() else rest  # "First, open …"
                ordinal = _EN_ORDINALS[step - 1] if step <= len(_EN_ORDINALS) else f"Step {step}"
                line = f"{ordinal}, {rest}"
            else:
                word = _CN_NUMBERS[step - 1] if step <= len(_CN_NUMBERS) else str(step)
                line = f"第{word}步，" + _STEP.sub("", line, count=1)
        if out and out[-1][-1:] not in SENTENCE_END + _PAUSES + ".":
            out[-1] += "." if english else "。"
        out.append(line)
    return (" " if english else "").join(out)


def drop_repeated_apology(text: str) -> str:
    """A later slot's leading “非常抱歉,” when the reply has already apologised."""
    return _OPENING_APOLOGY.sub("", text, count=1)


def has_apology(text: str) -> bool:
    """True when the text apologises (抱歉 / 道歉 / 不好意思 / sorry)."""
    return bool(re.search(r"抱歉|道歉|不好意思|sorry|apolog", text, re.IGNORECASE))
