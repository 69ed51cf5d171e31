"""Command palette provider: KB entries and scripts through our search (app commands come from
`AgentApp.get_system_commands`)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content

from agentui.widgets.safe_text import clean_line
from agentui.widgets.titles import Spans, entry_title

PALETTE_LIMIT = 12


class EntryCommands(Provider):
    """Open an entry in the article pane, or a script in the scripts pane."""

    def _display(self, entry_id: str, entry_type: str, title: str, spans: dict[str, Spans] | None = None) -> Content:
        strings = self.app.strings  # type: ignore[attr-defined]
        badge = strings.badges.get(entry_type, entry_type)
        entry = self.app.kb.get(entry_id) if self.app.kb is not None else None  # type: ignore[attr-defined]
        title_en = entry.title_en if entry is not None else ""
        shown = entry_title(title, title_en, strings.title_en_first, spans, "bold underline")
        return Content.assemble((badge, "dim"), " ", shown)

    def _command(self, entry_id: str, entry_type: str) -> Callable[[], object]:
        app = self.app
        if entry_type == "script":
            return partial(app.action_scripts, entry_id)  # type: ignore[attr-defined]
        return partial(self._open, entry_id)

    def _open(self, entry_id: str) -> None:
        app = self.app
        app.return_to_main()  # type: ignore[attr-defined]
        app.main.open_entry(entry_id)  # type: ignore[attr-defined]

    async def discover(self) -> Hits:
        index = getattr(self.app, "index", None)
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
        index = getattr(self.app, "index", None)
        if index is None or not query.strip():
            return
        hits = await asyncio.to_thread(index.search, query, PALETTE_LIMIT)
        for hit in hits:
            yield Hit(
                max(0.0, min(1.0, hit.score / 100)),
                self._display(hit.id, hit.type, hit.title, hit.spans),
                self._command(hit.id, hit.type),
                text=clean_line(hit.title),
                help=self.app.strings.palette_open_help.format(id=hit.id),  # type: ignore[attr-defined]
            )
