"""Pseudonymous client ids of the usage reports: `fileio.pseudonym` keyed with the share's usage team key.

The secret stays in `$ZHIDA_HOME/usage/client.key`; the key is `.zhida/usage/TEAM_KEY` on the share (see
fileio/pseudonym.py for what the id reveals and what it does not).
"""

from __future__ import annotations

from pathlib import Path

from app.core.fileio import pseudonym as keyed
from app.core.fileio.pseudonym import PSEUDONYM as CLIENT_ID
from app.core.fileio.pseudonym import pseudonym

__all__ = ["CLIENT_ID", "UsageShareError", "client_secret", "pseudonym", "team_key"]


class UsageShareError(Exception):
    """The share cannot carry usage right now (missing, unmounted, unreadable key)."""


def client_secret(home: Path) -> str:
    """This client's random secret (created once under $ZHIDA_HOME/usage/)."""
    return keyed.client_secret(home / "usage" / "client.key")


def team_key(share: Path, usage_dir: Path) -> str:
    """The team key in the share (`.zhida/usage/TEAM_KEY`), created by the first client that needs it."""
    try:
        return keyed.team_key(usage_dir, share)
    except keyed.KeyFileError as exc:
        raise UsageShareError(str(exc)) from None
