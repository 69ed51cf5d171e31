"""`agentui cases list|show|export`: read past cases without taking the console's lock."""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from agentui import locations
from agentui.core.cases.errors import StoreError
from agentui.core.cases.markdown import case_markdown, duration_text, operator_name
from agentui.core.terminal_text import clean, clean_line, json_text, spreadsheet_cell

if TYPE_CHECKING:
    from agentui.core.cases.model import Case
    from agentui.core.cases.protocol import CaseReader

CSV_COLUMNS = (
    "id", "opened_at", "closed_at", "duration_s", "talk_s", "hold_count", "hold_s", "wrap_s",
    "disposition", "caller_name", "caller_phone",
    "caller_operator", "category", "summary", "notes", "steps", "articles", "scripts",
)  # fmt: skip


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    cases = commands.add_parser("cases", help="list, show and export cases (works while a console runs)")
    _add_data_option(cases)
    actions = cases.add_subparsers(dest="cases_command", metavar="ACTION", required=True)

    listing = actions.add_parser("list", help="newest cases first, one line each")
    listing.add_argument("--limit", type=int, default=50, metavar="N", help="at most N cases (0: all; default 50)")
    _add_common_options(listing)
    listing.set_defaults(handler=run_list)

    show = actions.add_parser("show", help="one case in full")
    show.add_argument("case_id", metavar="ID")
    _add_common_options(show)
    show.set_defaults(handler=run_show)

    export = actions.add_parser("export", help="every case to standard output")
    export.add_argument("--format", choices=("json", "csv", "md"), default="json", help="default: json")
    _add_common_options(export)
    export.set_defaults(handler=run_export)


def _add_data_option(parser: argparse.ArgumentParser) -> None:
    # SUPPRESS: a default here would overwrite a --data given at another level of the command.
    parser.add_argument("--data", dest="cases_data", type=Path, metavar="DIR", default=argparse.SUPPRESS,
                        help="data directory (default: $AGENTUI_DATA_DIR or the user data dir)")


def _add_common_options(parser: argparse.ArgumentParser) -> None:
    _add_data_option(parser)
    parser.add_argument("--mask", action="store_true", help="mask phone and passport numbers")


def _data_dir(args: argparse.Namespace) -> Path:
    return locations.data_dir(getattr(args, "cases_data", None) or getattr(args, "data", None))


def _open(args: argparse.Namespace) -> CaseReader:
    """A reader through the store protocol, without the lock: works while a console runs. In
    team mode, the floor's cases from the server."""
    from agentui.cli.team_options import agent_of, team_settings
    from agentui.core.cases.choose import open_case_reader  # TinyDB loads only for this command

    settings = team_settings(args)
    agent = agent_of(settings) if settings.store else ""
    return open_case_reader(_data_dir(args), store_url=settings.store, agent=agent)


class _Notes:
    """Prints the reader's recovery notes as warnings, each once, as they appear."""

    def __init__(self, reader: CaseReader) -> None:
        self.reader = reader
        self.shown = 0

    def flush(self) -> None:
        for note in self.reader.recovery_notes[self.shown :]:
            _warn(note)
        self.shown = len(self.reader.recovery_notes)


def _all_cases(reader: CaseReader, notes: _Notes, mask: bool) -> Iterator[Case]:
    """The active case first, then history, newest first."""
    active = reader.active()
    cases = ([active] if active else []) + list(reader.history(limit=0))
    notes.flush()
    for case in cases:
        yield _masked(case) if mask else case


def run_list(args: argparse.Namespace) -> int:
    try:
        reader = _open(args)
    except StoreError as exc:
        return _fail(exc)
    notes = _Notes(reader)
    notes.flush()
    shown = 0
    for case in _all_cases(reader, notes, args.mask):
        if 0 < args.limit <= shown:
            break
        print(list_line(case))
        shown += 1
    if shown == 0:
        print("No cases yet.", file=sys.stderr)
    reader.close_store()
    return 0


def run_show(args: argparse.Namespace) -> int:
    try:
        reader = _open(args)
    except StoreError as exc:
        return _fail(exc)
    notes = _Notes(reader)
    notes.flush()
    case = reader.get(args.case_id.strip().upper())
    notes.flush()
    reader.close_store()
    if case is None:
        return _fail(f"no case {args.case_id} in {_data_dir(args)}")
    sys.stdout.write(render_text(_masked(case) if args.mask else case))
    return 0


