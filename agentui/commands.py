"""Command palette provider: KB entries and scripts through our search (app commands come from
`AgentApp.get_system_commands`)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, cast

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content

from agentui.widgets.safe_text import clean_line
from agentui.widgets.titles import Spans, entry_title

if TYPE_CHECKING:
    from agentui.app import AgentApp

PALETTE_LIMIT = 12


class EntryCommands(Provider):
    """Open an entry in the article pane, or a script in the scripts pane."""

    @property
    def agent_app(self) -> AgentApp:
        return cast("AgentApp", self.app)

    def _display(self, entry_id: str, entry_type: str, title: str, spans: dict[str, Spans] | None = None) -> Content:
        strings = self.agent_app.strings
        badge = strings.badges.get(entry_type, entry_type)
        kb = self.agent_app.kb
        entry = kb.get(entry_id) if kb is not None else None
        title_en = entry.title_en if entry is not None else ""
        shown = entry_title(title, title_en, strings.title_en_first, spans, "bold underline")
        return Content.assemble((badge, "dim"), " ", shown)

    def _command(self, entry_id: str, entry_type: str) -> Callable[[], object]:
        if entry_type == "script":
            return partial(self.agent_app.action_scripts, entry_id)
        return partial(self._open, entry_id)

    def _open(self, entry_id: str) -> None:
        app = self.agent_app
        app.return_to_main()
        app.main.open_entry(entry_id)

    async def discover(self) -> Hits:
        index = self.agent_app.index
        if index is None:
            return
        for hit in await asyncio.to_thread(index.search, "", PALETTE_LIMIT):
            yield DiscoveryHit(
                self._display(hit.id, hit.type, hit.title),
                self._command(hit.id, hit.type),
                text=clean_line(hit.title),
                help=hit.id,
            )

    async def search(self, query: str) -> Hits:
        index = self.agent_app.index
        if index is None or not query.strip():
            return
        hits = await asyncio.to_thread(index.search, query, PALETTE_LIMIT)
        for hit in hits:
            yield Hit(
                max(0.0, min(1.0, hit.score / 100)),
                self._display(hit.id, hit.type, hit.title, hit.spans),
                self._command(hit.id, hit.type),
                text=clean_line(hit.title),
                help=self.agent_app.strings.palette_open_help.format(id=hit.id),
            )
