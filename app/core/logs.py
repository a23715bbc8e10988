"""Logging to a rotating file under $ZHIDA_HOME/logs/, with personal data masked in every record.

Failures the user only glimpses in the status bar (or that a background task swallowed) land here with
their traceback, so a support colleague can read what happened. A pasted customer message can reach a
log line through an error message: every record is masked (`mask_personal_data`) before it is written.
"""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

from app.core.paths import zhida_home
from app.core.text.pii import mask_personal_data

LOG_FILE = "zhida.log"
MAX_BYTES = 1_000_000
BACKUPS = 3
_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class MaskingFormatter(logging.Formatter):
    """A formatter whose output (message, arguments and traceback alike) has personal data masked."""

    def format(self, record: logging.LogRecord) -> str:
        return mask_personal_data(super().format(record))


def log_dir(home: Path | None = None) -> Path:
    """The folder log files go to."""
    return (home or zhida_home()) / "logs"


def setup_logging(home: Path | None = None, level: int = logging.INFO) -> Path | None:
    """Send the `zhida` loggers to a rotating file under $ZHIDA_HOME/logs/; returns its path, or None
    when the folder cannot be written (the app runs on without a log file)."""
    root = logging.getLogger("zhida")
    path = log_dir(home) / LOG_FILE
    for handler in list(root.handlers):
        if getattr(handler, "baseFilename", None) == str(path):
            return path  # already set up for this home
        root.removeHandler(handler)
        handler.close()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8")
    except OSError:
        return None
    handler.setFormatter(MaskingFormatter(_FORMAT))
    root.addHandler(handler)
    root.setLevel(level)
    root.propagate = False
    return path


def get_logger(name: str) -> logging.Logger:
    """A logger under `zhida.` (what setup_logging writes to the file)."""
    return logging.getLogger(f"zhida.{name}")
