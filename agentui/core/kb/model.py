"""Typed knowledge-base entries, steps, the problems the loader reports, and the entries' record layout."""

from __future__ import annotations

import gc
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from itertools import repeat
from pathlib import Path
from typing import NamedTuple

from agentui.core.kb.limits import shown


class EntryType(StrEnum):
    PROCEDURE = "procedure"
    FAQ = "faq"
    SCRIPT = "script"
    CONTACT = "contact"


@dataclass(frozen=True, slots=True)
class Step:
    """One numbered item of a procedure's `## 步骤` list; `line` points into the file."""

    number: int
    text: str
    line: int


@dataclass(frozen=True, slots=True)
class Fact:
    """One fact an author dated in the body with `[the fact]{verified=YYYY-MM-DD}` (see `facts`):
    `entry.body[start:end] == text`, the marker itself being gone from the body."""

    start: int
    end: int
    verified: date
    line: int
    """File line of the fact."""
    text: str


FactSpan = tuple[int, int, str]
"""(start, end, ISO date) of a fact in the body: the form a record holds."""


@dataclass(frozen=True, slots=True)
class Entry:
    id: str
    type: EntryType
    title: str
    path: Path
    body: str = ""
    body_line: int = 1
    title_en: str = ""
    aliases: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    operators: tuple[str, ...] = ()
    channel: str = ""
    related: tuple[str, ...] = ()
    source: str = ""
    verified: date | None = None
    steps: tuple[Step, ...] = ()
    phones: tuple[str, ...] = ()
    apps: tuple[str, ...] = ()
    website: str = ""
    placeholders: tuple[str, ...] = ()
    """Placeholder names a script uses, in order of first use."""
    facts: tuple[Fact, ...] = ()
    """Facts dated in the body, in order (`agentui.core.kb.freshness` says which are stale)."""


@dataclass(frozen=True, slots=True)
class Problem:
    path: Path
    """As the file system names it: bytes of a name that is not UTF-8 are lone surrogates here."""
    line: int
    message: str

    def __str__(self) -> str:
        """`path:line: message` on one line: control characters and undecodable name bytes escaped
        (`\\x1b`, `\\xb2`), so a file name can neither break the line nor reach the terminal raw."""
        return shown(f"{self.path}:{self.line}: {self.message}")


class Record(NamedTuple):
    """An entry in the form a big KB is held in (an `Entry` object is built only when read): strings,
    ints and tuples of strings only, as small as a plain tuple. Steps are not kept: they are read
    again from the body when the entry is built."""

    id: str
    type: str
    """`EntryType` value."""
    title: str
    path: str
    body: str
    body_line: int
    title_en: str
    aliases: tuple[str, ...]
    tags: tuple[str, ...]
    operators: tuple[str, ...]
    channel: str
    related: tuple[str, ...]
    source: str
    """The `source` file names joined with ", "."""
    verified: str
    """ISO date or ""."""
    phones: tuple[str, ...]
    apps: tuple[str, ...]
    website: str
    placeholders: tuple[str, ...]
    facts: tuple[FactSpan, ...]
    """Facts dated in the body, as spans of `body`; () for nearly every entry."""


new_record = tuple.__new__
"""`new_record(Record, values)`: a record from a tuple of its values, at C speed (the loader's way)."""


class RecordList(list[Record]):
    """A KB's records, as the loader and the search-index cache hold them: a list that pickles
    column by column.

    Why: a warm start unpickles every record. Pickled one by one, each record is rebuilt by the
    NamedTuple's Python `__new__` and its values held twice in the unpickler's memo until the end
    (+300 ms and +26 MiB at 100k entries); as 19 columns they are rebuilt in one C loop (~45 ms at
    100k, a little more than the plain tuples they once were)."""

    __slots__ = ()

    def __reduce__(self) -> tuple[object, tuple[object, ...]]:
        return _records_from_columns, (list(zip(*self, strict=True)),)


def _records_from_columns(columns: list[tuple[object, ...]]) -> RecordList:
    # The collector would rescan the growing list of new records again and again while they are
    # made (they are tracked objects, unlike plain tuples of strings): off for this one loop.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return RecordList(map(new_record, repeat(Record), zip(*columns, strict=True)))
    finally:
        if collecting:
            gc.enable()


@dataclass(slots=True)
class KnowledgeBase:
    """Every entry that loaded cleanly, plus every problem found on the way."""

    root: Path
    records: Sequence[Record] = ()
    """Every entry as a record, in load order; what the search index is built from."""
    entries: Mapping[str, Entry] = field(default_factory=dict)
    """Id -> entry over `records`; an `Entry` object is built the first time it is read, so 100k
    entries cost their records' memory, not twice that (see `records.RecordEntries`)."""
    problems: list[Problem] = field(default_factory=list)
    fingerprint: str = ""
    """Hash of the files' names and bytes; keys the on-disk search-index cache."""

    def __len__(self) -> int:
        return len(self.entries)

    def get(self, entry_id: str) -> Entry | None:
        return self.entries.get(entry_id)

    def of_type(self, entry_type: EntryType) -> list[Entry]:
        return [self.entries[r.id] for r in self.records if r.type == entry_type.value]

    def counts(self) -> Counter[str]:
        return Counter(r.type for r in self.records)

    def contact_for(self, operator: str) -> Entry | None:
        """The contact entry of an operator id such as `mts`."""
        for record in self.records:
            if record.type == EntryType.CONTACT.value and operator in record.operators:
                return self.entries[record.id]
        return None
