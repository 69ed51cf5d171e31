"""Case-pane fields: a one-line text field that keeps data safe (pasted control characters are
stripped, length is capped) and the operator choice, which takes type-ahead."""

from __future__ import annotations

import re
import time
from typing import Any

from textual import events
from textual.content import Content
from textual.widgets import Input, Select

from agentui.core.operators import OPERATORS
from agentui.widgets.safe_text import clean_line

TYPE_AHEAD_PAUSE = 1.0
"""Seconds without a key after which type-ahead starts a new word."""


def _spellings(operator_id: str) -> list[str]:
    op = OPERATORS[operator_id]
    return [s.casefold() for s in (op.id, op.name, *op.names)]


def operator_starting_with(typed: str) -> str | None:
    """The operator one of whose spellings starts with `typed` (`m` → MTS, `meg`, `мт`, `麦`);
    the first in `OPERATORS` when several do."""
    typed = typed.casefold()
    if not typed:
        return None
    return next((op for op in OPERATORS if any(s.startswith(typed) for s in _spellings(op))), None)


_LETTER = "0-9a-zа-яё"


def operators_named_in(text: str) -> set[str]:
    """Operators a text names: a Latin or Cyrillic spelling not inside a longer word (`MTS补卡` names
    MTS, `smtsx` does not), a Chinese one anywhere."""
    folded = text.casefold()
    named = set()
    for op in OPERATORS:
        for spelling in _spellings(op):
            if any("\u4e00" <= ch <= "\u9fff" for ch in spelling):
                found = spelling in folded
            else:
                found = re.search(rf"(?<![{_LETTER}]){re.escape(spelling)}(?![{_LETTER}])", folded) is not None
            if found:
                named.add(op)
                break
    return named


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
