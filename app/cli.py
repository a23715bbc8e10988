"""Command line: argument parsing only; each subcommand lives in app/commands/ and calls app.core."""

from __future__ import annotations

import time

PROCESS_START = time.perf_counter()  # before the heavier imports: start-up is measured from here

import argparse  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402
from collections.abc import Sequence  # noqa: E402

from app import __version__  # noqa: E402
from app.commands.common import CommandError  # noqa: E402


def build_parser() -> argparse.ArgumentParser:
    """The `zhida` parser with every subcommand registered."""
    parser = argparse.ArgumentParser(
        prog="zhida",
        description="知答 Zhida: 客服知识库与话术助手. Without a command, opens the desktop app.",
    )
    parser.add_argument("--version", action="version", version=f"zhida {__version__}")
    parser.add_argument("--content", metavar="DIR", help="content root (kb/ and scripts_library/)")
    parser.add_argument(
        "--startup-report",
        action="store_true",
        help="open the app, wait until it is ready, print timings as JSON and exit",
    )
    from app.commands import discover

    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in discover():
        module.register(sub)
    return parser


def _window_only(argv: list[str]) -> argparse.Namespace | None:
    """The parsed options when the command line only asks for the window (no command, no --help)."""
    top = argparse.ArgumentParser(add_help=False)
    top.add_argument("--content")
    top.add_argument("--startup-report", action="store_true")
    known, rest = top.parse_known_args(argv)
    return None if rest else known


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of `zhida` and `python -m app`; returns the exit code."""
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        from app.commands.common import clean_text

        argv = [clean_text(arg, f"argument {n}") for n, arg in enumerate(argv, 1)]
        window_args = _window_only(argv)
        if window_args is not None:
            # Opening the window needs none of the subcommands (which import search, sync …): start faster.
            from app.ui.app import run_app  # Qt is imported only when a window is wanted.

            return run_app(window_args.content, startup_report=window_args.startup_report, started=PROCESS_START)
        args = build_parser().parse_args(argv)
        if args.command is None:  # e.g. only options the window does not take
            build_parser().print_usage(sys.stderr)
            return 2
        return int(args.func(args) or 0)
    except CommandError as exc:
        print(f"zhida: error: {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        # The reader (head, a pager) went away; that is not an error of ours.
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - silence the flush at exit
        return 0
    except KeyboardInterrupt:
        print("zhida: interrupted", file=sys.stderr)
        return 130
    except OSError as exc:  # a file the command could not use: name it and the cause, in one line
        from app.commands.common import short

        what = short(str(exc.filename)) if exc.filename else type(exc).__name__
        print(f"zhida: error: {what}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    except Exception as exc:
        if os.environ.get("ZHIDA_DEBUG"):
            raise
        from app.core.logs import get_logger, setup_logging

        log_file = setup_logging()
        get_logger("cli").exception("zhida %s failed", " ".join(argv[:1]))
        where = f"; details in {log_file}" if log_file else ""
        print(f"zhida: error: {type(exc).__name__}: {exc} (set ZHIDA_DEBUG=1 for details{where})", file=sys.stderr)
        return 1