def run_export(args: argparse.Namespace) -> int:
    try:
        reader = _open(args)
    except StoreError as exc:
        return _fail(exc)
    notes = _Notes(reader)
    notes.flush()
    writers = {"json": write_json, "csv": write_csv, "md": write_markdown}
    writers[args.format](_all_cases(reader, notes, args.mask), sys.stdout)
    reader.close_store()
    if not reader.complete:
        print("agentui cases: export incomplete: some cases could not be read (see above).", file=sys.stderr)
        return 1
    return 0


def _masked(case: Case) -> Case:
    from agentui.core.cases.mask import mask_case

    return mask_case(case)


def _fail(error: object) -> int:
    print(f"agentui cases: error: {clean_line(str(error))}", file=sys.stderr)
    return 1


def _warn(message: str) -> None:
    print(f"agentui cases: warning: {clean_line(message)}", file=sys.stderr)


def _when(iso: str | None) -> str:
    return iso.replace("T", " ")[:16] + "Z" if iso else "-"


def list_line(case: Case) -> str:
    status = case.disposition or ("open" if case.is_open else "closed")
    summary = " ".join(case.summary.split())[:40]
    fields = (
        case.id, _when(case.opened_at), duration_text(case.duration_s) or "-", status,
        operator_name(case.caller.operator) or "-", case.caller.name or "-", case.caller.phone or "-", summary,
    )  # fmt: skip
    return "  ".join(map(clean_line, fields)).rstrip()


def render_text(case: Case) -> str:
    """The case for a terminal: what the agent typed is shown as typed, minus escape sequences."""
    status = "open" if case.is_open else f"closed, {case.disposition or '-'}"
    steps = "; ".join(f"{pid}: {', '.join(map(str, nums))}" for pid, nums in case.steps.items())
    caller = " · ".join(
        part for part in (case.caller.name, case.caller.phone, operator_name(case.caller.operator)) if part
    )
    lines = [
        f"Case {case.id} ({status})",
        f"Opened:   {case.opened_at}",
        f"Closed:   {case.closed_at or '-'}",
        f"Duration: {duration_text(case.duration_s) or '-'}",
        f"Caller:   {caller or '-'}",
        f"Category: {case.category or '-'}",
        f"Steps:    {steps or '-'}",
        f"Articles: {', '.join(case.articles) or '-'}",
        f"Scripts:  {', '.join(case.scripts) or '-'}",
        f"Summary:  {case.summary or '-'}",
        "",
        "Notes:",
        case.notes,
    ]
    return clean("\n".join(lines)).rstrip("\n") + "\n"


def write_json(cases: Iterable[Case], out: TextIO) -> None:
    """A JSON array written case by case, so a long history is not built up in memory twice."""
    out.write("[")
    for index, case in enumerate(cases):
        out.write(",\n" if index else "\n")
        out.write(json_text(case.to_dict(), indent=2))
    out.write("\n]\n")


def write_csv(cases: Iterable[Case], out: TextIO) -> None:
    """UTF-8 with a byte-order mark: without it Excel, where a desk opens CSV files, reads the
    Chinese and Russian as mojibake (Python reads it back with encoding="utf-8-sig"). Text cells
    are cleaned and never start a formula (`spreadsheet_cell`)."""
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for case in cases:
        texts = (
            case.disposition or "", case.caller.name, case.caller.phone, case.caller.operator, case.category,
            case.summary, case.notes, json.dumps(case.steps, ensure_ascii=False), ";".join(case.articles),
            ";".join(case.scripts),
        )  # fmt: skip
        writer.writerow([
            *map(spreadsheet_cell, (case.id, case.opened_at, case.closed_at or "")),
            _number(case.duration_s), _number(case.talk_s), case.hold_count, case.hold_s, _number(case.wrap_s),
            *map(spreadsheet_cell, texts),
        ])  # fmt: skip


def _number(value: int | None) -> int | str:
    return "" if value is None else value


def write_markdown(cases: Iterable[Case], out: TextIO) -> None:
    out.write("# Cases\n")
    for case in cases:
        out.write("\n" + case_markdown(case, level=2))
