"""`--store`, `--agent` and `--role`, on the console and on every command that reads cases."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from agentui.config import Settings, load_settings

STORE_HELP = "PostgreSQL URL of the floor's case store (default: $AGENTUI_STORE, the settings file, else embedded)"


def add_team_options(parser: argparse.ArgumentParser, *, role: bool = False) -> None:
    # SUPPRESS: a default here would overwrite a value given before the subcommand.
    parser.add_argument("--store", metavar="URL", default=argparse.SUPPRESS, help=STORE_HELP)
    parser.add_argument("--agent", metavar="NAME", default=argparse.SUPPRESS,
                        help="this agent's name on the floor (default: the OS login)")
    if role:
        parser.add_argument("--role", choices=("agent", "supervisor"), default=argparse.SUPPRESS,
                            help="supervisor: the console also shows the floor (F7)")


def team_settings(args: argparse.Namespace) -> Settings:
    data = getattr(args, "cases_data", None) or getattr(args, "data", None)
    return load_settings(
        data_dir=Path(data) if data else None, store=getattr(args, "store", None),
        agent=getattr(args, "agent", None), role=getattr(args, "role", None),
    )  # fmt: skip


def agent_of(settings: Settings) -> str:
    from agentui.core.cases.records import default_agent_name

    return settings.agent or default_agent_name()


def require_server(settings: Settings, prog: str) -> str | None:
    if settings.store:
        return settings.store
    print(f"{prog}: error: no server configured: give --store postgresql://... or set AGENTUI_STORE",
          file=sys.stderr)  # fmt: skip
    return None
