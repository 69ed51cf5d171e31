"""Command line: the console by default, plus `search`, `kb check`, `cases`, and the team-mode
`db`, `report` and `floor` subcommands."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from agentui import __version__

SUBCOMMANDS = ("search", "kb", "cases", "db", "report", "floor")


def _console_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="agentui",
        description="Support-desk console for customers of Russian mobile operators.",
    )
    parser.add_argument("--version", action="version", version=f"agentui {__version__}")
    parser.add_argument("--kb", type=Path, metavar="DIR", help="knowledge base directory (default: bundled)")
    parser.add_argument("--data", type=Path, metavar="DIR", help="data directory for cases")
    parser.add_argument("--lang", choices=("zh", "en"), help="interface language (default: zh; remembered)")
    parser.add_argument("--store", metavar="URL", help="PostgreSQL URL of the floor's case store "
                        "(default: $AGENTUI_STORE, the settings file's \"store\", else the embedded store)")
    parser.add_argument("--agent", metavar="NAME", help="this agent's name on the floor (default: the OS login)")
    parser.add_argument("--role", choices=("agent", "supervisor"), help="supervisor: the console also shows the floor")
    return parser


def build_parser() -> argparse.ArgumentParser:
    from agentui.cli import cases as cases_cli
    from agentui.cli import db as db_cli
    from agentui.cli import floor as floor_cli
    from agentui.cli import kb as kb_cli
    from agentui.cli import report as report_cli
    from agentui.cli import search as search_cli

    parser = _console_parser()
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    search_cli.add_parser(commands)
    kb_cli.add_parser(commands)
    cases_cli.add_parser(commands)
    db_cli.add_parser(commands)
    report_cli.add_parser(commands)
    floor_cli.add_parser(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    words = sys.argv[1:] if argv is None else list(argv)
    args = None
    if not any(word in (*SUBCOMMANDS, "-h", "--help") for word in words):
        # The console (the common case): no subcommand modules and parsers to load before its
        # first frame. Anything else (a subcommand, help, a mistyped command) gets the full parser.
        args, rest = _console_parser().parse_known_args(words)
        args.command = None
        if rest:
            args = None
    if args is None:
        args = build_parser().parse_args(words)
    if args.command is None:
        from agentui.cli.console import run_console  # Textual is imported only for the console

        return run_console(args)
    try:
        return int(args.handler(args))
    except BrokenPipeError:  # `agentui search ... | head`
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        return 130
