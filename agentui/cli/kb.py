"""`agentui kb check`: every problem as `path:line: message`, then a summary line."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from agentui import locations

if TYPE_CHECKING:
    from agentui.core.kb import KnowledgeBase


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    kb = commands.add_parser("kb", help="knowledge-base tools")
    kb_commands = kb.add_subparsers(dest="kb_command", metavar="ACTION", required=True)
    check = kb_commands.add_parser(
        "check", help="validate every entry; exit 1 on problems",
        description="Print every problem as path:line: message. Entries missing what this KB requires "
                    "(title_en, source, verified, id = file name, steps) are warnings, errors with --strict.",
    )
    check.add_argument("--kb", dest="kb_dir", type=Path, metavar="DIR", help="KB directory (default: bundled)")
    check.add_argument("--strict", action="store_true",
                       help="also require what kb/README.md asks of this KB; its warnings become errors")
    check.add_argument("--stale", action="store_true",
                       help="also list entries and dated facts older than stale_after_days (a report: "
                            "staleness never fails the check)")
    check.set_defaults(handler=run_check)
    gaps = kb_commands.add_parser(
        "gaps", help="searches that found nothing or were given up, by topic (the KB's to-do list)",
        description="Searches agents gave up on (no result opened) or that found nothing, grouped by topic "
                    "(word order, spacing and small typos do not split one), most asked first, with the entry "
                    "the search offers for each today. Embedded store: this data dir's agent; with --store: "
                    "the whole floor. Works while a console runs.",
    )  # fmt: skip
    gaps.add_argument("--since", default="30d", metavar="WHEN", help="30d, 24h, 2w or a date/time (default: 30d)")
    gaps.add_argument("--until", default=None, metavar="WHEN", help="a date/time or a span before now (default: now)")
    gaps.add_argument("--format", choices=("table", "csv", "json"), default="table", help="default: table")
    gaps.add_argument("--limit", type=int, default=50, metavar="N", help="at most N topics (0: all; default 50)")
    gaps.add_argument("--kb", dest="kb_dir", type=Path, metavar="DIR", help="KB the search runs on (default: bundled)")
    gaps.add_argument("--data", dest="cases_data", type=Path, metavar="DIR", default=argparse.SUPPRESS,
                      help="data directory (embedded store; default: $AGENTUI_DATA_DIR or the user data dir)")
    gaps.add_argument("--store", metavar="URL", default=argparse.SUPPRESS, help="PostgreSQL URL (team mode)")
    gaps.add_argument("--agent", dest="gaps_agent", default=None, metavar="NAME", help="only this agent's searches")
    gaps.set_defaults(handler=_run_gaps)


def _run_gaps(args: argparse.Namespace) -> int:
    from agentui.cli.kb_gaps import run_gaps

    return run_gaps(args)


def run_check(args: argparse.Namespace) -> int:
    kb_dir = args.kb_dir or args.kb or locations.bundled_kb_dir()
    if not kb_dir.is_dir():
        print(f"{_printable(str(kb_dir))}: not a directory")
        return 1
    # PyYAML loads only for this command
    from agentui.core.kb import load_kb
    from agentui.core.kb.completeness import completeness_problems
    from agentui.core.kb.revision import kb_revision

    kb = load_kb(kb_dir)
    if not kb.entries and not kb.problems:
        print(f"{_printable(str(kb_dir))}: no entries (*.md files) found")
        return 1
    revision = kb_revision(kb_dir)
    if revision is not None:
        print(_printable(f"revision: {revision}"))
    incomplete = completeness_problems(kb, strict=args.strict)
    errors = [*kb.problems, *incomplete] if args.strict else kb.problems
    warnings = [] if args.strict else incomplete
    lines = [(problem, str(problem)) for problem in errors]
    lines += [(problem, f"{problem.path}:{problem.line}: warning: {problem.message}") for problem in warnings]
    for _, line in sorted(lines, key=lambda pair: (str(pair[0].path), pair[0].line)):
        print(_printable(line))
    stale_note = _print_stale(kb) if args.stale else ""
    counts = kb.counts()
    per_type = ", ".join(f"{counts.get(t, 0)} {t}" for t in ("procedure", "faq", "script", "contact"))
    parts = [f"{len(errors)} problem(s)" if errors else "", f"{len(warnings)} warning(s)" if warnings else ""]
    status = ", ".join(part for part in parts if part) or "clean"
    print(f"{len(kb)} entries ({per_type}); {status}{stale_note}")
    return 0 if not errors else 1


def _print_stale(kb: KnowledgeBase) -> str:
    """Print the stale entries and facts, oldest first; the summary's note about them."""
    from agentui.config import load_settings
    from agentui.core.kb.completeness import field_line
    from agentui.core.kb.freshness import stale_entries
    from agentui.core.kb.limits import quoted

    after_days = load_settings().stale_after_days
    today = date.today()
    found = stale_entries(kb, today, after_days)
    facts = 0
    for staleness in found:
        if staleness.stale and staleness.verified is not None:
            line = field_line(staleness.path, "verified")
            print(_printable(f"{staleness.path}:{line}: stale: verified {staleness.verified.isoformat()}, "
                             f"{staleness.age_days} days ago"))
        for fact in staleness.facts:
            facts += 1
            print(_printable(f"{staleness.path}:{fact.line}: stale fact '{quoted(fact.text)}': verified "
                             f"{fact.verified.isoformat()}, {(today - fact.verified).days} days ago"))
    entries = sum(1 for staleness in found if staleness.stale)
    return f"; stale (over {after_days} days): {entries} entries, {facts} facts"


def _printable(line: str) -> str:
    """One output line with control characters and undecodable file-name bytes escaped."""
    from agentui.core.kb.limits import shown

    return shown(line)
