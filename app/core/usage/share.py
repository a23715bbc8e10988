"""Usage on the shared folder: `.zhida/usage/<pseudonymous id>/`, one writer per folder, read defensively.

```
SHARE/.zhida/usage/TEAM_KEY                 the team key (64 hex digits) the ids are keyed with
SHARE/.zhida/usage/<id>/client.json         {format, role}
SHARE/.zhida/usage/<id>/days/<YYYY-MM-DD>.json   one day's aggregates (usage.aggregate)
SHARE/.zhida/usage/<id>/flags.json          {format, flags: [...]}      (usage.records.Flag)
SHARE/.zhida/usage/<id>/cases.json          {format, cases: [...]}      (usage.records.Case)
SHARE/.zhida/usage/<id>/decisions.json      {format, decisions: [...]}  (usage.records.Decision)
```
The sync engine never looks here and nothing here touches content: a client writes only its own folder,
each file atomically, so usage never conflicts. Everything read back is untrusted: only regular files of a
bounded size, names checked, every field validated; a bad file is reported by path and skipped.
Reads go through fileio.bounded (`read_json` here only turns its errors into the reason that is reported);
writes get the share folder's group bits (fileio.atomic.shared_modes).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.core.fileio.atomic import shared_modes, write_bytes_atomic
from app.core.fileio.bounded import FileTooLarge, NotARegularFile, ParseError, read_bounded
from app.core.fileio.bounded import read_json as bounded_json
from app.core.fileio.limits import DEFAULT_LIMITS
from app.core.usage.identity import CLIENT_ID, UsageShareError
from app.core.usage.records import Case, Decision, Flag, RecordError
from app.core.usage.store import TeamStore

USAGE_DIR = (".zhida", "usage")
DAY_NAME = re.compile(r"^(\d{4}-\d{2}-\d{2})\.json$")
MAX_DAY_BYTES = 512 * 1024
MAX_RECORDS_BYTES = 4 * 1024 * 1024
MAX_CLIENTS = 5000
MAX_LIST = 2000


def usage_dir(share: Path) -> Path:
    """The usage folder of a share."""
    return share.joinpath(*USAGE_DIR)


def share_id(share: Path) -> str:
    """The share's id from its marker (`.zhida/FORMAT`); UsageShareError when the share is not there."""
    raw = _read(share, share / ".zhida" / "FORMAT", DEFAULT_LIMITS.head, read_bounded)
    if isinstance(raw, str):
        raise UsageShareError(f"share not available: {share / '.zhida' / 'FORMAT'} {raw}")
    match = re.search(rb"^id: ([0-9a-f]{32})$", raw, re.MULTILINE)
    if not match:
        raise UsageShareError(f"{share / '.zhida' / 'FORMAT'}: not a Zhida share marker")
    return match.group(1).decode("ascii")


def canonical(data: object) -> bytes:
    """Deterministic JSON bytes (a file is rewritten only when its content changed)."""
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def write_own(share: Path, client: str, rel: str, data: object) -> None:
    """Write one file of this client's own folder atomically; a folder on the way that is a symlink is refused."""
    top = usage_dir(share)
    target = top / client / rel
    for folder in (share / ".zhida", top, top / client, target.parent):
        if folder.is_symlink():
            raise UsageShareError(f"{folder}: is a symbolic link; usage is not written through it")
    modes = shared_modes(share)
    write_bytes_atomic(target, canonical(data), mode=modes.file, dir_mode=modes.dir)


# ---- reading (untrusted) -------------------------------------------------------------------------
def _read(share: Path, path: Path, limit: int, parse: Callable[..., Any]) -> Any:
    """`parse` (a fileio.bounded reader) of a regular file in the share, not a link, at most `limit` bytes;
    else the reason (a str) it was refused."""
    try:
        return parse(path, limit, root=share, follow_links=False)
    except FileNotFoundError:
        return "missing"
    except NotARegularFile:
        return "not a regular file"
    except FileTooLarge as exc:
        return f"too large ({(exc.strerror or '').removeprefix('refused: ')})"
    except ParseError as exc:
        return f"not JSON ({str(exc)[:80]})"
    except OSError as exc:
        return f"unreadable ({exc.strerror or exc})"


