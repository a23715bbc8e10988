"""Subcommands of `zhida`: every module here with a `register(subparsers)` function is one command.

Each parses its arguments and calls app.core; may import app.core and app.bench, never app.ui."""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType


def discover() -> list[ModuleType]:
    """Import every command module (only when a command line is parsed: they pull in search, sync …)."""
    modules = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        if hasattr(module, "register"):
            modules.append(module)
    return modules
