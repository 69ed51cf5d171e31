"""The call-notes editor: pasted control characters are stripped and what is typed is capped.

Apart from `fields` so that TextArea (and its document model) is imported only when the case
pane is built, after the console's first frame."""

from __future__ import annotations

from dataclasses import dataclass

from textual import events
from textual.binding import Binding
from textual.message import Message
from textual.widgets import TextArea
from textual.widgets.text_area import Edit, EditResult, Location, Selection

from agentui.widgets.line_breaking import install_for_text_areas
from agentui.widgets.safe_text import clean

install_for_text_areas()  # notes and the summary are written in Chinese: wrap them by its rules

MAX_NOTES = 100_000
"""Characters the agent can type or paste into the notes; a larger paste is cut with a notice.
Stored notes that are longer already are loaded whole (never cut), and the agent is told."""


class NotesArea(TextArea):
    """The call notes (and the wrap-up summary); pastes are cleaned and the total length is capped
    at `MAX_NOTES`. Entering it puts the cursor after the text: notes are added to, not prefixed."""

    BINDINGS = [
        Binding("ctrl+end", "cursor_to_end", "to_end", show=False),
        Binding("ctrl+home", "cursor_to_start", "to_start", show=False),
    ]

    @dataclass
    class Capped(Message):
        limit: int

    @dataclass
    class OverLimit(Message):
        """Loaded text is longer than `MAX_NOTES`: all of it is shown; it can only be shortened."""

        length: int
        limit: int

    fresh_line = False
    """The next text typed at the end starts a line of its own (see `start_fresh_line`)."""

    def start_fresh_line(self) -> None:
        """The agent came back to write more (F6 after a search): what they type next goes on a new
        line, not glued to the end of the last note. Nothing changes until they type, so coming
        and going adds no empty lines."""
        self.fresh_line = bool(self.text) and not self.text.endswith("\n")

    def edit(self, edit: Edit) -> EditResult:
        self.fresh_line = False  # any edit (a deletion too) means the agent chose where to write
        return super().edit(edit)

    def watch_selection(self, selection: Selection) -> None:
        if selection.end != self.document.end:  # moved into the text: write where the cursor is
            self.fresh_line = False

    def on_focus(self, event: events.Focus) -> None:
        # A click places the cursor where it lands right after this (its MouseDown comes next).
        self.action_cursor_to_end()

    def action_cursor_to_end(self) -> None:
        self.move_cursor(self.document.end, center=False)
        self.scroll_cursor_visible()

    def action_cursor_to_start(self) -> None:
        self.move_cursor((0, 0))

    async def _on_paste(self, event: events.Paste) -> None:
        event.prevent_default()
        event.stop()
        if self.read_only:
            return
        if result := self._replace_via_keyboard(clean(event.text), *self.selection):
            self.move_cursor(result.end_location)

    def _replace_via_keyboard(self, insert: str, start: Location, end: Location) -> EditResult | None:
        """Every typed or pasted edit: capped so the notes never exceed `MAX_NOTES`. (Textual has no
        public hook for this; tests/ui/test_textual_internals.py fails if an upgrade changes it.)"""
        start, end = sorted((start, end))
        fresh_line, self.fresh_line = self.fresh_line, False
        if fresh_line and insert and start == end == self.document.end and not insert.startswith("\n"):
            insert = "\n" + insert
        removed = len(self.get_text_range(start, end)) if start != end else 0
        room = MAX_NOTES - len(self.text) + removed
        if len(insert) > room:
            insert = insert[: max(0, room)]
            if room < 0:  # loaded over the limit: say that, not "the paste was too long"
                self.post_message(self.OverLimit(len(self.text), MAX_NOTES))
            else:
                self.post_message(self.Capped(MAX_NOTES))
            if not insert and start == end:
                return None
        return super()._replace_via_keyboard(insert, start, end)

    def load_text(self, text: str) -> None:
        text = clean(text)
        super().load_text(text)
        if len(text) > MAX_NOTES:
            self.post_message(self.OverLimit(len(text), MAX_NOTES))
