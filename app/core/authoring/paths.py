"""Where the workbench keeps its state: $ZHIDA_HOME/authoring/<content-root-key>/ (never the content root)."""

from __future__ import annotations

import getpass
import hashlib
import json
import os
import re
from pathlib import Path

from app.core.fileio.atomic import write_text_atomic
from app.core.paths import zhida_home

NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def root_key(content_root: Path) -> str:
    """A short stable key of a content root (the same root always maps to the same folder)."""
    return hashlib.sha256(str(Path(content_root).resolve()).encode("utf-8")).hexdigest()[:16]


def authoring_dir(content_root: Path, home: Path | None = None) -> Path:
    """The workbench's folder for one content root under $ZHIDA_HOME."""
    return (home or zhida_home()) / "authoring" / root_key(content_root)


def identity(home: Path | None = None) -> str:
    """This client's reviewer name (login + random suffix, kept in $ZHIDA_HOME): two homes are two people."""
    path = (home or zhida_home()) / "authoring" / "identity.json"
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(raw, dict) and isinstance(raw.get("name"), str) and NAME.match(raw["name"]):
            return raw["name"]
    except (OSError, ValueError):
        pass
    try:
        user = getpass.getuser()
    except Exception:
        user = "user"
    user = re.sub(r"[^A-Za-z0-9_-]", "", user)[:40] or "user"
    name = f"{user}-{os.urandom(3).hex()}"
    write_text_atomic(path, json.dumps({"name": name}))
    return name


def sha256_text(text: str) -> str:
    """The hash of a text as it is written to disk (UTF-8), the same hash sync uses for the file."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
