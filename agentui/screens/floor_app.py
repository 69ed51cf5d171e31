"""`agentui floor` full screen: the floor view on its own, for a supervisor without a call console."""

from __future__ import annotations

from textual.app import App

from agentui.screens.floor import FloorScreen


class FloorApp(App[None]):
    TITLE = "agentui floor"

    def __init__(self, url: str, lang: str) -> None:
        super().__init__()
        self.url = url
        self.lang = lang

    def on_mount(self) -> None:
        from agentui.core.cases.server.remote import CaseServer

        server = CaseServer(self.url, agent="", client_id="floor")
        self.push_screen(FloorScreen(self.url, self.lang, release=server.release))
