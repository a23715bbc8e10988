"""Follow-up reminders (服务闭环): what an agent promised a customer, and by when.

Kept on this PC only, in $ZHIDA_HOME/followups.json (never synced): the promise and the customer's
reference are stored masked, so a reminder never holds a full phone, ID or card number. A due reminder
shows in the status bar and in the 待跟进 list until it is marked done or moved to a later time.

`promised_due` reads the time a reply promised (「今天18点前」「明天上午」「2小时内」「3个工作日内」), so
the builder can pre-fill the reminder from the text the agent filled into {反馈时间}.
"""

from __future__ import annotations

import datetime as _dt
import json
import re
import uuid
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from app.core.fileio.atomic import write_text_atomic
from app.core.paths import zhida_home
from app.core.text.fold import fold
from app.core.text.pii import mask_personal_data

FILE_NAME = "followups.json"
DEFAULT_DELAY = _dt.timedelta(hours=24)  # a promise with no time a reader can find: remind in a day
VISIBLE_TAIL = 4  # the last characters of a reference stay readable: enough to find the case, not the person


@dataclass
class FollowUp:
    """One promise to follow up: masked text and reference, due time (local, minutes), state."""

    id: str
    text: str
    reference: str
    due: str  # ISO local time, e.g. 2026-11-02T18:00
    created: str
    done: str = ""  # ISO time it was marked done; "" while open

    @property
    def due_at(self) -> _dt.datetime:
        """The due time as a datetime."""
        return _dt.datetime.fromisoformat(self.due)

    def is_due(self, now: _dt.datetime | None = None) -> bool:
        """True when open and its time has come."""
        return not self.done and self.due_at <= (now or _dt.datetime.now())


def mask_reference(reference: str) -> str:
    """A customer reference (order number, phone, account) with all but its last characters hidden.

    A reference that is already masked (contains '*') is kept as given.
    """
    reference = " ".join(reference.split())
    if not reference or "*" in reference:
        return reference
    digits = sum(ch.isdigit() for ch in fold(reference))
    if digits < 6:
        return mask_personal_data(reference)
    head, tail = reference[:-VISIBLE_TAIL], reference[-VISIBLE_TAIL:]
    return "".join("*" if ch.isalnum() else ch for ch in head) + tail


def _minute(moment: _dt.datetime) -> str:
    return moment.replace(second=0, microsecond=0).isoformat(timespec="minutes")


class FollowUps:
    """The reminders file of one $ZHIDA_HOME: add, list, complete, postpone."""

    def __init__(self, home: Path | None = None):
        self.path = (home or zhida_home()) / FILE_NAME
        self.warning: str | None = None

    def all(self) -> list[FollowUp]:
        """Every reminder, oldest due first; an unreadable file gives none and sets `warning`."""
        self.warning = None
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return []
        except (OSError, ValueError) as exc:
            self.warning = f"{self.path}: 无法读取待跟进提醒 ({exc})"
            return []
        names = {f.name for f in fields(FollowUp)}
        items = []
        for entry in raw if isinstance(raw, list) else []:
            if not isinstance(entry, dict):
                continue
            try:
                item = FollowUp(**{k: str(v) for k, v in entry.items() if k in names})
                item.due_at  # noqa: B018 - a bad date is skipped, not raised later
            except (TypeError, ValueError):
                continue
            items.append(item)
        return sorted(items, key=lambda f: f.due)

    def pending(self) -> list[FollowUp]:
        """Open reminders, oldest due first."""
        return [f for f in self.all() if not f.done]

    def due(self, now: _dt.datetime | None = None) -> list[FollowUp]:
        """Open reminders whose time has come."""
        return [f for f in self.pending() if f.is_due(now)]

    def add(self, text: str, reference: str, due: _dt.datetime, now: _dt.datetime | None = None) -> FollowUp:
        """Store a new reminder (text and reference masked) and return it."""
        item = FollowUp(
            id=uuid.uuid4().hex[:12],
            text=mask_personal_data(" ".join(text.split()))[:500],
            reference=mask_reference(reference)[:80],
            due=_minute(due),
            created=_minute(now or _dt.datetime.now()),
        )
        items = self.all()
        items.append(item)
        self._save(items)
        return item

    def complete(self, item_id: str, now: _dt.datetime | None = None) -> None:
        """Mark a reminder done (kept in the file, no longer shown)."""
        self._change(item_id, done=_minute(now or _dt.datetime.now()))

    def postpone(self, item_id: str, until: _dt.datetime) -> None:
        """Move a reminder to a later time."""
        self._change(item_id, due=_minute(until))

    def _change(self, item_id: str, **values: str) -> None:
        items = self.all()
        for item in items:
            if item.id == item_id:
                for key, value in values.items():
                    setattr(item, key, value)
        self._save(items)

    def _save(self, items: list[FollowUp]) -> None:
        if self.warning:  # never overwrite a file we could not read: the agent's promises are in it
            raise OSError(self.warning)
        cutoff = _minute(_dt.datetime.now() - _dt.timedelta(days=90))
        kept = [f for f in items if not f.done or f.done >= cutoff]  # done ones are kept 90 days, then dropped
        write_text_atomic(self.path, json.dumps([asdict(f) for f in kept], ensure_ascii=False, indent=1))


