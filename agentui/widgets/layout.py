"""The main screen's grid of panes. Under 120 columns there is not room for all three at once, so
the pane in use (results, article or case) gets the room; the others stay visible, narrower."""

from __future__ import annotations

from textual import events
from textual.containers import Grid
from textual.reactive import reactive

PANE_CLASSES = {"left": "-browsing", "article": "-reading", "case": "-writing"}
"""Pane id -> class the grid takes while focus is inside that pane (agentui.tcss sizes them)."""


class CallLayout(Grid):
    in_use: reactive[str] = reactive("left")
    """The pane holding focus: `left` (search and results), `article` or `case`."""

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        for node in event.widget.ancestors_with_self:
            if node.id in PANE_CLASSES:
                self.in_use = node.id
                return

    def watch_in_use(self, pane: str) -> None:
        for pane_id, css_class in PANE_CLASSES.items():
            self.set_class(pane_id == pane, css_class)
