"""User settings stored as JSON under $ZHIDA_HOME, and how the content root is chosen."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

from app.core.fileio.atomic import write_text_atomic
from app.core.fileio.limits import DEFAULT_LIMITS, Limits
from app.core.paths import bundled_content_root, zhida_home
from app.core.vocab import AGENT, AUDIENCES, CHANNELS, GENERAL, ONLINE, ROLES


@dataclass
class Settings:
    """What the user chose in the settings dialog; unknown or bad values fall back to defaults."""

    content_root: str = ""
    shared_folder: str = ""
    sync_interval_s: int = 60
    role: str = AGENT
    audience: str = GENERAL
    channel: str = ONLINE
    font_size: int = 11
    always_on_top: bool = False
    hotkey: str = "Ctrl+Alt+Z"  # global: brings the window to the front from any application ("" = none)
    clipboard_watch: bool = False  # offer text copied in other applications as a search
    tray: bool = True  # a tray icon; closing the window keeps Zhida running there
    dock_right: bool = False  # keep the window on the right edge of the screen, full height
    window_geometry: str = ""
    usage_sharing: bool = True  # share daily usage aggregates with the team (docs/insights.md)
    usage_retention_days: int = 90  # query texts older than this leave the log and the share
    extra: dict = field(default_factory=dict)


def settings_path(home: Path | None = None) -> Path:
    """The settings file under $ZHIDA_HOME."""
    return (home or zhida_home()) / "settings.json"


def load_settings(home: Path | None = None) -> tuple[Settings, str | None]:
    """(settings, warning): a missing file gives defaults; a broken one gives defaults and a warning."""
    path = settings_path(home)
    if not path.exists():
        return Settings(), None
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(raw, dict):
            raise ValueError("not a JSON object")
    except (OSError, ValueError) as exc:
        return Settings(), f"{path}: settings unreadable ({exc}); using defaults"
    defaults = Settings()
    values = {}
    for f in fields(Settings):
        value = raw.get(f.name, getattr(defaults, f.name))
        expected = type(getattr(defaults, f.name))
        values[f.name] = value if isinstance(value, expected) else getattr(defaults, f.name)
    settings = Settings(**values)
    if settings.role not in ROLES:
        settings.role = defaults.role
    if settings.audience not in AUDIENCES:
        settings.audience = defaults.audience
    if settings.channel not in CHANNELS:
        settings.channel = defaults.channel
    return settings, None


def save_settings(settings: Settings, home: Path | None = None) -> None:
    """Write settings atomically so a crash never leaves half a file."""
    write_text_atomic(settings_path(home), json.dumps(asdict(settings), ensure_ascii=False, indent=2))


def file_limits(settings: Settings) -> Limits:
    """The size/depth limits per kind of file (fileio.limits), with settings.json's "extra": {"file_limits": …}."""
    return DEFAULT_LIMITS.with_overrides(settings.extra.get("file_limits"))


def resolve_content_root(explicit: str | Path | None = None, home: Path | None = None) -> Path:
    """`--content DIR` if given, else the configured workspace, else the bundled sample content."""
    if explicit:
        return Path(explicit).expanduser()
    settings, _ = load_settings(home)
    if settings.content_root:
        return Path(settings.content_root).expanduser()
    return bundled_content_root()
