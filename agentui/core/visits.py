"""The entries opened during a call, in order, for going back and forward as in a browser."""

from __future__ import annotations


class Visits:
    def __init__(self) -> None:
        self._ids: list[str] = []
        self._at = -1
        """Index of the entry on screen."""

    def visit(self, entry_id: str) -> None:
        """A newly opened entry drops the ones ahead of the current (as a browser does)."""
        del self._ids[self._at + 1 :]
        if not self._ids or self._ids[-1] != entry_id:
            self._ids.append(entry_id)
        self._at = len(self._ids) - 1

    def back(self) -> str | None:
        if self._at <= 0:
            return None
        self._at -= 1
        return self._ids[self._at]

    def forward(self) -> str | None:
        if self._at + 1 >= len(self._ids):
            return None
        self._at += 1
        return self._ids[self._at]

    def clear(self) -> None:
        self._ids.clear()
        self._at = -1
