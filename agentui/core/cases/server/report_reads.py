"""The server's reads for reports and usage: events and closed-call records in a time window."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from agentui.core.cases.phases import iso
from agentui.core.cases.records import CallRecord, Event

if TYPE_CHECKING:
    import psycopg

_ISO = "to_char({} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"+00:00\"')"
"""A timestamp as the embedded store writes it (UTC, seconds), formatted by the server: a week of a
floor is 120,000 of them, too many to format in Python while a supervisor waits."""
_CLOSED_BY = "coalesce(nullif(closed_by, ''), opened_by)"


def events(conn: psycopg.Connection, kind: str, since: str, until: str | None, agent: str | None) -> list[Event]:
    where, params = _window("kind = %s AND at >= %s", [kind, since], "at", "agent", until, agent)
    sql = f"SELECT kind, ref, at, agent, case_id FROM agentui.events WHERE {where} ORDER BY at, client_id, seq"
    rows = conn.execute(sql.encode(), params).fetchall()
    return [Event(kind=k, ref=r, at=iso(at) if at is not None else "", agent=a, case_id=c) for k, r, at, a, c in rows]


def call_records(conn: psycopg.Connection, since: str, until: str | None, agent: str | None) -> list[CallRecord]:
    where, params = _window("closed_at IS NOT NULL AND closed_at >= %s", [since], "closed_at", _CLOSED_BY, until,
                            agent)  # fmt: skip
    sql = (
        f"SELECT id, {_ISO.format('opened_at')}, {_ISO.format('closed_at')}, {_CLOSED_BY}, disposition, operator,"
        " category, talk_s, hold_s, hold_count, wrap_s, duration_s, articles, scripts"
        f" FROM agentui.cases WHERE {where} ORDER BY closed_at, row_no"
    )
    cursor = conn.cursor(binary=True)  # ints and arrays without parsing text
    rows = cursor.execute(sql.encode(), params).fetchall()
    # Positional: 60,000 keyword constructions cost a noticeable part of a week's report.
    return [
        CallRecord(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10], r[11], tuple(r[12]),
                   tuple(r[13]))  # fmt: skip
        for r in rows
    ]


def _window(
    where: str, params: list[Any], time_column: str, agent_column: str, until: str | None, agent: str | None
) -> tuple[str, list[Any]]:
    """`where` narrowed to before `until` and to one agent, when given."""
    if until is not None:
        where += f" AND {time_column} < %s"
        params = [*params, until]
    if agent is not None:
        where += f" AND {agent_column} = %s"
        params = [*params, agent]
    return where, params
