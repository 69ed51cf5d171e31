"""What an agent uses, from the store's records: entries by use, the recent ones, and the pinned ones."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from agentui.core.cases.protocol import EventReader
from agentui.core.cases.records import Event

USE_KINDS = ("open", "tick", "script")
"""What counts as using an entry: opening it, ticking a step, copying or inserting a script."""
USAGE_DAYS = 90
"""Uses older than this no longer count: an agent's work moves with the season's questions."""
RECENT_SHOWN = 5
"""Entries of this call leading the empty-query list (before the most used ones)."""
SINCE_EVER = "2000-01-01T00:00:00+00:00"


def pinned_of(pins: Iterable[Event], unpins: Iterable[Event]) -> set[str]:
    """The entries pinned now. The console records `pin` only for an entry not pinned and `unpin`
    only for a pinned one, so the two alternate per entry: it is pinned when it has more pins than
    unpins. Counting needs no order, so two presses within one second (records kept to the second)
    are never misread."""
    balance: Counter[str] = Counter(event.ref for event in pins)
    balance.subtract(event.ref for event in unpins)
    return {entry_id for entry_id, count in balance.items() if count > 0}


@dataclass(slots=True)
class UsageHistory:
    """One agent's use of the KB, kept up to date in memory while the console runs."""

    counts: Counter[str] = field(default_factory=Counter)
    """Uses per entry over the last `USAGE_DAYS` (each kind counted once per entry and call)."""
    recent: list[str] = field(default_factory=list)
    """Entries opened during the call in progress (or since the last call, while browsing), most
    recent first, each once. A new call starts with none: the most used entries lead its list."""
    pinned: set[str] = field(default_factory=set)

    @classmethod
    def from_events(
        cls, uses: Iterable[Event], pins: Iterable[Event] = (), unpins: Iterable[Event] = (), *, case_id: str = ""
    ) -> UsageHistory:
        """`case_id`: the call in progress, whose opened entries are the recent ones (after a restart)."""
        history = cls(pinned=pinned_of(pins, unpins))
        opens: list[Event] = []
        for event in uses:
            history.counts[event.ref] += 1
            if event.kind == "open" and case_id and event.case_id == case_id:
                opens.append(event)
        opens.sort(key=lambda event: event.at)  # stable: records of one second keep their order
        for event in opens:
            history.opened(event.ref)
        return history

    def used(self, entry_id: str) -> None:
        self.counts[entry_id] += 1

    def opened(self, entry_id: str) -> None:
        if entry_id in self.recent:
            self.recent.remove(entry_id)
        self.recent.insert(0, entry_id)

    def recent_entries(self, limit: int = RECENT_SHOWN) -> list[str]:
        return self.recent[:limit]

    def call_ended(self) -> None:
        self.recent.clear()

    @property
    def empty(self) -> bool:
        return not (self.counts or self.recent or self.pinned)


def usage_since(now: datetime, days: int = USAGE_DAYS) -> str:
    """The UTC ISO-8601 start of the window uses are counted in."""
    return (now - timedelta(days=days)).isoformat(timespec="seconds")


def read_usage(reader: EventReader, agent: str | None, now: datetime, case_id: str = "") -> UsageHistory:
    """An agent's usage from its records (a store, or a read-only reader while a console runs);
    `agent` None: every record the reader has (a data dir holds one agent's). `case_id`: the call
    in progress."""
    since = usage_since(now)
    uses = [event for kind in USE_KINDS for event in reader.events(kind, since=since, agent=agent)]
    pins = reader.events("pin", since=SINCE_EVER, agent=agent)
    unpins = reader.events("unpin", since=SINCE_EVER, agent=agent)
    return UsageHistory.from_events(uses, pins, unpins, case_id=case_id)
