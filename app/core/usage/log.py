"""The local usage log (sqlite3 under $ZHIDA_HOME): searches, no-result queries, copies, favourites.

Queries are masked before they are stored: an agent pastes customer messages, and a phone or ID
number must never end up in a log file.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

from app.core.paths import zhida_home
from app.core.text.pii import mask_personal_data

_SCHEMA = """
CREATE TABLE IF NOT EXISTS events (ts REAL NOT NULL, kind TEXT NOT NULL, item TEXT, query TEXT, hits INTEGER);
CREATE INDEX IF NOT EXISTS events_kind ON events(kind, ts);
CREATE TABLE IF NOT EXISTS favorites (item TEXT PRIMARY KEY, ts REAL NOT NULL);
"""


class UsageLog:
    """Usage events of one client; safe to call from any thread (one connection per call)."""

    def __init__(self, home: Path | None = None):
        self.path = (home or zhida_home()) / "usage.sqlite3"
        self._lock = threading.Lock()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            db.executescript(_SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=5)

    def _write(self, sql: str, args: tuple) -> None:
        with self._lock, self._connect() as db:
            db.execute(sql, args)

    def record_search(self, query: str, hits: int) -> None:
        """Remember a search (masked) and how many hits it had; zero hits mark a gap in the knowledge base."""
        if query.strip():
            self._write(
                "INSERT INTO events VALUES (?, 'search', NULL, ?, ?)",
                (time.time(), mask_personal_data(query.strip())[:300], hits),
            )

    def record_gap(self, message: str, reply_type: str) -> None:
        """「记录为知识缺口」: a customer message (masked) the knowledge base had no article for."""
        if message.strip():
            self._write(
                "INSERT INTO events VALUES (?, 'gap', ?, ?, 0)",
                (time.time(), reply_type, mask_personal_data(message.strip())[:500]),
            )

    def gaps(self, limit: int = 50) -> list[tuple[str, str]]:
        """(type, masked message) of the recorded knowledge gaps, newest first."""
        with self._connect() as db:
            rows = db.execute(
                "SELECT item, query FROM events WHERE kind = 'gap' ORDER BY ts DESC LIMIT ?", (limit,)
            ).fetchall()
        return [(str(t or ""), str(q)) for t, q in rows]

    def record_use(self, item_id: str, kind: str = "copy") -> None:
        """Remember that an article was opened ('open') or a script/draft copied ('copy')."""
        self._write("INSERT INTO events VALUES (?, ?, ?, NULL, NULL)", (time.time(), kind, item_id))

    def recent(self, kind: str = "copy", limit: int = 20) -> list[str]:
        """Most recently used item ids, newest first, each once."""
        with self._connect() as db:
            rows = db.execute(
                "SELECT item, MAX(ts) AS t FROM events WHERE kind = ? AND item IS NOT NULL "
                "GROUP BY item ORDER BY t DESC LIMIT ?",
                (kind, limit),
            ).fetchall()
        return [r[0] for r in rows]

    def use_counts(self) -> dict[str, int]:
        """How often each item was opened or copied."""
        with self._connect() as db:
            rows = db.execute("SELECT item, COUNT(*) FROM events WHERE item IS NOT NULL GROUP BY item").fetchall()
        return dict(rows)

    def unanswered(self, limit: int = 50) -> list[tuple[str, int]]:
        """Queries that found nothing, most frequent first: what the knowledge base is missing."""
        with self._connect() as db:
            rows = db.execute(
                "SELECT query, COUNT(*) AS n FROM events WHERE kind = 'search' AND hits = 0 "
                "GROUP BY query ORDER BY n DESC LIMIT ?",
                (limit,),
            ).fetchall()
        return [(r[0], r[1]) for r in rows]

    def favorites(self) -> list[str]:
        """Favourite item ids, newest first."""
        with self._connect() as db:
            return [r[0] for r in db.execute("SELECT item FROM favorites ORDER BY ts DESC").fetchall()]

    def set_favorite(self, item_id: str, on: bool) -> None:
        """Add or remove a favourite."""
        if on:
            self._write("INSERT OR REPLACE INTO favorites VALUES (?, ?)", (item_id, time.time()))
        else:
            self._write("DELETE FROM favorites WHERE item = ?", (item_id,))
