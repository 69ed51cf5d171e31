"""A modal that waits for the knowledge base after a key that needs it (F5 right at start)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Static

from agentui.screens.base import AgentModal
from agentui.strings import Strings


class LoadingScreen(AgentModal[None]):
    """Shown until the KB is loaded; the app then replaces it with what the agent asked for. Keys
    typed meanwhile stay here: they used to land in the search box (an `i` meant for the scripts
    pane)."""

    BINDINGS = [Binding("escape", "dismiss", "close")]

    def __init__(self, strings: Strings) -> None:
        super().__init__()
        self.strings = strings

    def compose(self) -> ComposeResult:
        with Vertical(id="loading-dialog", classes="dialog"):
            yield Static(self.strings.kb_loading, markup=False)
