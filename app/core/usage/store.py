"""The knowledge manager's local copy of the team's daily aggregates (sqlite), refreshed incrementally.

Reading 18,000 small JSON files (200 agents × 90 days) and checking every field takes seconds; the 看板
must open in two. Like the search index, the store keeps what it has read (`$ZHIDA_HOME/usage/team-
<share id>.sqlite3`, or in memory) and on each refresh reads only new or changed files: a day file more
than two days old is final (its writer only rewrites today's, yesterday's after midnight, and strips
texts at the retention limit, which the reader applies itself). Texts and client ids are stored once
(integer ids) and the tables are clustered by day, so a period is one range scan.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from pathlib import Path
from typing import Any

_SCHEMA = """
CREATE TABLE IF NOT EXISTS clients (id INTEGER PRIMARY KEY, name TEXT UNIQUE NOT NULL);
CREATE TABLE IF NOT EXISTS texts (id INTEGER PRIMARY KEY, text TEXT UNIQUE NOT NULL);
CREATE TABLE IF NOT EXISTS files (client INTEGER, day TEXT, size INTEGER, mtime INTEGER,
    PRIMARY KEY (client, day)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS days (day TEXT, client INTEGER, searches INTEGER, no_result INTEGER, no_click INTEGER,
    private INTEGER, PRIMARY KEY (day, client)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS queries (day TEXT, client INTEGER, q INTEGER, n INTEGER, zero INTEGER, noclick INTEGER,
    PRIMARY KEY (day, client, q)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS items (day TEXT, client INTEGER, kind INTEGER, item INTEGER, n INTEGER,
    PRIMARY KEY (day, client, kind, item)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS drafts (day TEXT, client INTEGER, type INTEGER, category INTEGER, article INTEGER,
    n INTEGER);
CREATE TABLE IF NOT EXISTS gaps (day TEXT, client INTEGER, q INTEGER, type INTEGER, n INTEGER);
CREATE TABLE IF NOT EXISTS learned (day TEXT, client INTEGER, q INTEGER, article INTEGER, n INTEGER);
CREATE TABLE IF NOT EXISTS voice (day TEXT, client INTEGER, text INTEGER);
CREATE TABLE IF NOT EXISTS seen (item INTEGER PRIMARY KEY, day TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS drafts_dc ON drafts(day, client);
CREATE INDEX IF NOT EXISTS gaps_dc ON gaps(day, client);
CREATE INDEX IF NOT EXISTS learned_dc ON learned(day, client);
CREATE INDEX IF NOT EXISTS voice_dc ON voice(day, client);
"""
_TABLES = ("days", "queries", "items", "drafts", "gaps", "learned", "voice")
OPENS, COPIES = 0, 1
SETTLED_DAYS = 2  # a day file older than this is not re-checked (see the module docstring)
VERSION = 2


class TeamStore:
    """Parsed daily aggregates of every client; one writer (the refreshing thread) at a time."""

    def __init__(self, path: Path | None = None):
        self.path = path
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(str(path) if path else ":memory:", check_same_thread=False)
        self.db.execute("PRAGMA journal_mode = WAL" if path else "PRAGMA journal_mode = MEMORY")
        self.db.execute("PRAGMA synchronous = NORMAL")
        version = self.db.execute("PRAGMA user_version").fetchone()[0]
        if version not in (0, VERSION):  # another layout: it is only a cache, start again
            for (table,) in self.db.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall():
                self.db.execute(f"DROP TABLE IF EXISTS {table}")
        self.db.executescript(_SCHEMA)
        self.db.execute(f"PRAGMA user_version = {VERSION}")
        self.db.commit()
        self._text_ids: dict[str, int] | None = None
        self._client_ids: dict[str, int] = dict(self.db.execute("SELECT name, id FROM clients"))
        self._settled_for = self._settled_day = ""

    def close(self) -> None:
        """Close the database."""
        self.db.close()

    # ---- ids -------------------------------------------------------------------------------------
    def client_id(self, name: str) -> int:
        """The integer id of a client (added on first use)."""
        found = self._client_ids.get(name)
        if found is None:
            found = self.db.execute("INSERT INTO clients (name) VALUES (?)", (name,)).lastrowid or 0
            self._client_ids[name] = found
        return found

    def text_id(self, text: str) -> int:
        """The integer id of a text (query, article id, type …), added on first use."""
        if self._text_ids is None:
            self._text_ids = dict(self.db.execute("SELECT text, id FROM texts"))
        found = self._text_ids.get(text)
        if found is None:
            found = self.db.execute("INSERT INTO texts (text) VALUES (?)", (text,)).lastrowid or 0
            self._text_ids[text] = found
        return found

    def texts(self) -> dict[int, str]:
        """Every stored text by id."""
        return {i: t for i, t in self.db.execute("SELECT id, text FROM texts")}

    # ---- refresh ---------------------------------------------------------------------------------
    def known(self, client: str) -> dict[str, tuple[int, int]]:
        """day → (size, mtime) of the files of `client` already read."""
        rows = self.db.execute("SELECT day, size, mtime FROM files WHERE client = ?", (self.client_id(client),))
        return {day: (size, mtime) for day, size, mtime in rows}

    def _settled(self, today: str) -> str:
        if self._settled_for != today:
            self._settled_for, self._settled_day = today, _days_before(today, SETTLED_DAYS)
        return self._settled_day

    def needs(self, day: str, known: dict[str, tuple[int, int]], entry: os.DirEntry, today: str) -> bool:
        """Whether a listed day file must be (re)read."""
        if day not in known:
            return True
        if day < self._settled(today):
            return False
        try:
            info = entry.stat(follow_symlinks=False)
        except OSError:
            return True
        return known[day] != (info.st_size, info.st_mtime_ns)

    def put(self, client: str, day: str, data: dict[str, Any], size: int, mtime: int, replace: bool = True) -> None:
        """Store one client's day (a document checked by `share.parse_day`), replacing what was there."""
        if replace:
            self.forget(client, day)
        c = self.client_id(client)
        t = self.text_id
        db = self.db
        db.execute(
            "INSERT INTO days VALUES (?, ?, ?, ?, ?, ?)",
            (day, c, data["searches"], data["no_result"], data["no_click"], data["private_searches"]),
        )
        queries: dict[int, list[int]] = {}
        for q, n, zero, noclick in data["queries"]:
            if q:
                row = queries.setdefault(t(q), [0, 0, 0])
                row[0] += n
                row[1] += zero
                row[2] += noclick
        db.executemany(
            "INSERT INTO queries VALUES (?, ?, ?, ?, ?, ?)", [(day, c, q, *row) for q, row in queries.items()]
        )
        items = [(day, c, OPENS, t(i), n) for i, n in data["opens"].items()]
        items += [(day, c, COPIES, t(i), n) for i, n in data["copies"].items()]
        db.executemany("INSERT OR REPLACE INTO items VALUES (?, ?, ?, ?, ?)", items)
        drafts = [(day, c, t(kind), t(category), t(article), n) for kind, category, article, n in data["drafts"]]
        db.executemany("INSERT INTO drafts VALUES (?, ?, ?, ?, ?, ?)", drafts)
        db.executemany("INSERT INTO gaps VALUES (?, ?, ?, ?, ?)", [(day, c, t(q), t(k), n) for q, k, n in data["gaps"]])
        db.executemany(
            "INSERT INTO learned VALUES (?, ?, ?, ?, ?)", [(day, c, t(q), t(a), n) for q, a, n in data["learned"] if q]
        )
        db.executemany("INSERT INTO voice VALUES (?, ?, ?)", [(day, c, t(v)) for v in data["voice"] if v])
        used = {row[3] for row in items} | {row[4] for row in drafts if row[4] != t("")}
        db.executemany(
            "INSERT INTO seen VALUES (?, ?) ON CONFLICT(item) DO UPDATE SET day = max(day, excluded.day)",
            [(item, day) for item in used],
        )
        db.execute("INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?)", (c, day, size, mtime))

    def forget(self, client: str, day: str) -> None:
        """Drop one client's day (its file is gone, unreadable or about to be replaced)."""
        c = self.client_id(client)
        for table in _TABLES:
            self.db.execute(f"DELETE FROM {table} WHERE day = ? AND client = ?", (day, c))
        self.db.execute("DELETE FROM files WHERE client = ? AND day = ?", (c, day))

    def drop_other_clients(self, clients: list[str]) -> None:
        """Forget clients whose folder is gone from the share."""
        keep = {self._client_ids.get(name) for name in clients}
        for (c,) in self.db.execute("SELECT DISTINCT client FROM files").fetchall():
            if c not in keep:
                for table in ("files", *_TABLES):
                    self.db.execute(f"DELETE FROM {table} WHERE client = ?", (c,))

    def commit(self) -> None:
        """Make the refresh durable (one transaction per refresh)."""
        self.db.commit()

    # ---- queries over a period -----------------------------------------------------------------
    def rows(self, sql: str, since: str, until: str, *args: Any) -> list[tuple]:
        """Rows of `sql`, whose first two parameters are the period's first and last day."""
        return self.db.execute(sql, (since, until, *args)).fetchall()


def _days_before(day: str, n: int) -> str:
    return (dt.date.fromisoformat(day) - dt.timedelta(days=n)).isoformat()