def read_json(share: Path, path: Path, limit: int) -> dict[str, Any] | str:
    """A JSON object from a bounded regular file of the share, else the reason (a str) it could not be used."""
    value = _read(share, path, limit, bounded_json)
    return value if isinstance(value, (dict, str)) else "not a JSON object"


def _int(value: object) -> int:
    if type(value) is not int or not 0 <= value < 10**9:
        raise RecordError("a count is not a non-negative integer")
    return value


def _text(value: object, limit: int = 300) -> str:
    if type(value) is not str:
        raise RecordError("a text field is not text")
    return value[:limit]


def _rows(raw: object, keys: tuple[tuple[str, str], ...]) -> list[tuple]:
    """A list of objects with the given (field, 'int' | 'str'), checked, as tuples in that order; at most MAX_LIST."""
    if raw is None:
        return []
    if type(raw) is not list:
        raise RecordError("a list field is not a list")
    out = []
    for item in raw[:MAX_LIST]:
        if type(item) is not dict:
            raise RecordError("a list entry is not an object")
        row = []
        for key, kind in keys:
            value = item.get(key, 0 if kind == "int" else "")
            row.append(_int(value) if kind == "int" else _text(value))
        out.append(tuple(row))
    return out


_QUERY_ROW = (("q", "str"), ("n", "int"), ("zero", "int"), ("noclick", "int"))
_DRAFT_ROW = (("type", "str"), ("category", "str"), ("article", "str"), ("n", "int"))
_GAP_ROW = (("q", "str"), ("type", "str"), ("n", "int"))
_LEARNED_ROW = (("q", "str"), ("article", "str"), ("n", "int"))


def parse_day(raw: dict[str, Any], day: str) -> dict[str, Any]:
    """One day's aggregates read from the share, every field checked; RecordError when malformed.

    List fields come back as tuples: queries (q, n, zero, noclick), drafts (type, category, article, n),
    gaps (q, type, n), learned (q, article, n)."""
    if raw.get("day") != day:
        raise RecordError("'day' does not match the file name")
    counts = {k: _int(raw.get(k, 0)) for k in ("searches", "no_result", "no_click", "private_searches")}
    maps = {}
    for key in ("opens", "copies"):
        value = raw.get(key, {})
        if type(value) is not dict:
            raise RecordError(f"'{key}' is not an object")
        maps[key] = {_text(k, 200): _int(v) for k, v in list(value.items())[:MAX_LIST]}
    voice = raw.get("voice", [])
    if type(voice) is not list:
        raise RecordError("'voice' is not a list")
    return {
        "day": day,
        "role": _text(raw.get("role", ""), 20),
        **counts,
        **maps,
        "queries": _rows(raw.get("queries"), _QUERY_ROW),
        "drafts": _rows(raw.get("drafts"), _DRAFT_ROW),
        "gaps": _rows(raw.get("gaps"), _GAP_ROW),
        "learned": _rows(raw.get("learned"), _LEARNED_ROW),
        "voice": [_text(v, 500) for v in voice[:MAX_LIST]],
        "texts_removed": raw.get("texts_removed") is True,
    }


@dataclass
class TeamUsage:
    """Everything the team shared: daily aggregates (in `store`), flags, cases, decisions, unusable files."""

    store: TeamStore = field(default_factory=TeamStore)
    roles: dict[str, str] = field(default_factory=dict)
    flags: list[Flag] = field(default_factory=list)
    cases: list[Case] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)
    files_read: int = 0
    days_read: int = 0  # day files read (not already in the store)


