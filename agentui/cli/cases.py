"""`agentui cases list|show|export`: read past cases without taking the console's lock."""

from __future__ import annotations

import argparse


def add_parser(commands: argparse._SubParsersAction) -> None:
    cases = commands.add_parser("cases", help="list, show and export cases")
    cases.set_defaults(handler=lambda args: (print("not implemented yet"), 1)[1])
