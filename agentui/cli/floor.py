"""`agentui floor`: the live floor view (full screen), a one-off table, or a supervisor's release."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from datetime import UTC, datetime

from agentui.cli.team_options import add_team_options, require_server, team_settings

PROG = "agentui floor"


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    floor = commands.add_parser("floor", help="who is on which call, live (team mode, for supervisors)")
    add_team_options(floor)
    floor.add_argument("--once", action="store_true", help="print the floor once and exit")
    floor.add_argument("--format", choices=("table", "json"), default="table", help="with --once (default: table)")
    floor.add_argument("--release", metavar="CASE_ID", help="free a case an agent holds, so another can reopen it")
    floor.add_argument("--lang", dest="floor_lang", choices=("zh", "en"), default=None, help="interface language")
    floor.set_defaults(handler=run_floor)


def run_floor(args: argparse.Namespace) -> int:
    from agentui.core.cases.errors import StoreError
    from agentui.core.cases.server.url import mask_secrets

    settings = team_settings(args)
    url = require_server(settings, PROG)
    if url is None:
        return 2
    try:
        if args.release:
            return _release(url, args.release.strip().upper())
        if args.once:
            return _print_once(url, args.format)
    except StoreError as exc:
        print(f"{PROG}: error: {mask_secrets(str(exc), url)}", file=sys.stderr)
        return 1
    from agentui.screens.floor_app import FloorApp

    FloorApp(url, args.floor_lang or settings.lang).run()
    return 0


def _release(url: str, case_id: str) -> int:
    from agentui.core.cases.server.remote import CaseServer

    server = CaseServer(url, agent="", client_id="floor")
    try:
        agent = server.release(case_id)
    finally:
        server.close()
    print(f"Released case {case_id} (held by {agent}); another agent can reopen it now.")
    return 0


def _print_once(url: str, fmt: str) -> int:
    from agentui.core.cases.server.connect import connect
    from agentui.core.cases.server.floor import floor_rows, local_day_start
    from agentui.screens.floor import row_cells

    with connect(url) as conn:
        rows = floor_rows(conn, local_day_start())
    if fmt == "json":
        json.dump([asdict(row) for row in rows], sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return 0
    now = datetime.now(UTC)
    header = ["agent", "case", "operator", "category", "talk", "hold", "last", "calls", "avg", "dispositions"]
    table = [header] + [[cell.plain for cell in row_cells(row, now)] for row in rows]
    widths = [max(_width(line[i]) for line in table) for i in range(len(header))]
    for line in table:
        print("  ".join(cell + " " * (width - _width(cell)) for cell, width in zip(line, widths, strict=True)).rstrip())
    return 0


def _width(text: str) -> int:
    from agentui.cli.charts import display_width

    return display_width(text)
