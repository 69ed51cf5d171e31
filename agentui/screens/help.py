"""F1: every key, grouped, in two aligned columns (keys measured in terminal cells, so Chinese
labels line up)."""

from __future__ import annotations

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Static

from agentui.screens.base import AgentModal
from agentui.strings import Strings

KEY_GAP = 2
"""Cells between the key column and the description."""


def key_column_width(strings: Strings) -> int:
    """The widest key label of every group, in cells."""
    return max(cell_len(key) for _, rows in strings.help_groups for key, _ in rows) + KEY_GAP


def help_rows(strings: Strings) -> list[tuple[str, str, str]]:
    """(group title, key, what) for every row, in the order shown."""
    return [(title, key, what) for title, rows in strings.help_groups for key, what in rows]


class HelpScreen(AgentModal[None]):
    BINDINGS = [Binding("escape", "dismiss", "close")]

    def __init__(self, strings: Strings) -> None:
        super().__init__()
        self.strings = strings

    def compose(self) -> ComposeResult:
        width = key_column_width(self.strings)
        with Vertical(id="help-dialog", classes="dialog"):
            with VerticalScroll(id="help-body"):
                for number, (title, rows) in enumerate(self.strings.help_groups):
                    first = " -first" if number == 0 else ""
                    yield Static(Content.styled(title, "bold $accent"), classes="help-group" + first)
                    for key, what in rows:
                        # Each row is two widgets: a long description wraps under itself, not under the key.
                        key_cell = Static(Content.styled(key, "bold"), classes="help-key")
                        key_cell.styles.width = width
                        yield Horizontal(key_cell, Static(Content(what), classes="help-what"), classes="help-row")
            yield Static(self.strings.help_close, classes="dialog-hint", markup=False)

    def on_mount(self) -> None:
        self.query_one("#help-dialog").border_title = self.strings.help_title
        self.query_one("#help-body").focus()
