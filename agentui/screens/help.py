"""F1: every key, grouped."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Static

from agentui.screens.base import AgentModal
from agentui.strings import Strings


def help_content(strings: Strings) -> Content:
    lines: list[Content] = []
    for title, keys in strings.help_groups:
        if lines:
            lines.append(Content(""))
        lines.append(Content.styled(title, "bold $accent"))
        for key, what in keys:
            lines.append(Content.assemble((f"  {key:<16}", "bold"), what))
    return Content("\n").join(lines)


class HelpScreen(AgentModal[None]):
    BINDINGS = [Binding("escape", "dismiss", "close")]

    def __init__(self, strings: Strings) -> None:
        super().__init__()
        self.strings = strings

    def compose(self) -> ComposeResult:
        with Vertical(id="help-dialog", classes="dialog"):
            with VerticalScroll(id="help-body"):
                yield Static(help_content(self.strings), id="help-text")
            yield Static(self.strings.help_close, classes="dialog-hint", markup=False)

    def on_mount(self) -> None:
        self.query_one("#help-dialog").border_title = self.strings.help_title
        self.query_one("#help-body").focus()
