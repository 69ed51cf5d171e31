"""A supervisor's report over closed calls: volume by day, handle times, mixes, KB use and misses."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime, tzinfo
from typing import Any

from agentui.core.cases.records import CallRecord, Event

TOP = 10
NONE = "(none)"
PHASES = ("talk", "hold", "wrap", "handle")
"""Talk, hold, after-call work (wrap-up), and their sum as the case's duration (handle time)."""


@dataclass(frozen=True, slots=True)
class PhaseStats:
    calls: int
    p50_s: int | None
    p90_s: int | None


@dataclass(frozen=True, slots=True)
class Miss:
    query: str
    count: int
    last_seen: str
    found_nothing: int
    """How many of `count` found no result at all (the rest: results shown, none opened)."""


@dataclass(slots=True)
class Report:
    since: str
    until: str
    agent: str
    calls: int = 0
    per_day: list[tuple[str, int]] = field(default_factory=list)
    phases: dict[str, PhaseStats] = field(default_factory=dict)
    dispositions: list[tuple[str, int]] = field(default_factory=list)
    operators: list[tuple[str, int]] = field(default_factory=list)
    categories: list[tuple[str, int]] = field(default_factory=list)
    agents: list[tuple[str, int]] = field(default_factory=list)
    entries: list[tuple[str, int]] = field(default_factory=list)
    """KB entries opened, by the number of calls that opened them."""
    scripts: list[tuple[str, int]] = field(default_factory=list)
    misses: list[Miss] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def percentile(values: Sequence[int], share: float) -> int | None:
    """Nearest rank: the smallest value with at least `share` of the values at or below it."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def build_report(
    records: Iterable[CallRecord],
    misses: Iterable[Event],
    *,
    since: str,
    until: str,
    agent: str = "",
    tz: tzinfo | None = None,
) -> Report:
    """`tz`: the zone whose days the per-day counts use (default: this machine's)."""
    report = Report(since=since, until=until, agent=agent)
    days: Counter[str] = Counter()
    day_of_minute: dict[str, str] = {}
    phases: dict[str, list[int]] = {name: [] for name in PHASES}
    mixes: dict[str, Counter[str]] = {name: Counter() for name in ("disp", "op", "cat", "agent", "entry", "script")}
    for record in records:
        report.calls += 1
        minute = record.closed_at[:16]
        day = day_of_minute.get(minute)
        if day is None:  # a week has ~10,000 minutes and 60,000 calls: each minute converted once
            day = day_of_minute[minute] = _day(record.closed_at, tz)
        days[day] += 1
        if record.talk_s is not None:
            phases["talk"].append(record.talk_s)
        phases["hold"].append(record.hold_s)
        if record.wrap_s is not None:
            phases["wrap"].append(record.wrap_s)
        if record.duration_s is not None:
            phases["handle"].append(record.duration_s)
        mixes["disp"][record.disposition or NONE] += 1
        mixes["op"][record.operator or NONE] += 1
        mixes["cat"][record.category or NONE] += 1
        mixes["agent"][record.agent or NONE] += 1
        mixes["entry"].update(set(record.articles))
        mixes["script"].update(set(record.scripts))
    report.per_day = sorted(days.items())
    report.phases = {
        name: PhaseStats(len(values), percentile(values, 0.5), percentile(values, 0.9))
        for name, values in phases.items()
    }
    report.dispositions = _ranked(mixes["disp"])
    report.operators = _ranked(mixes["op"])
    report.categories = _ranked(mixes["cat"])
    report.agents = _ranked(mixes["agent"])
    report.entries = _ranked(mixes["entry"])[:TOP]
    report.scripts = _ranked(mixes["script"])[:TOP]
    report.misses = _misses(misses)
    return report


def _ranked(counts: Counter[str]) -> list[tuple[str, int]]:
    """Most first; ties by name, so the same data always gives the same report."""
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def _day(iso: str, tz: tzinfo | None) -> str:
    return datetime.fromisoformat(iso).astimezone(tz).date().isoformat()


def normalise_query(query: str) -> str:
    return " ".join(query.casefold().split())


def _misses(events: Iterable[Event]) -> list[Miss]:
    counts: Counter[str] = Counter()
    nothing: Counter[str] = Counter()
    last: dict[str, str] = {}
    for event in events:
        query = normalise_query(event.ref)
        if not query:
            continue
        counts[query] += 1
        if event.kind == "zero":
            nothing[query] += 1
        last[query] = max(last.get(query, ""), event.at)
    return [Miss(query, count, last[query], nothing[query]) for query, count in _ranked(counts)[: TOP * 2]]
