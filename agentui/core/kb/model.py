"""Typed knowledge-base entries, steps, the problems the loader reports, and the entries' record layout."""

from __future__ import annotations

from abc import abstractmethod
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
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


class Records(Sequence[Record]):
    """A KB's records, in load order, never changed once made: a sequence that also finds an
    entry by id and lists the entries of a type. Two forms: `RecordList` (in memory, as the loader
    makes them) and `packed.PackedRecords` (one buffer read from the index cache, a record decoded
    when read), so a warm start of 100k entries does not hold them all as objects."""

    __slots__ = ()

    @abstractmethod
    def position(self, entry_id: str) -> int | None:
        """Where the entry of that id is, or None."""

    @abstractmethod
    def positions_of_type(self, entry_type: str) -> list[int]:
        """Where the entries of that `EntryType` value are, in order."""


class RecordList(list[Record], Records):
    """Records held as objects: what the loader makes and a cold start indexes."""

    __slots__ = ("_positions",)

    def __init__(self, records: Iterable[Record] = ()) -> None:
        super().__init__(records)
        self._positions: dict[str, int] | None = None

    def __reduce__(self) -> tuple[object, tuple[list[Record]]]:
        return RecordList, (list(self),)

    def position(self, entry_id: str) -> int | None:
        if self._positions is None:
            self._positions = {record.id: index for index, record in enumerate(self)}
        return self._positions.get(entry_id)

    def positions_of_type(self, entry_type: str) -> list[int]:
        return [index for index, record in enumerate(self) if record.type == entry_type]


@dataclass(slots=True)
class KnowledgeBase:
    """Every entry that loaded cleanly, plus every problem found on the way."""

    root: Path
    records: Records = field(default_factory=RecordList)
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
        records = self.records
        return [self.entries[records[i].id] for i in records.positions_of_type(entry_type.value)]

    def counts(self) -> Counter[str]:
        return Counter({kind.value: n for kind in EntryType if (n := len(self.records.positions_of_type(kind.value)))})

    def contact_for(self, operator: str) -> Entry | None:
        """The contact entry of an operator id such as `mts`."""
        records = self.records
        for index in records.positions_of_type(EntryType.CONTACT.value):
            if operator in records[index].operators:
                return self.entries[records[index].id]
        return None
