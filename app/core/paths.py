"""Where Zhida keeps its state and where the bundled content lives."""

from __future__ import annotations

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
    """The repository's own content root (kb/ and scripts_library/ beside the `app` package)."""
    return Path(__file__).resolve().parent.parent.parent


def is_content_root(path: Path) -> bool:
    """True when `path` holds a kb/ or scripts_library/ folder."""
    return (path / "kb").is_dir() or (path / "scripts_library").is_dir()


def is_within(path: Path, root: Path) -> bool:
    """True when `path`, with symlinks resolved, stays inside `root`."""
    try:
        path.resolve().relative_to(root.resolve())
    except (ValueError, OSError):
        return False
    return True
