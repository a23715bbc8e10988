"""A trainee's training state under $ZHIDA_HOME/training/: append-only logs of reviews, drill attempts and exams.

One JSON object per line, appended and flushed (fsync with the `ZHIDA_FSYNC` switch) so a crash loses at
most the line being written; nothing is ever rewritten. A line that does not parse (a torn write, an
edit by hand) is skipped and counted, never fatal. The card schedule is not stored: it is replayed
from the review log through FSRS, so the log is the one truth.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from app.core.fileio.atomic import fsync_file, write_text_atomic
from app.core.paths import zhida_home

Clock = Callable[[], datetime]
REVIEWS, ATTEMPTS, EXAMS, PROFILE = "reviews.jsonl", "attempts.jsonl", "exams.jsonl", "profile.json"
MAX_LINE = 64 * 1024  # a longer line is not ours
_lock = threading.Lock()


def utc_now() -> datetime:
    """The current time in UTC (the default clock; tests pass their own)."""
    return datetime.now(UTC)


def parse_time(value: object) -> datetime | None:
    """An ISO timestamp as an aware UTC datetime, or None."""
    if not isinstance(value, str):
        return None
    try:
        stamp = datetime.fromisoformat(value)
    except ValueError:
        return None
    return (stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)).astimezone(UTC)


def local_day(stamp: datetime) -> str:
    """The trainee's calendar day of a moment (new-card and backlog limits count per day)."""
    return stamp.astimezone().date().isoformat()


def _last_byte(path: Path) -> bytes:
    with open(path, "rb") as fh:
        fh.seek(-1, os.SEEK_END)
        return fh.read(1)


@dataclass
class TrainingStore:
    """The files of one trainee (one $ZHIDA_HOME is one trainee)."""

    folder: Path

    @classmethod
    def open(cls, home: Path | None = None) -> TrainingStore:
        """The training folder under `home` (default $ZHIDA_HOME)."""
        return cls((home or zhida_home()) / "training")

    def append(self, name: str, record: dict[str, Any]) -> None:
        """Add one record to a log (never rewrites what is there)."""
        line = json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n"
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / name
        with _lock, open(path, "ab") as fh:
            if fh.tell() and _last_byte(path) != b"\n":
                line = "\n" + line  # a torn last line (a crash mid-write) stays alone: this record is not lost
            fh.write(line.encode("utf-8"))
            fh.flush()
            fsync_file(fh)

    def read(self, name: str) -> tuple[list[dict[str, Any]], int]:
        """(records, lines skipped): every well-formed object of a log, in order."""
        path = self.folder / name
        try:
            with open(path, "rb") as fh:
                data = fh.read()
        except FileNotFoundError:
            return [], 0
        records, skipped = [], 0
        for raw in data.split(b"\n"):
            if not raw.strip():
                continue
            try:
                if len(raw) > MAX_LINE:
                    raise ValueError("line too long")
                record = json.loads(raw.decode("utf-8"))
                if not isinstance(record, dict):
                    raise ValueError("not an object")
            except (ValueError, UnicodeDecodeError):
                skipped += 1
                continue
            records.append(record)
        return records, skipped

    def profile(self) -> dict[str, Any]:
        """The trainee's profile ({name}); an unreadable one is empty."""
        try:
            data = json.loads((self.folder / PROFILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def display_name(self) -> str:
        """The name shown to the trainer when the team publishes named progress (default: the login name)."""
        name = self.profile().get("name")
        if isinstance(name, str) and name.strip():
            return name.strip()[:40]
        try:
            return os.getlogin()[:40]
        except OSError:
            return os.environ.get("USER") or os.environ.get("USERNAME") or "学员"

    def set_name(self, name: str) -> None:
        """Save the trainee's display name."""
        profile = self.profile()
        profile["name"] = name.strip()[:40]
        write_text_atomic(self.folder / PROFILE, json.dumps(profile, ensure_ascii=False, indent=2))
