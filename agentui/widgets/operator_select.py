"""The caller's operator in the case pane: a Select that takes type-ahead without opening."""

from __future__ import annotations

import time
from typing import Any

from textual import events
from textual.content import Content
from textual.widgets import Select

from agentui.core.operators import OPERATORS, operator_starting_with

TYPE_AHEAD_PAUSE = 1.0
"""Seconds without a key after which type-ahead starts a new word."""


class OperatorSelect(Select[str]):
    """The caller's operator. Typing picks one without opening the list (`m`, `мт`, `meg`, `麦`):
    the old way took four keys every call (Enter, ↓, ↓, Enter)."""

    def __init__(self, prompt: str, **kwargs: Any) -> None:
        options = [(Content(op.name), op.id) for op in OPERATORS.values()]
        super().__init__(options, prompt=prompt, type_to_search=False, **kwargs)
        self._typed = ""
        self._typed_at = 0.0

    def check_consume_key(self, key: str, character: str | None = None) -> bool:
        return character is not None and character.isprintable() and not character.isspace()

    def on_key(self, event: events.Key) -> None:
        character = event.character
        if self.expanded or character is None or not self.check_consume_key(event.key, character):
            return
        event.stop()
        event.prevent_default()
        now = time.monotonic()
        typed = (self._typed if now - self._typed_at < TYPE_AHEAD_PAUSE else "") + character
        found = operator_starting_with(typed)
        if found is None:  # not a continuation: a new word
            typed, found = character, operator_starting_with(character)
        self._typed, self._typed_at = typed, now
        if found is not None:
            self.value = found
