"""`agentui kb gaps`: the searches the KB could not answer, grouped by topic, on either store."""

from __future__ import annotations

import argparse
import csv
import sys
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from agentui import locations
from agentui.core.cases.phases import iso
from agentui.core.gaps import Gap, Offered
from agentui.core.terminal_text import clean_line, json_text, spreadsheet_cell

if TYPE_CHECKING:
    from agentui.core.cases.records import Event

PROG = "agentui kb gaps"
CSV_COLUMNS = ("topic", "count", "found_nothing", "agents", "last_seen", "forms", "offered_id", "offered_title",
               "offered_has_all_words")  # fmt: skip


@dataclass(frozen=True, slots=True)
class GapsReport:
    since: str
    until: str
    scope: str
    """"floor" (server), "agent NAME", or the data dir read."""
    gaps: list[Gap]


def run_gaps(args: argparse.Namespace) -> int:
    from agentui.cli.report import parse_when
    from agentui.cli.team_options import team_settings

    now = datetime.now(UTC)
    try:
        since = iso(parse_when(args.since, now))
        until = iso(parse_when(args.until, now)) if args.until else None
    except ValueError:
        print(f"{PROG}: error: --since/--until take 30d, 24h, 2w, a date (2026-03-01) or an ISO time", file=sys.stderr)
        return 2
    settings = team_settings(args)
    kb_dir = args.kb_dir or getattr(args, "kb", None) or locations.bundled_kb_dir()
    if not kb_dir.is_dir():
        print(f"{PROG}: error: {clean_line(str(kb_dir))}: not a directory", file=sys.stderr)
        return 2
    try:
        events = _misses(settings.data_dir, settings.store, since, until, args.gaps_agent)
    except Exception as exc:  # noqa: BLE001 - StoreError, or an unreachable server: said plainly
        from agentui.core.cases.server.url import mask_secrets

        print(f"{PROG}: error: {mask_secrets(str(exc), settings.store)}", file=sys.stderr)
        return 1
    from agentui.core.gaps import group_misses, with_offered

    gaps = group_misses(events)
    if args.limit > 0:
        gaps = gaps[: args.limit]
    gaps = with_offered(gaps, _offer(kb_dir))
    scope = "floor" if settings.store else clean_line(str(settings.data_dir))
    if args.gaps_agent:
        scope = f"agent {clean_line(args.gaps_agent)}" + (" (floor)" if settings.store else "")
    report = GapsReport(since, until or iso(now), scope, gaps)
    {"table": write_table, "csv": write_csv, "json": write_json}[args.format](report, sys.stdout)
    return 0


def _misses(data_dir: Path, store: str, since: str, until: str | None, agent: str | None) -> list[Event]:
    """Never takes the data dir's lock (a console may be running on it) nor writes anything."""
    from agentui.core.cases.choose import open_event_reader

    reader = open_event_reader(data_dir, store_url=store, agent=agent or "")
    try:
        return [*reader.events("miss", since=since, until=until, agent=agent),
                *reader.events("zero", since=since, until=until, agent=agent)]  # fmt: skip
    finally:
        reader.close_store()


def _offer(kb_dir: Path) -> Callable[[str], Offered | None]:
    """What the search shows first for a topic today, on the KB the agents use."""
    from agentui.core.search import open_search

    kb, index = open_search(kb_dir, locations.cache_dir())
    for problem in kb.problems[:3]:
        print(f"{PROG}: warning: {clean_line(str(problem))}", file=sys.stderr)

    def offer(topic: str) -> Offered | None:
        hits = index.search(topic, limit=1)
        if not hits:
            return None
        return Offered(hits[0].id, hits[0].title, hits.all_words_matched)

    return offer


def write_table(report: GapsReport, out: TextIO) -> None:
    out.write(f"Search gaps {report.since[:16]}Z … {report.until[:16]}Z · {report.scope}\n")
    if not report.gaps:
        out.write("  no searches were given up or found nothing in this period\n")
        return
    for gap in report.gaps:
        forms = [clean_line(form) for form in gap.forms[1:]]
        also = f"  (also: {', '.join(forms)})" if forms else ""
        out.write(f"{gap.count:>5}×  {clean_line(gap.topic)}{also}\n")
        details = [f"last {gap.last_seen[:16]}Z"]
        if gap.found_nothing:
            details.append(f"no results {gap.found_nothing}×")
        if gap.agents > 1:
            details.append(f"{gap.agents} agents")
        out.write(f"        {' · '.join(details)}\n")
        offered = gap.offered
        if offered is None:
            out.write("        search offers: nothing\n")
        else:
            lacking = "" if offered.all_words else " (lacks some of the words)"
            out.write(f"        search offers: {clean_line(offered.title)} [{clean_line(offered.id)}]{lacking}\n")


def write_json(report: GapsReport, out: TextIO) -> None:
    out.write(json_text(asdict(report), indent=2) + "\n")


def write_csv(report: GapsReport, out: TextIO) -> None:
    """UTF-8 with a BOM, so a spreadsheet reads the Chinese as written; cells made safe."""
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for gap in report.gaps:
        offered = gap.offered
        writer.writerow([
            spreadsheet_cell(gap.topic), gap.count, gap.found_nothing, gap.agents, gap.last_seen,
            spreadsheet_cell(" | ".join(gap.forms)),
            spreadsheet_cell(offered.id) if offered else "", spreadsheet_cell(offered.title) if offered else "",
            ("yes" if offered.all_words else "no") if offered else "",
        ])  # fmt: skip