# ---- reading a promised time ------------------------------------------------------------------------
_NUM = r"(\d{1,2}|[零一二两三四五六七八九十]{1,3})"
_CN_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_WITHIN = re.compile(_NUM + r"\s*(个)?\s*(小时|钟头|分钟|天|工作日|个工作日)\s*(内|之内|以内)?")
_DAY = re.compile(r"(今天|今日|今晚|明天|明日|明早|明晚|后天)")
_DATE = re.compile(r"(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]")
_CLOCK = re.compile(r"(上午|中午|下午|晚上|傍晚|早上)?\s*" + _NUM + r"\s*(?:[点时:：](\d{1,2}|半)?)")
_PART_OF_DAY = {"上午": 10, "早上": 9, "中午": 12, "下午": 15, "傍晚": 18, "晚上": 20}


def _number(text: str) -> int:
    if text.isdigit():
        return int(text)
    if text.startswith("十"):
        return 10 + (_CN_DIGITS.get(text[1:], 0) if len(text) > 1 else 0)
    if "十" in text:
        tens, _, ones = text.partition("十")
        return _CN_DIGITS.get(tens, 0) * 10 + _CN_DIGITS.get(ones, 0)
    return _CN_DIGITS.get(text, 0)


def _add_working_days(start: _dt.datetime, days: int) -> _dt.datetime:
    moment = start
    while days > 0:
        moment += _dt.timedelta(days=1)
        if moment.weekday() < 5:
            days -= 1
    return moment


def promised_due(text: str, now: _dt.datetime | None = None) -> _dt.datetime | None:
    """The time a reply promises (「今天18点前」「明天上午」「2小时内」「3个工作日内」「11月5日」), or None."""
    now = (now or _dt.datetime.now()).replace(second=0, microsecond=0)
    text = fold(text)
    within = _WITHIN.search(text)
    if within:
        amount, unit = _number(within.group(1)), within.group(3)
        if unit in ("小时", "钟头"):
            return now + _dt.timedelta(hours=amount)
        if unit == "分钟":
            return now + _dt.timedelta(minutes=amount)
        if unit == "天":
            return now + _dt.timedelta(days=amount)
        return _add_working_days(now, amount).replace(hour=18, minute=0)
    day = _DAY.search(text)
    date = _DATE.search(text)
    base: _dt.datetime | None = None
    if date:
        month, dom = int(date.group(1)), int(date.group(2))
        try:
            base = now.replace(month=month, day=dom)
        except ValueError:
            return None
        if base.date() < now.date():
            base = base.replace(year=now.year + 1)
    elif day:
        word = day.group(1)
        offset = 2 if word == "后天" else 1 if word.startswith("明") else 0
        base = now + _dt.timedelta(days=offset)
        if word in ("今晚", "明晚"):
            base = base.replace(hour=20, minute=0)
        elif word == "明早":
            base = base.replace(hour=9, minute=0)
    clock = _CLOCK.search(text[day.end() :] if day else text[date.end() :] if date else text)
    if clock and (base is not None or clock.group(1) or re.search(r"[点时]", clock.group(0))):
        hour = _number(clock.group(2))
        minute = 30 if clock.group(3) == "半" else int(clock.group(3) or 0) if clock.group(3) else 0
        part = clock.group(1)
        evening = day is not None and day.group(1) in ("今晚", "明晚")
        if (part in ("下午", "晚上", "傍晚") or evening) and hour < 12:
            hour += 12
        if 0 <= hour < 24 and 0 <= minute < 60:
            moment = (base or now).replace(hour=hour, minute=minute)
            if base is None and moment <= now:
                moment += _dt.timedelta(days=1)  # 「18点前」 said after 18:00 means tomorrow
            return moment
    if base is not None:
        part = next((p for p in _PART_OF_DAY if p in text), None)
        if part:
            return base.replace(hour=_PART_OF_DAY[part], minute=0)
        if base.date() == now.date():
            return max(now + _dt.timedelta(hours=1), now.replace(hour=18, minute=0))
        if (base.hour, base.minute) == (now.hour, now.minute):
            return base.replace(hour=18, minute=0)  # 「明天」: by the end of that working day
        return base
    return None
