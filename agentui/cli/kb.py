"""`agentui kb check`: every problem as `path:line: message`, then a summary line."""

from __future__ import annotations

import argparse
from pathlib import Path

from agentui import locations
from agentui.core.terminal_text import clean_line


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    kb = commands.add_parser("kb", help="knowledge-base tools")
    kb_commands = kb.add_subparsers(dest="kb_command", metavar="ACTION", required=True)
    check = kb_commands.add_parser("check", help="validate every entry; exit 1 on problems")
    check.add_argument("--kb", dest="kb_dir", type=Path, metavar="DIR", help="KB directory (default: bundled)")
    check.set_defaults(handler=run_check)


def run_check(args: argparse.Namespace) -> int:
    kb_dir = args.kb_dir or args.kb or locations.bundled_kb_dir()
    if not kb_dir.is_dir():
        print(f"{clean_line(str(kb_dir))}: not a directory")
        return 1
    from agentui.core.kb import load_kb  # PyYAML loads only for this command

    kb = load_kb(kb_dir)
    if not kb.entries and not kb.problems:
        print(f"{clean_line(str(kb_dir))}: no entries (*.md files) found")
        return 1
    for problem in kb.problems:
        print(clean_line(str(problem)))  # a crafted file name must not act on the terminal
    counts = kb.counts()
    per_type = ", ".join(f"{counts.get(t, 0)} {t}" for t in ("procedure", "faq", "script", "contact"))
    status = "clean" if not kb.problems else f"{len(kb.problems)} problem(s)"
    print(f"{len(kb)} entries ({per_type}); {status}")
    return 0 if not kb.problems else 1
