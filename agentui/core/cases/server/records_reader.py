"""The floor's usage and search-miss records, read from the server (`protocol.EventReader`)."""

from __future__ import annotations

from agentui.core.cases.records import Event
from agentui.core.cases.server.remote import CaseServer


class ServerEvents:
    """Connects on first read; `agent` names the reader to the server, it filters nothing."""

    def __init__(self, url: str, agent: str = "") -> None:
        self._url = url
        self._agent = agent
        self._server: CaseServer | None = None

    def events(self, kind: str, *, since: str, until: str | None = None, agent: str | None = None) -> list[Event]:
        if self._server is None:
            self._server = CaseServer(self._url, agent=self._agent, client_id="records-cli")
        return self._server.events(kind, since, until, agent)

    def close_store(self) -> None:
        server, self._server = self._server, None
        if server is not None:
            server.close()
