"""A small modal asking for one value (a script placeholder the case does not fill)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Static

from agentui.screens.base import AgentModal
from agentui.strings import Strings
from agentui.widgets.fields import SafeInput
from agentui.widgets.safe_text import clean_line


class ValuePrompt(AgentModal[str | None]):
    BINDINGS = [Binding("escape", "cancel", "cancel")]

    def __init__(self, strings: Strings, name: str, last: str = "") -> None:
        super().__init__()
        self.strings = strings
        self.placeholder_name = name
        self.last = last

    def compose(self) -> ComposeResult:
        label = self.strings.placeholder_names.get(self.placeholder_name, clean_line(self.placeholder_name))
        with Vertical(id="prompt-dialog", classes="dialog"):
            yield Static(self.strings.prompt_title.format(name=label), markup=False, id="prompt-title")
            yield SafeInput(value=clean_line(self.last), id="prompt-value", max_length=200)
            yield Static(self.strings.prompt_help, classes="dialog-hint", markup=False)

    @on(Input.Submitted, "#prompt-value")
    def accept(self, event: Input.Submitted) -> None:
        value = clean_line(event.value).strip()
        if value:
            self.dismiss(value)

    def action_cancel(self) -> None:
        self.dismiss(None)
