"""The knowledge manager's local copy of the team's daily aggregates (sqlite), refreshed incrementally.

Reading 18,000 small JSON files (200 agents × 90 days) and checking every field takes seconds; the 看板
must open in two. Like the search index, the store keeps what it has read (`$ZHIDA_HOME/usage/team-
<share id>.sqlite3`, or in memory) and on each refresh reads only new or changed files: a day file more
than two days old is final (its writer only rewrites today's, yesterday's after midnight, and strips
texts at the retention limit, which the reader applies itself). The insights are GROUP BY queries.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from pathlib import Path
from typing import Any

from app.core.usage.records import RecordError

_SCHEMA = """
CREATE TABLE IF NOT EXISTS files (client TEXT, day TEXT, size INTEGER, mtime INTEGER, PRIMARY KEY (client, day));
CREATE TABLE IF NOT EXISTS days (client TEXT, day TEXT, searches INTEGER, no_result INTEGER, no_click INTEGER,
    private INTEGER, PRIMARY KEY (client, day));
CREATE TABLE IF NOT EXISTS queries (client TEXT, day TEXT, q TEXT, n INTEGER, zero INTEGER, noclick INTEGER);
CREATE TABLE IF NOT EXISTS items (client TEXT, day TEXT, kind TEXT, item TEXT, n INTEGER);
CREATE TABLE IF NOT EXISTS drafts (client TEXT, day TEXT, type TEXT, category TEXT, article TEXT, n INTEGER);
CREATE TABLE IF NOT EXISTS gaps (client TEXT, day TEXT, q TEXT, type TEXT, n INTEGER);
CREATE TABLE IF NOT EXISTS learned (client TEXT, day TEXT, q TEXT, article TEXT, n INTEGER);
CREATE TABLE IF NOT EXISTS voice (client TEXT, day TEXT, text TEXT);
CREATE INDEX IF NOT EXISTS queries_day ON queries(day);
CREATE INDEX IF NOT EXISTS items_day ON items(day);
CREATE INDEX IF NOT EXISTS queries_cd ON queries(client, day);
CREATE INDEX IF NOT EXISTS items_cd ON items(client, day);
CREATE INDEX IF NOT EXISTS drafts_cd ON drafts(client, day);
CREATE INDEX IF NOT EXISTS gaps_cd ON gaps(client, day);
CREATE INDEX IF NOT EXISTS learned_cd ON learned(client, day);
CREATE INDEX IF NOT EXISTS voice_cd ON voice(client, day);
"""
_TABLES = ("days", "queries", "items", "drafts", "gaps", "learned", "voice")
SETTLED_DAYS = 2  # a day file older than this is not re-checked (see the module docstring)
VERSION = 1


class TeamStore:
    """Parsed daily aggregates of every client; one writer (the refreshing thread) at a time."""

    def __init__(self, path: Path | None = None):
        self.path = path
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(str(path) if path else ":memory:", check_same_thread=False)
        version = self.db.execute("PRAGMA user_version").fetchone()[0]
        if version not in (0, VERSION):  # another layout: it is only a cache, start again
            for table in ("files", *_TABLES):
                self.db.execute(f"DROP TABLE IF EXISTS {table}")
        self.db.executescript(_SCHEMA)
        self.db.execute(f"PRAGMA user_version = {VERSION}")
        self.db.commit()
        self.reads = 0

    def close(self) -> None:
        """Close the database."""
        self.db.close()

    def known(self, client: str) -> dict[str, tuple[int, int]]:
        """day → (size, mtime) of the files of `client` already read."""
        rows = self.db.execute("SELECT day, size, mtime FROM files WHERE client = ?", (client,))
        return {day: (size, mtime) for day, size, mtime in rows}

    def needs(self, client: str, day: str, known: dict[str, tuple[int, int]], entry: os.DirEntry, today: str) -> bool:
        """Whether the file for (client, day) must be (re)read."""
        if day not in known:
            return True
        if day < _days_before(today, SETTLED_DAYS):
            return False
        try:
            info = entry.stat(follow_symlinks=False)
        except OSError:
            return True
        return known[day] != (info.st_size, info.st_mtime_ns)

    def put(self, client: str, day: str, data: dict[str, Any], size: int, mtime: int, replace: bool = True) -> None:
        """Replace the rows of one client's day with a parsed document (`share.parse_day`)."""
        if replace:
            self.forget(client, day)
        db = self.db
        db.execute(
            "INSERT INTO days VALUES (?, ?, ?, ?, ?, ?)",
            (client, day, data["searches"], data["no_result"], data["no_click"], data["private_searches"]),
        )
        db.executemany(
            "INSERT INTO queries VALUES (?, ?, ?, ?, ?, ?)",
            [(client, day, r["q"], r["n"], r["zero"], r["noclick"]) for r in data["queries"] if r["q"]],
        )
        db.executemany(
            "INSERT INTO items VALUES (?, ?, ?, ?, ?)",
            [(client, day, kind, item, n) for kind in ("opens", "copies") for item, n in data[kind].items()],
        )
        db.executemany(
            "INSERT INTO drafts VALUES (?, ?, ?, ?, ?, ?)",
            [(client, day, r["type"], r["category"], r["article"], r["n"]) for r in data["drafts"]],
        )
        db.executemany(
            "INSERT INTO gaps VALUES (?, ?, ?, ?, ?)", [(client, day, r["q"], r["type"], r["n"]) for r in data["gaps"]]
        )
        db.executemany(
            "INSERT INTO learned VALUES (?, ?, ?, ?, ?)",
            [(client, day, r["q"], r["article"], r["n"]) for r in data["learned"] if r["q"]],
        )
        db.executemany("INSERT INTO voice VALUES (?, ?, ?)", [(client, day, t) for t in data["voice"] if t])
        db.execute("INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?)", (client, day, size, mtime))

    def forget(self, client: str, day: str) -> None:
        """Drop one client's day (its file is gone or unreadable now)."""
        for table in _TABLES:
            self.db.execute(f"DELETE FROM {table} WHERE client = ? AND day = ?", (client, day))
        self.db.execute("DELETE FROM files WHERE client = ? AND day = ?", (client, day))

    def drop_other_clients(self, clients: list[str]) -> None:
        """Forget clients whose folder is gone from the share."""
        keep = set(clients)
        gone = [c for (c,) in self.db.execute("SELECT DISTINCT client FROM files") if c not in keep]
        for client in gone:
            for table in ("files", *_TABLES):
                self.db.execute(f"DELETE FROM {table} WHERE client = ?", (client,))

    def commit(self) -> None:
        """Make the refresh durable (one transaction per refresh)."""
        self.db.commit()

    # ---- queries over a period -----------------------------------------------------------------
    def rows(self, sql: str, since: str, until: str, *args: Any) -> list[tuple]:
        """Rows of `sql`, whose first two parameters are the period's first and last day."""
        return self.db.execute(sql, (since, until, *args)).fetchall()


def _days_before(day: str, n: int) -> str:
    return (dt.date.fromisoformat(day) - dt.timedelta(days=n)).isoformat()


__all__ = ["RecordError", "TeamStore"]
