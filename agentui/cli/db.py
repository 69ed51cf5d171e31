"""`agentui db migrate|status`: the server's schema version, and upgrading it explicitly."""

from __future__ import annotations

import argparse
import sys

from agentui.cli.team_options import add_team_options, require_server, team_settings

PROG = "agentui db"


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    db = commands.add_parser("db", help="the team-mode server's schema (PostgreSQL)")
    add_team_options(db)
    actions = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    migrate = actions.add_parser("migrate", help="apply the migrations the server lacks (consoles also do it at start)")
    add_team_options(migrate)
    migrate.set_defaults(handler=run_migrate)
    status = actions.add_parser("status", help="print the schema version; exit 1 if migrations are pending")
    add_team_options(status)
    status.set_defaults(handler=run_status)


def run_migrate(args: argparse.Namespace) -> int:
    from agentui.core.cases.errors import StoreError
    from agentui.core.cases.server.connect import connect
    from agentui.core.cases.server.migrate import migrate, status
    from agentui.core.cases.server.url import mask_secrets, mask_url

    url = require_server(team_settings(args), PROG)
    if url is None:
        return 2
    try:
        with connect(url) as conn:
            applied = migrate(conn)
            now = status(conn)
    except StoreError as exc:
        print(f"{PROG}: error: {mask_secrets(str(exc), url)}", file=sys.stderr)
        return 1
    except Exception as exc:  # noqa: BLE001 - a failing migration: say which, never the password
        print(f"{PROG}: error: migration failed on {mask_url(url)}: {mask_secrets(str(exc), url)}", file=sys.stderr)
        return 1
    if applied:
        print(f"{mask_url(url)}: applied {', '.join(applied)}; schema version {now.applied}")
    else:
        print(f"{mask_url(url)}: schema version {now.applied}, up to date")
    return 0


def run_status(args: argparse.Namespace) -> int:
    from agentui.core.cases.errors import StoreError
    from agentui.core.cases.server.connect import connect
    from agentui.core.cases.server.migrate import status
    from agentui.core.cases.server.url import mask_secrets, mask_url

    url = require_server(team_settings(args), PROG)
    if url is None:
        return 2
    try:
        with connect(url) as conn:
            now = status(conn)
    except StoreError as exc:
        print(f"{PROG}: error: {mask_secrets(str(exc), url)}", file=sys.stderr)
        return 1
    line = f"{mask_url(url)}: schema version {now.applied} (latest {now.latest})"
    if now.pending:
        print(f"{line}; pending: {', '.join(now.pending)} (run `agentui db migrate`)")
        return 1
    print(f"{line}, up to date")
    return 0
