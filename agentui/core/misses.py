"""Which typed searches the agent gave up on: a query settles, then its search ends with or without an open.

Searching as you type shows results for every keystroke; only the query the agent settled on is a
search. A query *settles* when it stays on screen `SETTLE_S` seconds (the agent read the results),
or when the agent moves on from it (↓ into the results, Enter, leaving the box). A *search* is a
run of queries that refine one another (one extends or shortens the other: `注销` → `注销流量卡`).
It ends when the agent opens a result (found), types something that is no refinement (another
form of the question), clears the box, or the call ends. Its last settled query is then recorded:
`zero` if it found nothing, `miss` if it found entries but none was opened. A settled query whose
results say that no entry holds every word is a `miss` even when a result is opened: the KB lacks
what was asked, whatever the agent made do with. Queries never settled (typed through quickly)
are never recorded, so this sees what the agent asked, not each keystroke.
"""

from __future__ import annotations

import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, replace

SETTLE_S = 2.0
"""Seconds a query stays on screen before it counts as asked: long enough to read the first
results, longer than the pause between two words typed in one go."""
MAX_QUERY_CHARS = 200


@dataclass(frozen=True, slots=True)
class MissRecord:
    """One record for the store: `kind` is `miss` or `zero` (`records.EVENT_KINDS`)."""

    kind: str
    query: str
    case_id: str = ""


def normalise_query(text: str) -> str:
    """The query as kept: NFKC (full-width letters and digits folded), case folded, spaces collapsed."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(folded.split())[:MAX_QUERY_CHARS]


def refines(before: str, after: str) -> bool:
    """The same search typed on: one query extends or shortens the other."""
    return after.startswith(before) or before.startswith(after)


@dataclass(frozen=True, slots=True)
class _Shown:
    query: str
    """Normalised."""
    results: int
    lacks_words: bool
    case_id: str
    since: float
    settled: bool = False


class MissTracker:
    """Fed what the results pane shows and what the agent does; returns what to record. Pure and
    single-threaded (the UI thread calls it); the caller stores the records off that thread."""

    def __init__(self, clock: Callable[[], float] = time.monotonic, settle_s: float = SETTLE_S) -> None:
        self.clock = clock
        self.settle_s = settle_s
        self._current: _Shown | None = None
        self._settled: _Shown | None = None
        """The last query of this search that settled before a refinement replaced it."""

    def shown(self, query: str, results: int, *, lacks_words: bool = False, case_id: str = "") -> list[MissRecord]:
        """Results for `query` are on screen; what ended with it (a search the agent left)."""
        key = normalise_query(query)
        if not key:
            return self.end()
        now = self.clock()
        current = self._current
        if current is not None and current.query == key:
            self._current = replace(current, results=results, lacks_words=lacks_words)
            return []
        ended: list[MissRecord] = []
        if current is not None:
            current = self._timed(current, now)
            if refines(current.query, key):
                if current.settled:
                    self._settled = current
            else:
                self._current = current
                ended = self.end()
        self._current = _Shown(key, results, lacks_words, case_id, now)
        return ended

    def moved_on(self) -> None:
        """The agent acted on the results (↓, Enter, left the box): the query on screen is asked."""
        if self._current is not None:
            self._current = replace(self._current, settled=True)

    def opened(self) -> list[MissRecord]:
        """A result of the search on screen was opened: the search found something and ends. A query
        no entry fully matched is still a miss (the agent made do with the closest entry)."""
        current, self._current, self._settled = self._current, None, None
        if current is not None and current.lacks_words:
            return [MissRecord("miss", current.query, current.case_id)]
        return []

    def end(self) -> list[MissRecord]:
        """The search ends without an open (cleared, another question, the call ended, quitting)."""
        current, settled = self._current, self._settled
        self._current = self._settled = None
        if current is not None:
            current = self._timed(current, self.clock())
            if current.settled:
                settled = current
        if settled is None:
            return []
        return [MissRecord("zero" if settled.results == 0 else "miss", settled.query, settled.case_id)]

    @property
    def pending(self) -> str:
        """The normalised query of the search in progress ("" when none)."""
        return self._current.query if self._current is not None else ""

    def _timed(self, shown: _Shown, now: float) -> _Shown:
        if not shown.settled and now - shown.since >= self.settle_s:
            return replace(shown, settled=True)
        return shown
