"""Waiting on the team store's sync status (no sleeps), and reading the server behind a test's back."""

from __future__ import annotations

import threading
from typing import Any

from agentui.core.cases.protocol import SyncStatus
from agentui.core.cases.server.team_store import TeamCaseStore


def wait_for(store: TeamCaseStore, predicate: Any, timeout: float = 30.0) -> SyncStatus:
    """Block until the store's sync status satisfies `predicate` (checked on every change)."""
    reached = threading.Event()
    seen: list[SyncStatus] = []

    def listener(status: SyncStatus) -> None:
        seen.append(status)
        if predicate(status):
            reached.set()

    store.watch_sync(listener)
    assert reached.wait(timeout), f"sync status never got there; last: {seen[-1] if seen else None}"
    return store.sync_status()


def caught_up(status: SyncStatus) -> bool:
    return status.online and status.waiting == 0


def server_rows(url: str, sql: str, *params: object) -> list[tuple[Any, ...]]:
    import psycopg

    with psycopg.connect(url) as conn:
        return conn.execute(sql, params).fetchall()