def client_dirs(share: Path) -> list[str]:
    """The pseudonymous ids with a folder in the share (names checked, real folders only, bounded)."""
    top = usage_dir(share)
    try:
        entries = list(os.scandir(top))
    except FileNotFoundError:
        return []
    except OSError as exc:
        raise UsageShareError(f"cannot list {top} ({exc.strerror or exc})") from None
    names = sorted(e.name for e in entries if CLIENT_ID.match(e.name) and e.is_dir(follow_symlinks=False))
    return names[:MAX_CLIENTS]


def read_team(
    share: Path,
    since: str,
    until: str,
    *,
    store: TeamStore | None = None,
    records: bool = True,
    days: bool = True,
    today: str | None = None,
) -> TeamUsage:
    """Bring `store` (default: a new in-memory one) up to date with every client's days from `since` to `until`
    (YYYY-MM-DD, inclusive; not with `days=False`) and, with `records`, read their flags, cases and decisions."""
    team = TeamUsage(store=store or TeamStore())
    today = today or dt.date.today().isoformat()
    top = usage_dir(share)
    clients = client_dirs(share)
    for client in clients:
        folder = top / client
        if days:
            _refresh_days(team, share, client, since, until, today)
        client_doc = read_json(share, folder / "client.json", 4096)
        if isinstance(client_doc, dict) and isinstance(client_doc.get("role"), str):
            team.roles[client] = client_doc["role"][:20]
        if records:
            read_records(team, share, client)
    if days:
        team.store.drop_other_clients(clients)
        team.store.commit()
    return team


def _refresh_days(team: TeamUsage, share: Path, client: str, since: str, until: str, today: str) -> None:
    folder = usage_dir(share) / client
    store = team.store
    known = store.known(client)
    listed: set[str] = set()
    try:
        entries = list(os.scandir(folder / "days"))
    except FileNotFoundError:
        entries = []
    except OSError as exc:
        team.errors.append((f"{client}/days", f"cannot list ({exc.strerror or exc})"))
        return
    for entry in entries:
        match = DAY_NAME.match(entry.name)
        if not match or not since <= match.group(1) <= until:
            continue  # other days, litter, temp files of a write in progress
        day = match.group(1)
        listed.add(day)
        if not store.needs(day, known, entry, today):
            continue
        rel = f"{client}/days/{entry.name}"
        team.files_read += 1
        team.days_read += 1
        raw = read_json(share, Path(entry.path), MAX_DAY_BYTES)
        try:
            if isinstance(raw, str):
                raise RecordError(raw)
            info = entry.stat(follow_symlinks=False)
            store.put(client, day, parse_day(raw, day), info.st_size, info.st_mtime_ns, replace=day in known)
        except (RecordError, OSError) as exc:
            team.errors.append((rel, str(exc)))
            store.forget(client, day)
    for day in known:
        if since <= day <= until and day not in listed:
            store.forget(client, day)  # the writer removed it


_RECORD_FILES: dict[str, Callable[[object], Flag | Case | Decision]] = {
    "flags": Flag.parse,
    "cases": Case.parse,
    "decisions": Decision.parse,
}


def read_records(team: TeamUsage, share: Path, client: str, only: tuple[str, ...] | None = None) -> None:
    """Add one client's flags, cases and decisions to `team`; a bad record is reported and skipped."""
    folder = usage_dir(share) / client
    for name, parse in _RECORD_FILES.items():
        if only is not None and name not in only:
            continue
        rel = f"{client}/{name}.json"
        raw = read_json(share, folder / f"{name}.json", MAX_RECORDS_BYTES)
        if raw == "missing":
            continue
        team.files_read += 1
        if isinstance(raw, str):
            team.errors.append((rel, raw))
            continue
        items = raw.get(name, [])
        if not isinstance(items, list):
            team.errors.append((rel, f"'{name}' is not a list"))
            continue
        target: list[Any] = getattr(team, name)
        for number, item in enumerate(items[:MAX_LIST], 1):
            try:
                record = parse(item)
            except RecordError as exc:
                team.errors.append((rel, f"entry {number}: {exc}"))
                continue
            record.client = client
            target.append(record)
