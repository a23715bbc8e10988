"""The one vocabulary: problem types, stages, audiences, channels, emotions, priorities, levels, roles.

Each term has one key (what content files, settings and JSON carry) and one Chinese label (what the
UI and human CLI output show). Content is written in Chinese, so for types, audiences, channels and
stages the key is the Chinese word itself; emotions, priorities, levels and statuses have English keys
and Chinese labels. English spellings accepted on the command line and in rule files are aliases.

Everything that compares one of these values imports it from here: no module spells "外籍" itself.
This module imports nothing from the app.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass


@dataclass(frozen=True)
class Term:
    """One value of a vocabulary: its key, its Chinese label and other accepted spellings."""

    key: str
    label: str
    aliases: tuple[str, ...] = ()


class Vocabulary:
    """An ordered set of terms: iterates over keys, `in` tests keys, `label()` and `normalize()` translate."""

    def __init__(self, name: str, terms: tuple[Term, ...]):
        self.name = name
        self.terms = terms
        self.keys: tuple[str, ...] = tuple(t.key for t in terms)
        self._labels = {t.key: t.label for t in terms}
        self._lookup: dict[str, str] = {}
        for t in terms:
            for spelling in (t.key, t.label, *t.aliases):
                self._lookup.setdefault(spelling.casefold(), t.key)

    def __iter__(self) -> Iterator[str]:
        return iter(self.keys)

    def __len__(self) -> int:
        return len(self.keys)

    def __contains__(self, value: object) -> bool:
        return value in self._labels

    def __getitem__(self, index: int) -> str:
        return self.keys[index]

    def label(self, key: str) -> str:
        """The Chinese label of `key` (the key itself when unknown)."""
        return self._labels.get(key, key)

    def labels(self) -> tuple[str, ...]:
        """Every label, in order."""
        return tuple(self._labels[k] for k in self.keys)

    def normalize(self, value: object) -> str | None:
        """The key for a key, label or alias (any case, surrounding spaces ignored), else None."""
        if not isinstance(value, str):
            return None
        return self._lookup.get(value.strip().casefold())


# ---- problem types (问题归类, domain.md) ---------------------------------------------------------
INQUIRY, COMPLAINT, SUGGESTION, FAULT, GENERAL_TYPE = "咨询", "投诉", "建议", "故障", "通用"
ARTICLE_TYPES = Vocabulary(
    "type",
    (
        Term(INQUIRY, "咨询", ("inquiry", "question", "咨询类")),
        Term(COMPLAINT, "投诉", ("complaint", "投诉类")),
        Term(SUGGESTION, "建议", ("suggestion", "建议类")),
        Term(FAULT, "故障", ("fault", "故障类")),
    ),
)
# Scripts may also be 通用: usable whatever the type of the conversation.
SCRIPT_TYPES = Vocabulary("type", (*ARTICLE_TYPES.terms, Term(GENERAL_TYPE, "通用", ("general", "any"))))

# ---- audiences and channels -------------------------------------------------------------------
GENERAL, FOREIGN, ELDERLY, HEARING = "普通", "外籍", "老年", "听障"
AUDIENCES = Vocabulary(
    "audience",
    (
        Term(GENERAL, "普通", ("general", "normal")),
        Term(FOREIGN, "外籍", ("foreign", "foreigner")),
        Term(ELDERLY, "老年", ("elderly", "senior")),
        Term(HEARING, "听障", ("hearing", "hearing-impaired", "deaf")),
    ),
)
# Audiences a script or rule can be written for specifically (a script tagged 老年 is only for them).
SPECIAL_AUDIENCES = (ELDERLY, FOREIGN, HEARING)

ONLINE, PHONE, EMAIL = "在线", "电话", "邮件"
CHANNELS = Vocabulary(
    "channel",
    (
        Term(ONLINE, "在线", ("online", "chat")),
        Term(PHONE, "电话", ("phone", "call")),
        Term(EMAIL, "邮件", ("email", "mail")),
    ),
)

# ---- emotion and priority (triage, training) --------------------------------------------------
NEUTRAL, ANXIOUS, ANGRY = "neutral", "anxious", "angry"
EMOTIONS = Vocabulary(
    "emotion",
    (
        Term(NEUTRAL, "平静", ("calm", "平和")),
        Term(ANXIOUS, "焦急", ("着急",)),
        Term(ANGRY, "愤怒", ("生气",)),
    ),
)

HIGH, NORMAL = "high", "normal"
PRIORITIES = Vocabulary("priority", (Term(HIGH, "高优先级", ("高",)), Term(NORMAL, "普通优先级", ("普通",))))

# ---- finding levels (checker) -----------------------------------------------------------------
SUGGESTION_LEVEL, WARNING_LEVEL, ERROR_LEVEL = "suggestion", "warning", "error"
LEVELS = Vocabulary(
    "level",
    (
        Term(SUGGESTION_LEVEL, "建议"),
        Term(WARNING_LEVEL, "警告"),
        Term(ERROR_LEVEL, "错误"),
    ),
)
LEVEL_RANK = {key: rank for rank, key in enumerate(LEVELS)}

# ---- content ----------------------------------------------------------------------------------
DRAFT, PUBLISHED, ARCHIVED = "draft", "published", "archived"
STATUSES = Vocabulary("status", (Term(DRAFT, "草稿"), Term(PUBLISHED, "已发布"), Term(ARCHIVED, "已归档")))

CONCLUSION, EXPLANATION, STEPS, PITFALLS = "结论", "说明", "操作步骤", "常见误区"
SECTION_NAMES = (CONCLUSION, EXPLANATION, STEPS, PITFALLS)

# Labels that start a line of an article (风险前置：…). Authoring convention (docs/authoring.md): a line
# under an agent label is a note for the agent and never reaches a reply; a method label only names the
# technique, so the reply keeps the text after it.
AGENT_LABELS = frozenset(
    {"误区", "新人注意", "坐席提示", "核实要点", "处理顺序", "隐私提醒", "参考话术", "注意事项", "内部说明", "升级规则"}
)
METHOD_LABELS = frozenset({"风险前置", "结论先行", "逻辑支撑", "操作指引", "方案对比", "服务闭环"})

# The stages scripts are written for (a content root may use others: validation allows any stage a script uses).
STAGES = ("开场", "共情", "核实", "方案", "致歉", "说明", "指引", "结束", "转接", "跟进", "安抚")

# ---- who uses the app -------------------------------------------------------------------------
AGENT, MANAGER, TRAINEE = "坐席", "知识管理员", "新人"
ROLES = Vocabulary(
    "role",
    (
        Term(AGENT, "坐席", ("agent",)),
        Term(MANAGER, "知识管理员", ("manager", "km")),
        Term(TRAINEE, "新人", ("trainee", "new hire")),
    ),
)

# ---- team insights: feedback, cases (usage) -----------------------------------------------------
FLAG_ARTICLE, FLAG_DRAFT = "article", "draft"
FLAG_KINDS = Vocabulary("flag", (Term(FLAG_ARTICLE, "有误/过时"), Term(FLAG_DRAFT, "草稿不好")))
FLAG_OPEN, FLAG_RESOLVED, FLAG_DISMISSED = "open", "resolved", "dismissed"
FLAG_STATUSES = Vocabulary(
    "flag_status", (Term(FLAG_OPEN, "待处理"), Term(FLAG_RESOLVED, "已处理"), Term(FLAG_DISMISSED, "不需修改"))
)
SOLVED, UNSOLVED, ESCALATED = "solved", "unsolved", "escalated"
CASE_OUTCOMES = Vocabulary("outcome", (Term(SOLVED, "已解决"), Term(UNSOLVED, "未解决"), Term(ESCALATED, "已升级")))
CASE_PENDING, CASE_APPROVED, CASE_REJECTED = "pending", "approved", "rejected"
CASE_STATUSES = Vocabulary(
    "case_status", (Term(CASE_PENDING, "待审核"), Term(CASE_APPROVED, "已收录"), Term(CASE_REJECTED, "不收录"))
)
POSITIVE_CASE, NEGATIVE_CASE = "positive", "negative"
CASE_POLARITIES = Vocabulary("polarity", (Term(POSITIVE_CASE, "正面案例"), Term(NEGATIVE_CASE, "反面案例")))
# ---- the knowledge manager's workbench: review workflow (docs/workbench.md) -------------------
# An item's workflow state: the file's status, or 待审核 while a revision of it waits for a second manager.
IN_REVIEW = "in_review"
WORKFLOW_STATES = Vocabulary(
    "state",
    (Term(DRAFT, "草稿"), Term(IN_REVIEW, "待审核"), Term(PUBLISHED, "已发布"), Term(ARCHIVED, "已归档")),
)
PENDING, APPROVED, REJECTED, WITHDRAWN = "pending", "approved", "rejected", "withdrawn"
REVISION_STATES = Vocabulary(
    "revision",
    (Term(PENDING, "待审核"), Term(APPROVED, "已批准"), Term(REJECTED, "已驳回"), Term(WITHDRAWN, "已撤回")),
)
DUE_LABEL = "待复核"  # a verified item whose review-by date has passed
