"""The two case stores side by side, for the contract suite: same calls, same expected behaviour."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from agentui.core.cases.opening import open_store
from agentui.core.cases.protocol import CaseStore
from agentui.core.cases.store import utc_now


class Backend:
    def __init__(self, kind: str, root: Path, url: str = "") -> None:
        self.kind = kind
        self.root = root
        self.url = url
        self.data_dir = root / "data"
        self._open: list[CaseStore] = []

    def open(
        self, data_dir: Path | None = None, *, agent: str = "agent-a", clock: Callable[[], datetime] = utc_now
    ) -> CaseStore:
        where = data_dir or self.data_dir
        if self.kind == "server":
            from agentui.core.cases.server.team_store import open_team_store

            store: CaseStore = open_team_store(where, self.url, agent=agent, clock=clock)
        else:
            store = open_store(where, agent=agent, clock=clock)
        self._open.append(store)
        return store

    def stored_bytes(self) -> bytes:
        """Everything this backend keeps anywhere: the data dir's files, and the server's tables."""
        local = b"".join(p.read_bytes() for p in self.root.rglob("*") if p.is_file())
        if self.kind != "server":
            return local
        import psycopg

        with psycopg.connect(self.url) as conn:
            rows = conn.execute(
                "SELECT (SELECT coalesce(string_agg(c::text, E'\\n'), '') FROM agentui.cases c)"
                " || (SELECT coalesce(string_agg(e::text, E'\\n'), '') FROM agentui.events e)"
                " || (SELECT coalesce(string_agg(r::text, E'\\n'), '') FROM agentui.refusals r)"
            ).fetchone()
        return local + (rows[0] or "").encode()

    def close_all(self) -> None:
        for store in self._open:
            try:
                store.close_store()
            except Exception:  # noqa: BLE001 - a test may have closed it, or broken it on purpose
                pass
