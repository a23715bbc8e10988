"""Carry usage both ways after a sync: upload this client's new aggregates and records, read back answers.

Called by `zhida sync` and by the window after each sync, for every role. Sharing can be turned off in
设置 (`usage_sharing`); then nothing is read or written here. What would be sent is exactly what
`outgoing()` returns, which is also what 设置 shows.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.core.fileio.atomic import write_text_atomic
from app.core.settings import load_settings
from app.core.usage.aggregate import FORMAT, aggregate_days, day_of, day_start, days_before, strip_texts
from app.core.usage.identity import UsageShareError, client_secret, pseudonym, team_key
from app.core.usage.log import UsageLog
from app.core.usage.records import RESOLVE_FLAG, Flag, latest_decisions
from app.core.usage.share import (
    MAX_DAY_BYTES,
    TeamUsage,
    canonical,
    client_dirs,
    read_json,
    read_records,
    share_id,
    usage_dir,
    write_own,
)

DEFAULT_RETENTION_DAYS = 90
FIRST_UPLOAD_DAYS = 14  # a client that starts sharing sends its last two weeks, not its whole history


@dataclass
class ExchangeReport:
    """What one exchange did: files written, flags answered by their owner, files that could not be read."""

    written: list[str] = field(default_factory=list)
    resolved: list[Flag] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)
    client: str = ""
    disabled: bool = False

    def summary(self) -> str:
        """One line for the status bar or the CLI."""
        if self.disabled:
            return "团队统计未开启(设置中可打开)"
        parts = [f"使用统计已上传 {len(self.written)} 个文件"]
        if self.resolved:
            parts.append(f"{len(self.resolved)} 条反馈已处理")
        if self.errors:
            parts.append(f"{len(self.errors)} 个文件无法读取")
        return ",".join(parts)


def today() -> str:
    """Today's local date (YYYY-MM-DD)."""
    return dt.date.today().isoformat()


def outgoing(log: UsageLog, role: str, since_day: str, now: float | None = None) -> dict[str, Any]:
    """Exactly what this client shares for days from `since_day`: relative path → JSON document."""
    now = time.time() if now is None else now
    docs: dict[str, Any] = {}
    for day, doc in aggregate_days(log.events(day_start(since_day)), role, now).items():
        docs[f"days/{day}.json"] = doc
    docs["flags.json"] = {"format": FORMAT, "flags": [f.shared() for f in log.flags()]}
    docs["cases.json"] = {"format": FORMAT, "cases": [c.shared() for c in log.cases()]}
    decisions = log.decisions()
    if decisions:
        docs["decisions.json"] = {"format": FORMAT, "decisions": [d.shared() for d in decisions]}
    docs["client.json"] = {"format": FORMAT, "role": role}
    return docs


def exchange(
    share: Path,
    log: UsageLog,
    *,
    role: str,
    enabled: bool = True,
    retention_days: int = DEFAULT_RETENTION_DAYS,
    now: float | None = None,
) -> ExchangeReport:
    """Upload what changed since the last exchange, apply retention, and pick up answers to this client's flags."""
    report = ExchangeReport(disabled=not enabled)
    if not enabled:
        return report
    now = time.time() if now is None else now
    share = Path(share)
    state_path = log.home / "usage" / f"share-{share_id(share)}.json"
    state = _load_state(state_path)
    key = state.get("team_key") or team_key(share, usage_dir(share))
    client = pseudonym(key, client_secret(log.home))
    report.client = client
    state["team_key"] = key
    current = today_of(now)
    since = state.get("through") or days_before(current, FIRST_UPLOAD_DAYS - 1)
    hashes: dict[str, str] = state.setdefault("files", {})
    for rel, doc in outgoing(log, role, since, now).items():
        digest = hashlib.sha256(canonical(doc)).hexdigest()
        if hashes.get(rel) == digest:
            continue
        write_own(share, client, rel, doc)
        hashes[rel] = digest
        report.written.append(rel)
    state["through"] = current
    _retention(share, client, log, hashes, current, retention_days, report)
    _answers(share, client, log, report)
    write_text_atomic(state_path, json.dumps(state, ensure_ascii=False, sort_keys=True))
    return report


def exchange_after_sync(share: Path, home: Path | None = None) -> ExchangeReport:
    """`exchange` with this client's settings (role, sharing on/off, retention); for the CLI and the window."""
    settings, _ = load_settings(home)
    log = UsageLog(home)
    return exchange(
        Path(share),
        log,
        role=settings.role,
        enabled=settings.usage_sharing,
        retention_days=max(1, settings.usage_retention_days),
    )


def usage_notices(share: Path, home: Path | None = None) -> list[str]:
    """Run `exchange_after_sync` and say what happened in notice lines; it never raises (sync already succeeded)."""
    try:
        report = exchange_after_sync(share, home)
    except (UsageShareError, OSError) as exc:
        return [f"usage not shared / 使用统计未上传: {exc}"]
    notes = [] if report.disabled else [f"usage / 使用统计: {report.summary()}"]
    notes.extend(f"usage file skipped / 已跳过 {path}: {reason}" for path, reason in report.errors[:20])
    notes.extend(f"feedback answered / 反馈已处理: {f.title or f.article} — {f.note}" for f in report.resolved)
    return notes


def today_of(ts: float) -> str:
    """The local date of a timestamp."""
    return day_of(ts)


def _retention(
    share: Path, client: str, log: UsageLog, hashes: dict[str, str], current: str, days: int, report: ExchangeReport
) -> None:
    """Texts older than the retention period leave the local log and this client's files; counts stay."""
    cutoff = days_before(current, max(1, days))
    log.forget_texts(day_start(cutoff))
    folder = usage_dir(share) / client
    for rel in sorted(hashes):
        if not rel.startswith("days/") or rel[5:15] >= cutoff or hashes[rel].startswith("stripped:"):
            continue
        raw = read_json(share, folder / rel, MAX_DAY_BYTES)
        if isinstance(raw, str):
            if raw == "missing":
                hashes[rel] = "stripped:"
            else:
                report.errors.append((f"{client}/{rel}", raw))
            continue
        write_own(share, client, rel, strip_texts(raw))
        hashes[rel] = "stripped:" + hashlib.sha256(canonical(raw)).hexdigest()
        report.written.append(rel)


def _answers(share: Path, client: str, log: UsageLog, report: ExchangeReport) -> None:
    """Read the owners' decisions on this client's open flags (flags answered earlier are not re-read)."""
    open_ids = {f.id for f in log.open_flags()}
    if not open_ids:
        return
    team = TeamUsage()
    for other in client_dirs(share):
        read_records(team, share, other, only=("decisions",))
    report.errors.extend(team.errors)
    for (kind, target), decision in latest_decisions(team.decisions).items():
        if kind == RESOLVE_FLAG and target in open_ids:
            status, note = decision.value.get("status", ""), decision.value.get("note", "")
            if log.set_flag_resolution(target, status, note, decision.ts):
                report.resolved.extend(f for f in log.flags() if f.id == target)


def _load_state(path: Path) -> dict[str, Any]:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return raw if isinstance(raw, dict) else {}


__all__ = ["ExchangeReport", "UsageShareError", "exchange", "outgoing", "today"]
