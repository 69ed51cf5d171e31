"""`agentui report`: calls, handle times, mixes, KB use and searches that found nothing, on either store."""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, TextIO

from agentui.cli.team_options import team_settings
from agentui.core.cases.phases import iso

if TYPE_CHECKING:
    from agentui.config import Settings
    from agentui.core.cases.report import Report

PROG = "agentui report"
_SPAN = re.compile(r"^(\d+)\s*([dhw])$")
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    report = commands.add_parser("report", help="calls, handle times and KB gaps (floor-wide with --store)")
    report.add_argument("--since", default="7d", metavar="WHEN", help="7d, 24h, 2w or a date/time (default: 7d)")
    report.add_argument("--until", default=None, metavar="WHEN", help="a date/time or a span before now (default: now)")
    report.add_argument("--agent", dest="report_agent", default=None, metavar="NAME", help="only this agent's calls")
    report.add_argument("--format", choices=("table", "csv", "json"), default="table", help="default: table")
    report.add_argument("--data", dest="cases_data", default=argparse.SUPPRESS, metavar="DIR",
                        help="data directory (embedded store)")  # fmt: skip
    report.add_argument("--store", metavar="URL", default=argparse.SUPPRESS, help="PostgreSQL URL (team mode)")
    report.set_defaults(handler=run_report)


def parse_when(text: str, now: datetime) -> datetime:
    """`7d` / `24h` / `2w` before now; a date is its local midnight; an ISO time as given (local if naive)."""
    span = _SPAN.match(text.strip().lower())
    if span:
        amount, unit = int(span[1]), span[2]
        return now - timedelta(**{{"d": "days", "h": "hours", "w": "weeks"}[unit]: amount})
    moment = datetime.fromisoformat(text.strip())
    return moment if moment.tzinfo is not None else moment.astimezone()


def run_report(args: argparse.Namespace) -> int:
    now = datetime.now(UTC)
    try:
        since = parse_when(args.since, now)
        until = parse_when(args.until, now) if args.until else now
    except ValueError:
        print(f"{PROG}: error: --since/--until take 7d, 24h, 2w, a date (2026-03-01) or an ISO time", file=sys.stderr)
        return 2
    since_iso = iso(since)
    until_iso = iso(until) if args.until else None  # open-ended: a call closed this second counts
    settings = team_settings(args)
    try:
        report = collect(settings, since_iso, until_iso, args.report_agent)
        report.until = iso(until)
    except Exception as exc:  # noqa: BLE001 - StoreError, or an unreachable server: said plainly
        from agentui.core.cases.server.url import mask_secrets

        print(f"{PROG}: error: {mask_secrets(str(exc), settings.store)}", file=sys.stderr)
        return 1
    writers = {"table": write_table, "csv": write_csv, "json": write_json}
    writers[args.format](report, sys.stdout)
    return 0


def collect(settings: Settings, since: str, until: str | None, agent: str | None) -> Report:
    """Never takes the data dir's lock (a console may be running on it) nor writes anything."""
    from agentui.core.cases.report import build_report

    if settings.store:
        from agentui.core.cases.server.remote import CaseServer

        server = CaseServer(settings.store, agent=agent or "", client_id="report")
        try:
            records = server.call_records(since, until, agent)
            misses = [*server.events("miss", since, until, agent), *server.events("zero", since, until, agent)]
        finally:
            server.close()
    else:
        from agentui.core.cases.events import EventLog
        from agentui.core.cases.layout import StorePaths
        from agentui.core.cases.reader import read_history
        from agentui.core.cases.records import CallRecord

        snapshot = read_history(settings.data_dir)
        for problem in snapshot.problems:
            print(f"{PROG}: warning: {problem}", file=sys.stderr)
        records = sorted(
            (CallRecord.of(case) for case in snapshot.closed if case.closed_at and since <= case.closed_at
             and (until is None or case.closed_at < until)),
            key=lambda record: record.closed_at,
        )  # fmt: skip
        records = [r for r in records if agent is None or r.agent == agent]
        log = EventLog(StorePaths(settings.data_dir).cases_dir / "events")
        misses = [*log.query("miss", since, until, agent), *log.query("zero", since, until, agent)]
    return build_report(records, misses, since=since, until=until or "", agent=agent or "")


def _clock(seconds: int | None) -> str:
    if seconds is None:
        return "-"
    minutes, secs = divmod(int(seconds), 60)
    return f"{minutes}:{secs:02d}"


def write_table(report: Report, out: TextIO) -> None:
    from agentui.cli.charts import hbar, vbar
    from agentui.core.terminal_text import clean_line

    color = out.isatty()
    who = f" · agent {clean_line(report.agent)}" if report.agent else ""
    out.write(f"Report {report.since[:16]}Z … {report.until[:16]}Z{who}\n")
    out.write(f"Calls: {report.calls}  Agents: {len(report.agents)}\n\n")
    out.write(vbar("calls per day", [(day[5:], n) for day, n in report.per_day], color=color))
    out.write("\nHandle time (m:ss)     calls     p50     p90\n")
    names = {"talk": "talk", "hold": "hold", "wrap": "after-call work", "handle": "handle (total)"}
    for key, stats in report.phases.items():
        out.write(f"  {names[key]:<20}{stats.calls:>7}{_clock(stats.p50_s):>8}{_clock(stats.p90_s):>8}\n")
    for title, items in (
        ("dispositions", report.dispositions), ("operators", report.operators),
        ("categories", report.categories[:10]), ("agents", report.agents[:15]),
        ("KB entries used most (calls)", report.entries), ("scripts used most (calls)", report.scripts),
    ):  # fmt: skip
        out.write("\n" + hbar(title, items, color=color))
    out.write("\nSearches that found nothing (the KB's to-do list)\n")
    if not report.misses:
        out.write("  -\n")
    for miss in report.misses:
        out.write(f"  {miss.count:>4}×  {clean_line(miss.query)}  (last {miss.last_seen[:16]}Z,"
                  f" no results {miss.found_nothing}×)\n")  # fmt: skip


def write_json(report: Report, out: TextIO) -> None:
    json.dump(report.to_dict(), out, ensure_ascii=False, indent=2)
    out.write("\n")


def excel_safe(value: object) -> object:
    """A cell starting with = + - @ would run as a formula in Excel: a quote makes it text."""
    if isinstance(value, str) and value.startswith(_FORMULA):
        return "'" + value
    return value


def write_csv(report: Report, out: TextIO) -> None:
    """One long table (section, item, value, p50, p90), UTF-8 with a BOM so Excel reads the
    Chinese and Russian as written."""
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(("section", "item", "value", "p50_s", "p90_s"))
    rows: list[tuple[object, ...]] = [("period", report.since, report.until, "", "")]
    rows.append(("calls", "", report.calls, "", ""))
    rows += [("calls_per_day", day, n, "", "") for day, n in report.per_day]
    rows += [("handle_time", name, s.calls, _blank(s.p50_s), _blank(s.p90_s)) for name, s in report.phases.items()]
    for section, items in (
        ("disposition", report.dispositions), ("operator", report.operators), ("category", report.categories),
        ("agent", report.agents), ("kb_entry", report.entries), ("script", report.scripts),
    ):  # fmt: skip
        rows += [(section, name, n, "", "") for name, n in items]
    rows += [("search_miss", m.query, m.count, "", "") for m in report.misses]
    for row in rows:
        writer.writerow([excel_safe(cell) for cell in row])


def _blank(value: int | None) -> object:
    return "" if value is None else value
