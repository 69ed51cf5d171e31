"""Entries as plain tuples: what the on-disk cache stores, turned back into `Entry` only when read."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import date
from pathlib import Path

from agentui.core.kb.model import Entry, EntryType, Step

Record = tuple
"""(id, type, title, path, body, body_line, title_en, aliases, tags, operators, channel, related,
source, verified, steps, phones, apps, website, placeholders), strings and tuples only."""

R_ID, R_TYPE, R_TITLE, R_PATH, R_BODY, R_BODY_LINE, R_TITLE_EN, R_ALIASES, R_TAGS, R_OPERATORS = range(10)
R_PHONES = 15


def to_record(entry: Entry) -> Record:
    return (
        entry.id, entry.type.value, entry.title, str(entry.path), entry.body, entry.body_line,
        entry.title_en, entry.aliases, entry.tags, entry.operators, entry.channel, entry.related,
        entry.source, entry.verified.isoformat() if entry.verified else "",
        tuple((s.number, s.text, s.line) for s in entry.steps),
        entry.phones, entry.apps, entry.website, entry.placeholders,
    )


def from_record(record: Record) -> Entry:
    (entry_id, entry_type, title, path, body, body_line, title_en, aliases, tags, operators, channel,
     related, source, verified, steps, phones, apps, website, placeholders) = record
    return Entry(
        id=entry_id, type=EntryType(entry_type), title=title, path=Path(path), body=body,
        body_line=body_line, title_en=title_en, aliases=aliases, tags=tags, operators=operators,
        channel=channel, related=related, source=source,
        verified=date.fromisoformat(verified) if verified else None,
        steps=tuple(Step(*s) for s in steps), phones=phones, apps=apps, website=website,
        placeholders=placeholders,
    )


class RecordEntries(Mapping[str, Entry]):
    """A read-only id -> Entry mapping over records; an `Entry` is built the first time it is read,
    so a warm start with 100k entries does not build 100k objects."""

    def __init__(self, records: Sequence[Record]) -> None:
        self._records = records
        self._positions = {record[R_ID]: i for i, record in enumerate(records)}
        self._built: dict[str, Entry] = {}

    def __getitem__(self, entry_id: str) -> Entry:
        entry = self._built.get(entry_id)
        if entry is None:
            entry = from_record(self._records[self._positions[entry_id]])
            self._built[entry_id] = entry
        return entry

    def __iter__(self) -> Iterator[str]:
        return iter(self._positions)

    def __len__(self) -> int:
        return len(self._records)

    def __contains__(self, entry_id: object) -> bool:
        return entry_id in self._positions
