"""Which case store a console or command gets: the embedded one, or the team store on a server."""

from __future__ import annotations

from pathlib import Path

from agentui.core.cases.opening import open_store
from agentui.core.cases.protocol import CaseReader, CaseStore, EventReader
from agentui.core.cases.store import Clock, utc_now


def open_case_store(
    data_dir: Path, *, store_url: str = "", agent: str | None = None, clock: Clock = utc_now
) -> CaseStore:
    """psycopg is imported only here, only when a server is configured: the console's start-up
    does not pay for it otherwise."""
    if store_url:
        from agentui.core.cases.server.team_store import open_team_store

        return open_team_store(data_dir, store_url, agent=agent, clock=clock)
    return open_store(data_dir, clock=clock, agent=agent)


def open_case_reader(data_dir: Path, *, store_url: str = "", agent: str = "") -> CaseReader:
    """For reading commands (`agentui cases`): never takes the console's lock. In team mode the
    floor's cases, from the server (this agent's active case, everyone's closed ones)."""
    if store_url:
        from agentui.core.cases.reader import SnapshotReader
        from agentui.core.cases.server.remote import server_snapshot

        return SnapshotReader(server_snapshot(store_url, agent))
    return open_store(data_dir, read_only=True)


def open_event_reader(data_dir: Path, *, store_url: str = "", agent: str = "") -> EventReader:
    """Usage and search-miss records, read-only: this data dir's (one agent's) for the embedded
    store, the floor's from the server in team mode. Never takes the console's lock."""
    if store_url:
        from agentui.core.cases.server.records_reader import ServerEvents

        return ServerEvents(store_url, agent)
    from agentui.core.cases.events import EventLogReader
    from agentui.core.cases.layout import StorePaths

    return EventLogReader(StorePaths(Path(data_dir).expanduser()).cases_dir / "events")
