"""Which entries and dated facts are stale: checked longer ago than the settings' threshold."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from agentui.core.kb.model import Entry, Fact, KnowledgeBase

DEFAULT_STALE_AFTER_DAYS = 180


def age_days(verified: date, today: date) -> int:
    """Days since `verified`; negative for a date after today (a clock or a typo, never stale)."""
    return (today - verified).days


def is_stale(verified: date | None, today: date, after_days: int = DEFAULT_STALE_AFTER_DAYS) -> bool:
    """Whether a fact checked on `verified` is older than `after_days` on `today`. An entry without
    a date is not stale: it is incomplete, which `kb check` reports apart."""
    return verified is not None and age_days(verified, today) > after_days


def stale_facts(entry: Entry, today: date, after_days: int = DEFAULT_STALE_AFTER_DAYS) -> tuple[Fact, ...]:
    """The entry's dated facts that are stale, with their spans in `entry.body` for highlighting.
    A fact's own date counts, not the entry's: a hotline checked last week stays fresh in an entry
    checked two years ago, and the other way round."""
    return tuple(fact for fact in entry.facts if is_stale(fact.verified, today, after_days))


@dataclass(frozen=True, slots=True)
class Staleness:
    """An entry that is stale itself, or holds stale facts."""

    entry_id: str
    path: Path
    verified: date | None
    age_days: int | None
    """Days since the entry's `verified`; None without one."""
    stale: bool
    """Whether the entry's own `verified` is stale."""
    facts: tuple[Fact, ...]
    """Its stale dated facts."""


def stale_entries(kb: KnowledgeBase, today: date, after_days: int = DEFAULT_STALE_AFTER_DAYS) -> list[Staleness]:
    """Every entry that is stale or holds a stale fact, oldest `verified` first. Reads records, and
    builds an `Entry` only for the few with dated facts."""
    found: list[Staleness] = []
    # The newest date that is stale, as text: ISO dates sort as text, so most records need no parsing.
    newest_stale = date.fromordinal(today.toordinal() - after_days - 1).isoformat()
    for record in kb.records:
        stale = bool(record.verified) and record.verified <= newest_stale
        facts = stale_facts(kb.entries[record.id], today, after_days) if record.facts else ()
        if stale or facts:
            verified = date.fromisoformat(record.verified) if record.verified else None
            age = age_days(verified, today) if verified is not None else None
            found.append(Staleness(record.id, Path(record.path), verified, age, stale, facts))
    found.sort(key=lambda s: (s.verified or date.max, s.entry_id))
    return found
