"""Crash autosave: unsaved editor text kept under $ZHIDA_HOME and offered back on the next start.

One small JSON file per open item in $ZHIDA_HOME/authoring/<root-key>/autosave/, written atomically a
moment after typing stops and removed once the item is saved or the change discarded. A file left
behind means the app ended without saving: `pending()` lists them for the recovery prompt.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import dataclass
from pathlib import Path

from app.core.authoring.paths import authoring_dir
from app.core.fileio.atomic import write_text_atomic


@dataclass(frozen=True)
class Autosaved:
    """Unsaved text of one item."""

    rel: str
    item: str
    kind: str
    text: str
    base_hash: str | None
    time: float


class Autosave:
    """The autosave folder of one content root."""

    def __init__(self, content_root: Path, home: Path | None = None):
        self.dir = authoring_dir(content_root, home) / "autosave"

    def _file(self, rel: str, item: str) -> Path:
        return self.dir / (hashlib.sha256(f"{rel}\n{item}".encode()).hexdigest()[:20] + ".json")

    def write(self, rel: str, item: str, kind: str, text: str, base_hash: str | None) -> None:
        """Keep the editor's current text (the file it was opened from is `base_hash`)."""
        data = {"rel": rel, "item": item, "kind": kind, "text": text, "base_hash": base_hash, "time": time.time()}
        write_text_atomic(self._file(rel, item), json.dumps(data, ensure_ascii=False))

    def clear(self, rel: str, item: str) -> None:
        """Forget the unsaved text of an item (saved or discarded)."""
        try:
            os.unlink(self._file(rel, item))
        except FileNotFoundError:
            pass

    def pending(self) -> list[Autosaved]:
        """Unsaved texts left by a session that ended without saving, newest first."""
        found: list[Autosaved] = []
        try:
            names = sorted(os.listdir(self.dir))
        except OSError:
            return found
        for name in names:
            if not name.endswith(".json"):
                continue
            try:
                raw = json.loads((self.dir / name).read_text(encoding="utf-8"))
                base = raw.get("base_hash")
                found.append(
                    Autosaved(
                        str(raw["rel"]),
                        str(raw["item"]),
                        str(raw["kind"]),
                        str(raw["text"]),
                        str(base) if base else None,
                        float(raw["time"]),
                    )
                )
            except (OSError, ValueError, KeyError, TypeError):
                continue
        return sorted(found, key=lambda a: -a.time)
