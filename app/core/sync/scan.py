"""The local side of sync: hashing the content root cheaply, and checking bytes before they are imported."""

from __future__ import annotations

import hashlib
import os
import stat
import time
from pathlib import Path

from app.core.fileio.bounded import human_size, read_bounded_or_none
from app.core.fileio.limits import DEFAULT_LIMITS, Limits
from app.core.sync.names import (
    SYNCED_TOPS,
    content_kind,
    is_litter,
    nfc,
    normalization_form,
    unsafe_path_reason,
)

LOCAL_READ_LIMIT = DEFAULT_LIMITS.state  # a file in the content root: the user's own, but never a FIFO
STALE_TEMP_SECONDS = 600  # our own `.zhida-*.tmp` left by a killed run; a live write takes milliseconds


def content_problem(rel: str, data: bytes, limits: Limits = DEFAULT_LIMITS) -> str | None:
    """Why pulled/published bytes must not be imported (too large, not UTF-8, binary, YAML refused)."""
    from app.core.content.loader import split_front_matter
    from app.core.fileio.yamlsafe import YamlError, load_yaml

    low = rel.lower()
    limit = limits.for_path(rel)
    if len(data) > limit:
        return f"{human_size(len(data))}, over the {human_size(limit)} limit for this kind of file; not imported"
    if not low.endswith((".md", ".yaml", ".yml", ".txt", ".csv", ".json")):
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return "not UTF-8 text; not imported"
    if "\x00" in text or any(ord(ch) < 32 and ch not in "\t\n\r\f" for ch in text[:4096]):
        return "binary or corrupt file; not imported"
    text = text.lstrip("\ufeff")
    try:
        depth = {"max_depth": limits.yaml_depth, "max_alias_nodes": limits.yaml_alias_nodes}
        if low.endswith((".yaml", ".yml")):
            load_yaml(text, **depth)
        elif low.endswith(".md"):
            split = split_front_matter(text.replace("\r\n", "\n"))
            if split is not None:
                load_yaml(split[0], 2, **depth)
    except YamlError as exc:
        return f"line {exc.line}: {exc}; not imported"
    return None


def scan_local(
    root: Path, stat_cache: dict, names: dict[str, str] | None = None, swept: list[str] | None = None
) -> tuple[dict[str, str], dict[str, list], dict[str, str]]:
    """{path: hash} of synced files, the new stat cache, and {path: reason} for files that could not be read.

    Only the kinds of content sync carries are scanned (`content_kind`); other files are not synced.
    Our own temp files (`.zhida-*.tmp`) older than STALE_TEMP_SECONDS, left by a killed run, are removed
    and listed in `swept`.
    Paths are NFC keys (see `nfc`); `names`, when given, is filled with {key: path as spelled on disk}.
    Two files whose names differ only in Unicode normalization (possible on Linux) are not synced:
    their key gets a problem naming both and no entry in `names`, so the run leaves them and their base alone.
    A file whose size, mtime and inode are unchanged is not read again; anything else is hashed, so a
    touched mtime costs a read but never makes a change.
    """
    hashes: dict[str, str] = {}
    stats: dict[str, list] = {}
    problems: dict[str, str] = {}
    spelled: dict[str, str] = names if names is not None else {}
    twins: dict[str, list[str]] = {}
    prefix = os.path.join(str(root), "")
    stale_before = time.time() - STALE_TEMP_SECONDS
    for top in SYNCED_TOPS:
        base = root / top
        if base.is_symlink() or not base.is_dir():
            continue
        for dirpath, dirnames, filenames in os.walk(base):
            dirnames[:] = [d for d in dirnames if not is_litter(d) and not os.path.islink(os.path.join(dirpath, d))]
            for name in filenames:
                full = os.path.join(dirpath, name)
                if is_litter(name):
                    if name.startswith(".zhida-") and name.endswith(".tmp"):
                        _sweep(full, stale_before, prefix, swept)
                    continue
                disk = full[len(prefix) :].replace(os.sep, "/")
                rel = nfc(disk)
                if content_kind(rel) is None:
                    continue
                if rel in spelled:
                    twins.setdefault(rel, [spelled[rel]]).append(disk)
                else:
                    spelled[rel] = disk
                try:
                    st = os.lstat(full)
                except OSError as exc:
                    problems[rel] = f"cannot read ({exc.strerror or exc})"
                    continue
                if not stat.S_ISREG(st.st_mode):
                    continue
                if unsafe_path_reason(rel):
                    problems[rel] = f"not synced: {unsafe_path_reason(rel)}"
                    continue
                key = [st.st_size, st.st_mtime_ns, st.st_ino]
                cached = stat_cache.get(rel)
                if isinstance(cached, list) and len(cached) == 4 and cached[:3] == key:
                    digest = cached[3]
                else:
                    try:
                        digest = _hash_file(full)
                    except OSError as exc:
                        problems[rel] = f"cannot read ({exc.strerror or exc})"
                        continue
                hashes[rel] = digest
                stats[rel] = key + [digest]
    for rel, disks in twins.items():
        hashes.pop(rel, None)
        stats.pop(rel, None)
        spelled.pop(rel, None)
        both = " and ".join(f"{d} ({normalization_form(d)})" for d in sorted(disks))
        problems[rel] = (
            f"not synced: {both} are {len(disks)} files whose names differ only in Unicode "
            f"normalization; rename or remove all but one"
        )
    return hashes, stats, problems


def _hash_file(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb", buffering=0) as fh:  # scan_local checked it is a regular file
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _sweep(full: str, stale_before: float, prefix: str, swept: list[str] | None) -> None:
    try:
        st = os.lstat(full)
        if stat.S_ISREG(st.st_mode) and st.st_mtime < stale_before:
            os.unlink(full)
            if swept is not None:
                swept.append(full[len(prefix) :].replace(os.sep, "/"))
    except OSError:
        pass  # gone already, or not ours to remove


def local_path(root: Path, rel: str, names: dict[str, str] | None = None, listings: dict | None = None) -> Path:
    """Where item `rel` lives in the content root: the spelling on disk when a file or folder with the same
    NFC name exists (never a second file differing only in normalization), else the NFC name.

    `names` is a scan's {key: spelling}; `listings` caches {folder: {NFC name: spelling}} for one run.
    """
    rel = nfc(rel)
    if names is not None and rel in names:
        return root / names[rel]
    path = Path(root)
    for part in rel.split("/"):
        exact = path / part
        if os.path.lexists(exact):
            path = exact
            continue
        spellings = listings.get(path) if listings is not None else None
        if spellings is None:
            try:
                entries = sorted(os.listdir(path))
            except OSError:
                entries = []
            spellings = {}
            for entry in entries:
                spellings.setdefault(nfc(entry), entry)
            if listings is not None:
                listings[path] = spellings
        path = path / spellings.get(part, part)
    return path


def read_or_none(path: Path) -> bytes | None:
    """The file's bytes, or None when it does not exist; a FIFO, device or huge file raises (an OSError)."""
    return read_bounded_or_none(path, LOCAL_READ_LIMIT)


def hash_or_none(data: bytes | None) -> str | None:
    """SHA-256 of `data`, None for an absent file."""
    return None if data is None else hashlib.sha256(data).hexdigest()
