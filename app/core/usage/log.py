"""The local usage log (sqlite3 under $ZHIDA_HOME): meaningful events, flags, cases and decisions.

Queries are normalized and masked before they are stored (`usage.normalize`): an agent pastes customer
messages, and a phone or ID number must never end up in a log file. A query that held personal data is
kept masked and marked private: it counts on this machine only and its text is never shared.
Events are what the team report is built from (`usage.aggregate`); the window records a search on
Enter, a 1.5 s pause or an opened result (`usage.tracker`), never per keystroke.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.core.paths import zhida_home
from app.core.usage.normalize import NormalizedQuery, mask_text, normalize_query
from app.core.usage.records import MAX_COMMENT, MAX_TEXT, Case, Decision, Flag
from app.core.vocab import FLAG_OPEN, SUGGESTION

SEARCH, OPEN, COPY, DRAFT, GAP = "search", "open", "copy", "draft", "gap"
USAGE_FILE = "usage.sqlite3"  # under $ZHIDA_HOME

_SCHEMA = """
CREATE TABLE IF NOT EXISTS events (ts REAL NOT NULL, kind TEXT NOT NULL, item TEXT, query TEXT, hits INTEGER);
CREATE INDEX IF NOT EXISTS events_kind ON events(kind, ts);
CREATE INDEX IF NOT EXISTS events_ts ON events(ts);
CREATE TABLE IF NOT EXISTS favorites (item TEXT PRIMARY KEY, ts REAL NOT NULL);
CREATE TABLE IF NOT EXISTS flags (id TEXT PRIMARY KEY, body TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS cases (id TEXT PRIMARY KEY, body TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS decisions (kind TEXT NOT NULL, target TEXT NOT NULL, ts REAL NOT NULL, value TEXT);
"""
_NEW_COLUMNS = (("private", "INTEGER NOT NULL DEFAULT 0"), ("extra", "TEXT"))


@dataclass(frozen=True)
class UsageEvent:
    """One recorded event: a counted search (normalized query, hit count), an open, a copy, a draft, a gap."""

    ts: float
    kind: str
    item: str | None = None
    query: str | None = None
    hits: int | None = None
    private: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


class UsageLog:
    """Usage events of one client; safe to call from any thread (one connection per call)."""

    def __init__(self, home: Path | None = None, clock: Callable[[], float] = time.time):
        self.home = home or zhida_home()
        self.clock = clock  # simulations replay days of use with their own clock
        self.path = self.home / USAGE_FILE
        self._lock = threading.Lock()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            db.executescript(_SCHEMA)
            columns = {row[1] for row in db.execute("PRAGMA table_info(events)")}
            for name, decl in _NEW_COLUMNS:  # a log written by an older version gains the new columns
                if name not in columns:
                    db.execute(f"ALTER TABLE events ADD COLUMN {name} {decl}")

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=5)

    def _write(self, sql: str, args: tuple) -> None:
        with self._lock, self._connect() as db:
            db.execute(sql, args)

    def _event(self, kind: str, item: str | None = None, query: NormalizedQuery | None = None, **extra: Any) -> None:
        hits = extra.pop("hits", None)
        self._write(
            "INSERT INTO events (ts, kind, item, query, hits, private, extra) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                self.clock(),
                kind,
                item,
                query.text if query else None,
                hits,
                int(bool(query and query.private)),
                json.dumps(extra, ensure_ascii=False) if extra else None,
            ),
        )

    # ---- recording -------------------------------------------------------------------------------
    def record_search(self, query: str, hits: int) -> NormalizedQuery | None:
        """Count one search (normalized and masked) with its hit count; zero hits mark a gap in the knowledge base."""
        normalized = normalize_query(query)
        if not normalized.text:
            return None  # only greetings or filler: nothing was searched
        self._event(SEARCH, query=normalized, hits=max(0, int(hits)))
        return normalized

    def record_use(self, item_id: str, kind: str = COPY) -> None:
        """Remember that an article was opened ('open') or a script copied ('copy')."""
        self._event(kind, item_id)

    def record_draft(self, article_id: str | None, problem_type: str, category: str = "", message: str = "") -> None:
        """A reply built and copied, with its article, type and category; a 建议 keeps the customer's words (masked)."""
        extra: dict[str, Any] = {"type": problem_type, "category": category}
        if problem_type == SUGGESTION and message.strip():
            extra["voice"] = mask_text(message, MAX_COMMENT)
        self._event(DRAFT, article_id or None, **extra)

    def record_gap(self, message: str, triage_type: str = "") -> NormalizedQuery | None:
        """「记录为知识缺口」: the knowledge base had no answer for this question (normalized, masked)."""
        normalized = normalize_query(message)
        if not normalized.text:
            return None
        self._event(GAP, query=normalized, type=triage_type)
        return normalized

    def record_flag(self, kind: str, article_id: str, comment: str = "", *, title: str = "", draft: str = "") -> Flag:
        """「有误/过时」 (kind 'article') or 「草稿不好」 (kind 'draft'): saved here, shared at the next sync."""
        flag = Flag(
            id=uuid.uuid4().hex,
            ts=self.clock(),
            kind=kind,
            article=article_id,
            title=title[:200],
            comment=mask_text(comment, MAX_COMMENT),
            draft=mask_text(draft, MAX_TEXT),
        )
        self._put("flags", flag.id, flag.__dict__)
        return flag

    def save_case(
        self, message: str, reply: str, article_id: str = "", problem_type: str = "", outcome: str = ""
    ) -> Case:
        """Save a handled case for the team's 案例库 (message and reply masked)."""
        case = Case(
            id=uuid.uuid4().hex,
            ts=self.clock(),
            message=mask_text(message, MAX_TEXT),
            reply=mask_text(reply, MAX_TEXT),
            article=article_id,
            type=problem_type,
            outcome=outcome,
        )
        self._put("cases", case.id, case.__dict__)
        return case

    def record_decision(self, kind: str, target: str, value: dict[str, Any] | None = None) -> Decision:
        """A knowledge manager's decision on the 看板 (resolve a flag, ignore a gap, approve a suggestion …)."""
        decision = Decision(kind=kind, target=target, ts=self.clock(), value=dict(value or {}))
        self._write(
            "INSERT INTO decisions VALUES (?, ?, ?, ?)",
            (kind, target, decision.ts, json.dumps(decision.value, ensure_ascii=False)),
        )
        return decision

    def _put(self, table: str, key: str, body: dict[str, Any]) -> None:
        self._write(f"INSERT OR REPLACE INTO {table} VALUES (?, ?)", (key, json.dumps(body, ensure_ascii=False)))

    def set_flag_resolution(self, flag_id: str, status: str, note: str, ts: float) -> bool:
        """Store the owner's answer to one of this client's flags; True when it is new."""
        flag = next((f for f in self.flags() if f.id == flag_id), None)
        if flag is None or (flag.status == status and flag.note == note and flag.resolved_ts == ts):
            return False
        flag.status, flag.note, flag.resolved_ts = status, note[:MAX_COMMENT], ts
        self._put("flags", flag.id, flag.__dict__)
        return True

    # ---- reading ---------------------------------------------------------------------------------
    def events(self, since: float = 0.0, until: float | None = None) -> list[UsageEvent]:
        """Events from `since` (inclusive) to `until` (exclusive), oldest first."""
        with self._connect() as db:
            rows = db.execute(
                "SELECT ts, kind, item, query, hits, private, extra FROM events WHERE ts >= ? AND ts < ? ORDER BY ts",
                (since, until if until is not None else float("inf")),
            ).fetchall()
        return [UsageEvent(r[0], r[1], r[2], r[3], r[4], bool(r[5]), _json(r[6])) for r in rows]

    def last_event_ts(self) -> float:
        """When the newest event was recorded (0 when none)."""
        with self._connect() as db:
            row = db.execute("SELECT MAX(ts) FROM events").fetchone()
        return float(row[0] or 0.0)

    def flags(self) -> list[Flag]:
        """This client's flags, newest first."""
        return sorted((Flag(**_json(b)) for (b,) in self._rows("SELECT body FROM flags")), key=lambda f: -f.ts)

    def open_flags(self) -> list[Flag]:
        """Flags still waiting for their owner."""
        return [f for f in self.flags() if f.status == FLAG_OPEN]

    def cases(self) -> list[Case]:
        """Cases this client saved, newest first."""
        return sorted((Case(**_json(b)) for (b,) in self._rows("SELECT body FROM cases")), key=lambda c: -c.ts)

    def decisions(self) -> list[Decision]:
        """This client's decisions, oldest first."""
        rows = self._rows("SELECT kind, target, ts, value FROM decisions ORDER BY ts")
        return [Decision(kind=k, target=t, ts=ts, value=_json(v)) for k, t, ts, v in rows]

    def _rows(self, sql: str, args: tuple = ()) -> list[tuple]:
        with self._connect() as db:
            return db.execute(sql, args).fetchall()

    def recent(self, kind: str = COPY, limit: int = 20) -> list[str]:
        """Most recently used item ids, newest first, each once."""
        rows = self._rows(
            "SELECT item, MAX(ts) AS t FROM events WHERE kind = ? AND item IS NOT NULL "
            "GROUP BY item ORDER BY t DESC LIMIT ?",
            (kind, limit),
        )
        return [r[0] for r in rows]

    def use_counts(self) -> dict[str, int]:
        """How often each item was opened or copied."""
        rows = self._rows(
            "SELECT item, COUNT(*) FROM events WHERE item IS NOT NULL AND kind IN (?, ?) GROUP BY item", (OPEN, COPY)
        )
        return dict(rows)

    def top_queries(self, limit: int = 50) -> list[tuple[str, int]]:
        """The most frequent searches (normalized and masked as stored), most frequent first."""
        rows = self._rows(
            "SELECT query, COUNT(*) AS n FROM events WHERE kind = ? AND query IS NOT NULL "
            "GROUP BY query ORDER BY n DESC LIMIT ?",
            (SEARCH, limit),
        )
        return [(str(r[0]), int(r[1])) for r in rows if r[0]]

    def unanswered(self, limit: int = 50) -> list[tuple[str, int]]:
        """Queries that found nothing, most frequent first: what the knowledge base is missing."""
        rows = self._rows(
            "SELECT query, COUNT(*) AS n FROM events WHERE kind = 'search' AND hits = 0 AND query IS NOT NULL "
            "GROUP BY query ORDER BY n DESC LIMIT ?",
            (limit,),
        )
        return [(r[0], r[1]) for r in rows]

    def favorites(self) -> list[str]:
        """Favourite item ids, newest first."""
        return [r[0] for r in self._rows("SELECT item FROM favorites ORDER BY ts DESC")]

    def set_favorite(self, item_id: str, on: bool) -> None:
        """Add or remove a favourite."""
        if on:
            self._write("INSERT OR REPLACE INTO favorites VALUES (?, ?)", (item_id, self.clock()))
        else:
            self._write("DELETE FROM favorites WHERE item = ?", (item_id,))

    # ---- retention -------------------------------------------------------------------------------
    def forget_texts(self, before: float) -> int:
        """Drop query texts and customer words of events older than `before` (counts stay); returns how many."""
        with self._lock, self._connect() as db:
            cursor = db.execute(
                "UPDATE events SET query = NULL, extra = json_remove(extra, '$.voice') "
                "WHERE ts < ? AND (query IS NOT NULL OR extra LIKE '%\"voice\"%')",
                (before,),
            )
            return cursor.rowcount


def _json(text: str | None) -> dict[str, Any]:
    if not text:
        return {}
    try:
        value = json.loads(text)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}
