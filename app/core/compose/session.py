"""One customer's reply, from draft to clipboard: slots, fill-ins, fixes and the copy guard.

The builder widget keeps no reply rules of its own: it shows what a `ReplySession` holds and asks it
what may be copied. `copy_blockers(text)` checks exactly the text about to be copied, synchronously
(the checker takes a few milliseconds), so no key sequence, however fast, puts an error-level
finding or an open placeholder on the clipboard without the agent's explicit override.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from app.core.checker.fixes import apply_fix
from app.core.checker.match import CheckContext, Checker, Finding
from app.core.compose.composer import edit_slot, fill
from app.core.compose.model import Draft
from app.core.content.placeholders import find_placeholders
from app.core.vocab import ERROR_LEVEL


@dataclass(frozen=True)
class CopyBlockers:
    """What stops a text from being copied: open placeholders and error-level findings (empty: copy)."""

    placeholders: tuple[str, ...] = ()
    errors: tuple[Finding, ...] = ()
    empty: bool = False

    @property
    def blocked(self) -> bool:
        """True when the text must not be copied without an explicit override."""
        return self.empty or bool(self.placeholders or self.errors)

    def message(self) -> str:
        """Why copying stopped, in the agent's words."""
        if self.empty:
            return "草稿是空的"
        reasons = []
        if self.placeholders:
            reasons.append("还有未填写的内容:" + "、".join(f"{{{n}}}" for n in self.placeholders))
        if self.errors:
            reasons.append(
                f"还有 {len(self.errors)} 处禁忌或隐私问题:" + "、".join(f"“{f.text}”" for f in self.errors[:3])
            )
        return ";".join(reasons)


class CopyRefused(ValueError):
    """Copying was refused; `blockers` says why."""

    def __init__(self, blockers: CopyBlockers):
        super().__init__(blockers.message())
        self.blockers = blockers


def copy_blockers(text: str, checker: Checker | None, context: CheckContext | None = None) -> CopyBlockers:
    """Check exactly `text` now: its open placeholders and error-level findings."""
    if not text.strip():
        return CopyBlockers(empty=True)
    findings = checker.check(text, context) if checker is not None else []
    return CopyBlockers(tuple(find_placeholders(text)), tuple(f for f in findings if f.level == ERROR_LEVEL))


@dataclass
class ReplySession:
    """The reply to the customer in front of the agent: one draft, its fill-ins, and the copy guard."""

    checker: Checker | None = None
    context: CheckContext = field(default_factory=CheckContext)
    draft: Draft | None = None
    values: dict[str, str] = field(default_factory=dict)
    message: str = ""  # the customer message the draft was built from
    slot_texts: dict[str, str] = field(default_factory=dict)  # what each slot put into the text

    def start(self, draft: Draft, values: Mapping[str, str] | None = None, message: str = "") -> None:
        """Begin a reply from a built draft; fill-ins start from `values` (e.g. facts from the message)."""
        self.draft = draft
        self.message = message
        self.values = {k: v for k, v in (values or {}).items() if v and v.strip()}
        self.slot_texts = {s.name: s.text for s in draft.slots}

    def reset(self) -> None:
        """The next customer: no draft, no fill-ins, no message."""
        self.draft = None
        self.message = ""
        self.values = {}
        self.slot_texts = {}

    def swap_slot(self, text: str, name: str, new: str) -> tuple[str, bool]:
        """`text` with slot `name`'s words replaced by `new`: (text, True), or (text, False) when the agent
        has rewritten that part by hand (their words are kept; the caller inserts `new` where they want it)."""
        old = self.slot_texts.get(name, "")
        self.slot_texts[name] = new
        if old and old in text:
            return text.replace(old, new, 1), True
        return text, False

    def fill_value(self, text: str, name: str, value: str) -> str:
        """`text` with every {name} replaced by `value`, which is remembered for this customer."""
        self.set_value(name, value)
        return text.replace("{" + name + "}", value.strip()) if value.strip() else text

    def edit_slot(self, name: str, text: str) -> Draft:
        """Replace one slot's text (an alternative or the agent's own words); the draft is re-checked."""
        if self.draft is None:
            raise KeyError(name)
        self.draft = edit_slot(self.draft, name, text, checker=self.checker)
        return self.draft

    def set_value(self, name: str, value: str) -> None:
        """Remember the agent's value for `{name}` (a blank value forgets it)."""
        if value.strip():
            self.values[name] = value.strip()
        else:
            self.values.pop(name, None)

    def fill(self, text: str) -> str:
        """`text` with every known fill-in substituted."""
        return fill(text, self.values)

    def check(self, text: str) -> list[Finding]:
        """The findings for `text` in this session's audience and channel."""
        return self.checker.check(text, self.context) if self.checker is not None else []

    def apply_fix(self, text: str, finding: Finding, choice: int = 0) -> tuple[str, list[Finding]]:
        """(`text` with the fix applied, its fresh findings); the rest of the text is untouched."""
        fixed = apply_fix(text, finding, choice)
        return fixed, self.check(fixed)

    def copy_blockers(self, text: str) -> CopyBlockers:
        """What stops exactly `text` from being copied, checked now."""
        return copy_blockers(text, self.checker, self.context)

    def copy_text(self, text: str, override: bool = False) -> str:
        """The text to put on the clipboard; raises CopyRefused unless clean or explicitly overridden."""
        blockers = self.copy_blockers(text)
        if blockers.empty or (blockers.blocked and not override):
            raise CopyRefused(blockers)
        return text
