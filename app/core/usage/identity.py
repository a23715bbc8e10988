"""Pseudonymous client ids: a keyed HMAC of this client's random secret with the team key in the share.

The secret never leaves `$ZHIDA_HOME`; the id in the share says which files belong together (one writer
per folder) and lets the report count distinct agents, but without the secret nobody can tell which
machine or person it is, and without the team key it cannot be linked across teams.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
from pathlib import Path

from app.core.fileio.atomic import write_text_atomic

HEX64 = re.compile(r"^[0-9a-f]{64}$")
CLIENT_ID = re.compile(r"^[0-9a-f]{16}$")
KEY_NAME = "TEAM_KEY"
MAX_KEY_BYTES = 256


class UsageShareError(Exception):
    """The share cannot carry usage right now (missing, unmounted, unreadable key)."""


def client_secret(home: Path) -> str:
    """This client's random secret (created once under $ZHIDA_HOME/usage/)."""
    path = home / "usage" / "client.key"
    try:
        text = path.read_text(encoding="ascii").strip()
        if HEX64.match(text):
            return text
    except (OSError, UnicodeDecodeError):
        pass
    text = secrets.token_hex(32)
    write_text_atomic(path, text + "\n")
    return text


def team_key(usage_dir: Path) -> str:
    """The team key in the share (`.zhida/usage/TEAM_KEY`), created by the first client that needs it."""
    path = usage_dir / KEY_NAME
    if usage_dir.is_symlink() or usage_dir.parent.is_symlink() or path.is_symlink():
        raise UsageShareError(f"{usage_dir}: is a symbolic link; usage is not written through it")
    usage_dir.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    except FileExistsError:
        pass
    except OSError as exc:
        raise UsageShareError(f"{path}: cannot create the team key ({exc.strerror or exc})") from None
    else:
        with os.fdopen(fd, "w", encoding="ascii") as fh:
            fh.write(secrets.token_hex(32) + "\n")
    try:
        if not path.is_file() or path.stat().st_size > MAX_KEY_BYTES:
            raise UsageShareError(f"{path}: not a team key file")
        text = path.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageShareError(f"{path}: team key unreadable ({exc})") from None
    if not HEX64.match(text):
        raise UsageShareError(f"{path}: team key is not 64 hex digits (being written? retried at the next sync)")
    return text


def pseudonym(key: str, secret: str) -> str:
    """The client's id in the share: HMAC-SHA256(team key, client secret), 16 hex digits."""
    return hmac.new(bytes.fromhex(key), bytes.fromhex(secret), hashlib.sha256).hexdigest()[:16]
