"""Which case store a console or command gets: the embedded one, or the team store on a server."""

from __future__ import annotations

from pathlib import Path

from agentui.core.cases.protocol import CaseStore
from agentui.core.cases.store import Clock, open_store, utc_now


def open_case_store(
    data_dir: Path, *, store_url: str = "", agent: str | None = None, clock: Clock = utc_now
) -> CaseStore:
    """psycopg is imported only here, only when a server is configured: the console's start-up
    does not pay for it otherwise."""
    if store_url:
        from agentui.core.cases.server.team_store import open_team_store

        return open_team_store(data_dir, store_url, agent=agent, clock=clock)
    return open_store(data_dir, clock=clock, agent=agent)
