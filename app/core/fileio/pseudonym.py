"""Keyed pseudonymous ids on a team share: HMAC-SHA256(a key file on the share, this client's own secret).

The secret never leaves `$ZHIDA_HOME`; the key is a file in the share folder of the feature that uses it
(`.zhida/usage/TEAM_KEY`, `.zhida/training/TEAM_KEY`), created by the first client that needs it. The id
says which files belong together (one writer per folder) and lets a report count distinct people, but
without the secret nobody can tell which machine or person it is, and without the key an id cannot be
linked to another feature's or another team's. The usage reports and the training board both use this.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
from pathlib import Path

from app.core.fileio.atomic import make_dirs, shared_modes, write_text_atomic
from app.core.fileio.bounded import UnsafeFileError, read_bounded

HEX64 = re.compile(r"^[0-9a-f]{64}$")
PSEUDONYM = re.compile(r"^[0-9a-f]{16}$")
KEY_NAME = "TEAM_KEY"
MAX_KEY_BYTES = 256


class KeyFileError(Exception):
    """The key file on the share cannot be used right now; the message is one line naming the file."""


def client_secret(path: Path) -> str:
    """This client's random secret kept at `path` (under $ZHIDA_HOME), created on first use."""
    try:
        text = path.read_text(encoding="ascii").strip()
        if HEX64.match(text):
            return text
    except (OSError, UnicodeDecodeError):
        pass
    text = secrets.token_hex(32)
    write_text_atomic(path, text + "\n")
    return text


def team_key(folder: Path, root: Path, what: str = "team key") -> str:
    """The key in `folder/TEAM_KEY` on the share `root`, created by the first client that needs it."""
    path = folder / KEY_NAME
    for place in (folder.parent, folder, path):
        if place.is_symlink():
            raise KeyFileError(f"{place}: is a symbolic link; nothing is written through it")
    modes = shared_modes(root)
    try:
        make_dirs(folder, modes.dir)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, modes.file)  # only the first client wins
    except FileExistsError:
        pass
    except OSError as exc:
        raise KeyFileError(f"{path}: cannot create the {what} ({exc.strerror or exc})") from None
    else:
        with os.fdopen(fd, "w", encoding="ascii") as fh:
            fh.write(secrets.token_hex(32) + "\n")
    try:
        text = read_bounded(path, MAX_KEY_BYTES, root=root, follow_links=False).decode("ascii").strip()
    except UnsafeFileError:
        raise KeyFileError(f"{path}: not a {what} file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise KeyFileError(f"{path}: {what} unreadable ({exc})") from None
    if not HEX64.match(text):
        raise KeyFileError(f"{path}: {what} is not 64 hex digits (being written? retried at the next sync)")
    return text


def pseudonym(key: str, secret: str) -> str:
    """The client's id on the share: HMAC-SHA256(key, client secret), 16 hex digits."""
    return hmac.new(bytes.fromhex(key), bytes.fromhex(secret), hashlib.sha256).hexdigest()[:16]
