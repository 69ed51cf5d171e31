"""Typed knowledge-base entries, steps and the problems the loader reports."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from pathlib import Path


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


@dataclass(frozen=True, slots=True)
class Problem:
    path: Path
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


@dataclass(slots=True)
class KnowledgeBase:
    """Every entry that loaded cleanly, plus every problem found on the way."""

    root: Path
    entries: dict[str, Entry] | Mapping[str, Entry] = field(default_factory=dict)
    """A dict when parsed; a lazy mapping over cached records on a warm start."""
    problems: list[Problem] = field(default_factory=list)
    fingerprint: str = ""
    """Hash of the files' names and bytes; keys the on-disk search-index cache."""

    def __len__(self) -> int:
        return len(self.entries)

    def get(self, entry_id: str) -> Entry | None:
        return self.entries.get(entry_id)

    def of_type(self, entry_type: EntryType) -> list[Entry]:
        return [e for e in self.entries.values() if e.type is entry_type]

    def counts(self) -> Counter[str]:
        return Counter(e.type.value for e in self.entries.values())

    def contact_for(self, operator: str) -> Entry | None:
        """The contact entry of an operator id such as `mts`."""
        for entry in self.entries.values():
            if entry.type is EntryType.CONTACT and operator in entry.operators:
                return entry
        return None
