"""Where Zhida keeps its state and where the bundled content lives."""

from __future__ import annotations

import importlib.resources
import os
from pathlib import Path

import platformdirs

APP_NAME = "zhida"


def zhida_home() -> Path:
    """The folder for all state the app writes: `$ZHIDA_HOME`, else the platform's user data dir."""
    env = os.environ.get("ZHIDA_HOME")
    home = Path(env).expanduser() if env else Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    return home


def bundled_content_root() -> Path:
    """The bundled sample content: the checkout's own kb/ and scripts_library/ (beside the `app` package)
    when running from a checkout, else the copy the wheel carries as package data (app/bundled/)."""
    checkout = Path(__file__).resolve().parent.parent.parent
    if (checkout / "app").is_dir() and (checkout / "kb").is_dir() and (checkout / "scripts_library").is_dir():
        return checkout
    return Path(str(importlib.resources.files("app").joinpath("bundled")))


def is_content_root(path: Path) -> bool:
    """True when `path` holds a kb/ or scripts_library/ folder."""
    return (path / "kb").is_dir() or (path / "scripts_library").is_dir()


def is_empty_folder(path: Path) -> bool:
    """True for an existing folder with nothing in it but hidden entries: a new agent's pull target."""
    try:
        return path.is_dir() and not any(not p.name.startswith(".") for p in path.iterdir())
    except OSError:
        return False


def is_within(path: Path, root: Path) -> bool:
    """True when `path`, with symlinks resolved, stays inside `root`."""
    try:
        path.resolve().relative_to(root.resolve())
    except (ValueError, OSError):
        return False
    return True
