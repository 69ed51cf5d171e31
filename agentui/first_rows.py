"""The first frame's rows: those the empty query listed last are kept for the next start, which
lists them before its KB and search have loaded (`core.search.first_screen`); the main screen is
created in its final layout, and the search starts loading right after that frame. Mixed into `AgentApp`."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from textual import work
from textual.app import App

from agentui.config import Settings
from agentui.strings import Strings

if TYPE_CHECKING:
    from agentui.core.kb.model import KnowledgeBase
    from agentui.core.search import Hit
    from agentui.core.search.first_screen import FirstRows, ListedRow
    from agentui.screens.main import MainScreen

    _Host = App[None]
else:
    _Host = object


class FirstRowsKept(_Host):
    settings: Settings
    strings: Strings
    clock: Callable[[], datetime]
    kb: KnowledgeBase | None
    _first_rows: Callable[[], FirstRows | None] | None
    """Reads the rows kept for this KB (started before Textual loaded); None once taken."""
    _rows_kept: tuple[str, tuple[ListedRow, ...]] | None
    """(KB fingerprint, rows) the cache holds for the next start's first frame."""

    _kb_asked = False
    kb_stat_key: str | None = None
    """The KB files' cache key as stat'ed for the first rows, milliseconds before the KB loads:
    stat'ing 10k files again took the KB worker 70-90 ms. An older key is the safe side (see
    `cache.open_search`)."""

    if TYPE_CHECKING:

        def load_knowledge(self) -> object: ...

    def get_default_screen(self) -> MainScreen:
        """The main screen, created in the layout class of the terminal's width: given later, every
        widget of the first frame was styled twice."""
        from agentui.screens.first_frame import width_class
        from agentui.screens.main import MainScreen

        return MainScreen(self.strings, self.clock, classes=width_class(self))

    def start_loading_kb(self) -> None:
        """Right after the first frame, before the panes are built (see `screens.first_frame`)."""
        if self.kb is None and not self._kb_asked:
            self._kb_asked = True
            self.load_knowledge()

    def take_first_rows(self) -> tuple[ListedRow, ...]:
        """The rows to list before the KB is loaded (once, at start): those the empty query listed
        last, if the KB's files have not changed since; () on a cold start."""
        read, self._first_rows = self._first_rows, None
        first = read() if read is not None else None
        if first is None:
            return ()
        self._rows_kept = (first.fingerprint, first.rows)
        self.kb_stat_key = first.stat_key
        return first.rows

    def keep_first_rows(self, hits: Sequence[Hit]) -> None:
        """The empty query's rows, kept for the next start's first frame when they changed."""
        from agentui.core.search.first_screen import ListedRow

        kb = self.kb
        if kb is None or self.settings.cache_dir is None or not kb.fingerprint:
            return
        entries = [kb.get(hit.id) for hit in hits]
        rows = tuple(ListedRow(hit.id, hit.type, hit.title, entry.title_en if entry else "",
                               entry.operators if entry else ()) for hit, entry in zip(hits, entries, strict=True))
        if self._rows_kept != (kb.fingerprint, rows):
            self._rows_kept = (kb.fingerprint, rows)
            self._write_first_rows(self.settings.cache_dir, kb.fingerprint, rows)

    @work(thread=True, group="first-rows")
    def _write_first_rows(self, cache_dir: Path, fingerprint: str, rows: tuple[ListedRow, ...]) -> None:
        from agentui.core.search.first_screen import write_first_rows

        write_first_rows(cache_dir, fingerprint, rows)
