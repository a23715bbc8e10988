"""Trainees' progress on the team's share, and the trainer's view of the cohort (培训看板).

Opt-in per team (`settings: publish_progress: off | named | pseudonymous` in the content root). Each
trainee writes only its own file, `SHARE/.zhida/training/<id>/progress.json`, atomically (one writer
per file). `<id>` is a keyed HMAC — HMAC-SHA256(the share's training key, the client's secret), 16 hex
digits, as the usage reports do (fileio.pseudonym) — so the trainer can tell trainees apart without knowing who they are
unless the team publishes names. The training key is its own (`.zhida/training/TEAM_KEY`), so a
training id cannot be matched with a usage id. Only scores, rubric item names, due times and exam
results are published: never a reply the trainee wrote.

Everything read back is untrusted: folder names are checked, files are read with fileio.bounded (regular
files only, no links, at most `MAX_BYTES`, JSON depth-limited), every field is validated, and a bad file
is a notice, never a failure. Files written get the share folder's group bits (fileio.atomic.shared_modes).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from app.core.fileio.atomic import shared_modes, write_bytes_atomic
from app.core.fileio.bounded import ParseError, UnsafeFileError, read_json
from app.core.fileio.pseudonym import KEY_NAME, PSEUDONYM, KeyFileError, client_secret, pseudonym, team_key
from app.core.training.exam import ExamResult
from app.core.training.progress import Progress
from app.core.training.schedule import DeckStats
from app.core.training.settings import NAMED, PSEUDONYMOUS
from app.core.training.store import TrainingStore, parse_time

FORMAT = 1
SHARE_DIR = (".zhida", "training")
PROGRESS = "progress.json"
MAX_BYTES = 256 * 1024
MAX_TRAINEES = 500
STUCK_DAYS = 7


class CohortError(Exception):
    """The share cannot carry training progress right now (not a share, unreadable key)."""


def training_dir(share: Path) -> Path:
    """`SHARE/.zhida/training`."""
    return share.joinpath(*SHARE_DIR)


def trainee_id(share: Path, store: TrainingStore) -> str:
    """This trainee's id in the share: the keyed pseudonym (fileio.pseudonym) under the training key."""
    if not (share / ".zhida" / "FORMAT").is_file():
        raise CohortError(f"{share}: not a Zhida share (no .zhida/FORMAT)")
    try:
        key = team_key(training_dir(share), share, "training key")
    except KeyFileError as exc:
        raise CohortError(str(exc)) from None
    return pseudonym(key, client_secret(store.folder / "client.key"))


def summary(
    progress: Progress, deck: DeckStats, exams: list[ExamResult], mode: str, name: str, now: datetime
) -> dict[str, Any]:
    """What a trainee publishes: scores over time, weak items, due times, exams — no reply text."""
    return {
        "format": FORMAT,
        "mode": mode,
        "name": name if mode == NAMED else "",
        "updated": now.isoformat(),
        "attempts": len(progress.attempts),
        "recent_average": round(progress.recent_average, 1),
        "history": [{"ts": a.when.isoformat(), "drill": a.drill, "total": a.total} for a in progress.attempts[-50:]],
        "weak_items": [{"name": a.name, "right": round(a.average, 3), "seen": a.count} for a in progress.by_item[:10]],
        "weak_types": [{"name": a.name, "average": round(a.average, 1), "count": a.count} for a in progress.by_type],
        "cards": {"total": deck.total, "new": deck.new, "reviewed_today": deck.reviewed_today},
        "due": deck.due_times[:200],
        "exams": [
            {"exam": e.exam, "title": e.title, "total": e.total, "passed": e.passed, "ts": e.finished.isoformat()}
            for e in exams[-20:]
        ],
    }


def publish(share: Path, store: TrainingStore, data: dict[str, Any]) -> Path:
    """Write this trainee's summary to the share (atomic replace of its own file); the path written."""
    if data.get("mode") not in (NAMED, PSEUDONYMOUS):
        raise CohortError("the team does not publish training progress (settings: publish_progress: off)")
    folder = training_dir(share) / trainee_id(share, store)
    path = folder / PROGRESS
    modes = shared_modes(share)
    text = json.dumps(data, ensure_ascii=False, indent=1)
    write_bytes_atomic(path, text.encode("utf-8"), mode=modes.file, dir_mode=modes.dir)
    return path


@dataclass
class TraineeRow:
    """One trainee on the trainer's board."""

    id: str
    name: str
    updated: datetime
    attempts: int
    recent_average: float
    due_now: int
    exams_passed: list[str]
    last_exam: str
    weak: list[str]
    stuck: str  # why the trainee seems stuck, or ''
    history: list[int] = field(default_factory=list)


