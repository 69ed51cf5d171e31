"""The floor view's data: every agent's current call and today's totals in one query, refreshed when
the server announces a change (`LISTEN`), never by polling each agent."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from agentui.core.cases.model import Case
from agentui.core.cases.server.connect import ServerUnavailable, connect, describe
from agentui.core.cases.server.remote import FLOOR_CHANNEL

if TYPE_CHECKING:
    import psycopg

DEBOUNCE_S = 0.05
"""After a notification, wait this long for more before querying: a burst of 200 autosaves is one query."""


@dataclass(frozen=True, slots=True)
class AgentRow:
    agent: str
    case: Case | None
    last_activity: str
    calls_today: int = 0
    avg_handle_s: int | None = None
    dispositions: dict[str, int] = field(default_factory=dict)


_FLOOR_SQL = b"""
WITH active AS (
    SELECT holder AS agent, doc, version, updated_at FROM agentui.cases WHERE holder IS NOT NULL
), done AS (
    SELECT coalesce(nullif(closed_by, ''), opened_by) AS agent, disposition, duration_s
    FROM agentui.cases WHERE closed_at IS NOT NULL AND closed_at >= %(day)s
), today AS (
    SELECT agent, count(*) AS calls, round(avg(duration_s))::int AS aht FROM done GROUP BY agent
), mix AS (
    SELECT agent, jsonb_object_agg(disposition, n) AS dispositions
    FROM (SELECT agent, disposition, count(*) AS n FROM done GROUP BY agent, disposition) d GROUP BY agent
), seen AS (
    SELECT agent, max(last_activity) AS last_activity FROM agentui.clients
    WHERE last_activity >= %(day)s GROUP BY agent
), agents AS (
    SELECT agent FROM active UNION SELECT agent FROM today UNION SELECT agent FROM seen
)
SELECT a.agent, act.doc, act.version, greatest(act.updated_at, s.last_activity), t.calls, t.aht, m.dispositions
FROM agents a
LEFT JOIN active act ON act.agent = a.agent
LEFT JOIN today t ON t.agent = a.agent
LEFT JOIN mix m ON m.agent = a.agent
LEFT JOIN seen s ON s.agent = a.agent
ORDER BY a.agent
"""


def floor_rows(conn: psycopg.Connection, day_start: datetime) -> list[AgentRow]:
    rows = conn.execute(_FLOOR_SQL, {"day": day_start}).fetchall()
    out = []
    for agent, doc, version, last, calls, aht, mix in rows:
        case = Case.from_dict({**doc, "version": version}) if doc is not None else None
        out.append(AgentRow(
            agent=agent, case=case, last_activity=last.astimezone(UTC).isoformat(timespec="seconds") if last else "",
            calls_today=int(calls or 0), avg_handle_s=aht, dispositions=dict(mix or {}),
        ))  # fmt: skip
    return out


def local_day_start(now: datetime | None = None) -> datetime:
    """Midnight of today where the floor is (this machine's zone): "today's totals" as people mean it."""
    local = (now or datetime.now(UTC)).astimezone()
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


class FloorWatcher:
    """A thread holding one `LISTEN` connection: on every burst of notifications it reads the
    whole floor once and hands it to `on_rows`; on failure it reports, reconnects and re-reads."""

    def __init__(
        self,
        url: str,
        on_rows: Callable[[list[AgentRow]], None],
        *,
        on_error: Callable[[str], None] | None = None,
        day_start: Callable[[], datetime] = local_day_start,
    ) -> None:
        self.url = url
        self._on_rows = on_rows
        self._on_error = on_error or (lambda _message: None)
        self._day_start = day_start
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="agentui-floor", daemon=True)
        self._conn: Any = None

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(3)

    def _run(self) -> None:
        backoff = 0.5
        while not self._stop.is_set():
            try:
                conn = connect(self.url)
            except ServerUnavailable as exc:
                self._on_error(str(exc))
                self._stop.wait(backoff)
                backoff = min(5.0, backoff * 2)
                continue
            backoff = 0.5
            try:
                with conn:
                    conn.execute(f"LISTEN {FLOOR_CHANNEL}")
                    self._on_rows(floor_rows(conn, self._day_start()))
                    while not self._stop.is_set():
                        if self._wait_for_burst(conn):
                            self._on_rows(floor_rows(conn, self._day_start()))
            except Exception as exc:  # noqa: BLE001 - psycopg errors on a dropped connection: reconnect
                if not self._stop.is_set():
                    self._on_error(describe(exc, self.url))
                    self._stop.wait(backoff)

    def _wait_for_burst(self, conn: psycopg.Connection) -> bool:
        """True once at least one notification came (and the burst after it, briefly)."""
        got = False
        for _ in conn.notifies(timeout=1.0, stop_after=1):
            got = True
        if got:
            for _ in conn.notifies(timeout=DEBOUNCE_S):
                pass
        return got
