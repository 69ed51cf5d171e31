"""A one-line text field that keeps data safe: pasted control characters are stripped, length is capped."""

from __future__ import annotations

from textual import events
from textual.widgets import Input

from agentui.widgets.safe_text import clean_line


class SafeInput(Input):
    """An `Input` whose pastes are cleaned and capped at `max_length`."""

    def _on_paste(self, event: events.Paste) -> None:
        event.prevent_default()
        event.stop()
        line = clean_line(event.text.splitlines()[0] if event.text.strip() else event.text)
        if self.max_length:
            line = line[: max(0, self.max_length - len(self.value) + len(self.selected_text))]
        if line:
            if self.selection.is_empty:
                self.insert_text_at_cursor(line)
            else:
                self.replace(line, *self.selection)