@dataclass
class Cohort:
    """The trainer's board: every trainee who published, the team's weakest items, and files skipped."""

    trainees: list[TraineeRow] = field(default_factory=list)
    weakest: list[tuple[str, float, int]] = field(default_factory=list)  # (item, share right, trainees missing it)
    notices: list[str] = field(default_factory=list)


def read_cohort(share: Path, now: datetime) -> Cohort:
    """Every trainee's published progress, validated, with who is due and who is stuck."""
    cohort = Cohort()
    folder = training_dir(share)
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except FileNotFoundError:
        return cohort
    except OSError as exc:
        cohort.notices.append(f"{folder}: 无法读取 ({exc.strerror or exc})")
        return cohort
    misses: dict[str, list[float]] = {}
    for entry in entries[: MAX_TRAINEES + 2]:
        if entry.name == KEY_NAME:
            continue
        if not PSEUDONYM.match(entry.name) or not entry.is_dir(follow_symlinks=False):
            cohort.notices.append(f"{entry.name}: 不是学员文件夹,已跳过")
            continue
        row = _read_row(Path(entry.path) / PROGRESS, share, entry.name, now, cohort.notices)
        if row is None:
            continue
        cohort.trainees.append(row[0])
        for name, right in row[1]:
            misses.setdefault(name, []).append(right)
    cohort.weakest = sorted(
        ((name, sum(v) / len(v), len(v)) for name, v in misses.items()), key=lambda x: (-x[2], x[1])
    )[:10]
    cohort.trainees.sort(key=lambda r: (not r.stuck, -r.due_now, r.name))
    return cohort


def _read_row(
    path: Path, share: Path, trainee: str, now: datetime, notices: list[str]
) -> tuple[TraineeRow, list[tuple[str, float]]] | None:
    try:
        data = read_json(path, MAX_BYTES, root=share, follow_links=False)
    except FileNotFoundError:
        return None
    except UnsafeFileError:
        notices.append(f"{trainee}: 进度文件过大或不是普通文件,已跳过")
        return None
    except (OSError, ParseError) as exc:
        notices.append(f"{trainee}: 进度文件无法读取 ({type(exc).__name__}),已跳过")
        return None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        notices.append(f"{trainee}: 进度文件格式不对,已跳过")
        return None
    updated = parse_time(data.get("updated")) or now
    mode = data.get("mode")
    name = data.get("name") if mode == NAMED and isinstance(data.get("name"), str) else ""
    name = (name or "").strip()[:40] or f"学员 {trainee[:4]}"
    due = [d for d in (parse_time(x) for x in _list(data, "due", 500)) if d is not None]
    totals = [h.get("total") for h in _list(data, "history", 50) if isinstance(h, dict)]
    history: list[int] = [h for h in totals if isinstance(h, int) and not isinstance(h, bool) and 0 <= h <= 100]
    weak = [
        (str(w.get("name"))[:40], float(w.get("right", 0)))
        for w in _list(data, "weak_items", 10)
        if isinstance(w, dict) and isinstance(w.get("name"), str) and isinstance(w.get("right"), (int, float))
    ]
    exams = [e for e in _list(data, "exams", 20) if isinstance(e, dict)]
    passed = [str(e.get("title") or e.get("exam"))[:40] for e in exams if e.get("passed") is True]
    last_exam = ""
    if exams:
        e = exams[-1]
        last_exam = f"{str(e.get('title') or e.get('exam'))[:30]} {e.get('total')} 分" + (
            " 通过" if e.get("passed") is True else " 未通过"
        )
    raw_attempts, raw_average = data.get("attempts"), data.get("recent_average")
    attempts = raw_attempts if isinstance(raw_attempts, int) else len(history)
    average = float(raw_average) if isinstance(raw_average, (int, float)) else 0.0
    due_now = sum(1 for d in due if d <= now)
    row = TraineeRow(
        trainee,
        name,
        updated,
        max(0, attempts),
        max(0.0, min(100.0, average)),
        due_now,
        passed,
        last_exam,
        [w[0] for w in weak[:3]],
        _stuck(history, due_now, updated, now),
        history,
    )
    return row, weak


def _list(data: dict[str, Any], key: str, limit: int) -> list[Any]:
    value = data.get(key)
    return value[:limit] if isinstance(value, list) else []


def _stuck(history: list[int], due_now: int, updated: datetime, now: datetime) -> str:
    """Why a trainee looks stuck: low recent scores, no progress over the last attempts, or idle with cards due."""
    last = history[-3:]
    if len(last) == 3 and sum(last) / 3 < 60:
        return f"最近 3 次平均 {sum(last) / 3:.0f} 分"
    if len(history) >= 6 and sum(history[-3:]) <= sum(history[-6:-3]):
        return "最近几次没有进步"
    if due_now and now - updated > timedelta(days=STUCK_DAYS):
        return f"{(now - updated).days} 天没有练习,{due_now} 张卡片到期"
    return ""
