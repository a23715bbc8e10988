"""Noticing files changed outside the app: a cheap stat snapshot of kb/ and scripts_library/.

`changes()` compares sizes and mtimes with the last snapshot, hashes only what moved, and leaves out
what this app wrote itself (`Authoring.written`), so a save never reloads itself. The window calls it
on a timer off the UI thread; its cost is one `os.scandir` walk (see docs/workbench.md).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from pathlib import Path

from app.core.content.loader import is_ignored_name

WATCHED = (("kb", (".md",)), ("scripts_library", (".yaml", ".yml", ".txt")))


class ContentWatcher:
    """The state of a content root's files as last seen."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self.seen: dict[str, tuple[int, int]] = self.scan()

    def scan(self) -> dict[str, tuple[int, int]]:
        """{rel: (size, mtime_ns)} of every content file (hidden and litter files skipped)."""
        found: dict[str, tuple[int, int]] = {}
        for top, suffixes in WATCHED:
            stack = [self.root / top]
            while stack:
                folder = stack.pop()
                try:
                    entries = list(os.scandir(folder))
                except OSError:
                    continue
                for entry in entries:
                    if entry.name.startswith(".") or is_ignored_name(entry.name):
                        continue
                    try:
                        if entry.is_dir(follow_symlinks=False):
                            stack.append(Path(entry.path))
                        elif entry.name.lower().endswith(suffixes) and entry.is_file():
                            info = entry.stat()
                            rel = Path(entry.path).relative_to(self.root).as_posix()
                            found[rel] = (info.st_size, info.st_mtime_ns)
                    except OSError:
                        continue
        return found

    def changes(self, written: Mapping[str, str] | None = None) -> list[str]:
        """Files added, changed or deleted since the last call, except those whose content this app wrote."""
        now = self.scan()
        written = written or {}
        changed: list[str] = []
        for rel in sorted(set(now) | set(self.seen)):
            if now.get(rel) == self.seen.get(rel):
                continue
            if rel in written:
                mine = written[rel]
                if rel not in now and mine == "":
                    continue
                if rel in now:
                    try:
                        digest = hashlib.sha256((self.root / rel).read_bytes()).hexdigest()
                    except OSError:
                        digest = None
                    if digest == mine:
                        continue
            changed.append(rel)
        self.seen = now
        return changed
