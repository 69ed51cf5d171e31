"""Entries as plain tuples (`model.Record`): what a loaded KB and the on-disk cache hold, turned into
`Entry` objects only when read."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import date
from pathlib import Path

from agentui.core.kb.body import parse_steps
from agentui.core.kb.facts import facts_of
from agentui.core.kb.model import Entry, EntryType, KnowledgeBase, Problem, Record, RecordList, Records


def to_record(entry: Entry) -> Record:
    return Record(
        id=entry.id, type=entry.type.value, title=entry.title, path=str(entry.path), body=entry.body,
        body_line=entry.body_line, title_en=entry.title_en, aliases=entry.aliases, tags=entry.tags,
        operators=entry.operators, channel=entry.channel, related=entry.related, source=entry.source,
        verified=entry.verified.isoformat() if entry.verified else "", phones=entry.phones, apps=entry.apps,
        website=entry.website, placeholders=entry.placeholders,
        facts=tuple((fact.start, fact.end, fact.verified.isoformat()) for fact in entry.facts),
    )


def from_record(record: Record) -> Entry:
    kind = EntryType(record.type)
    file = Path(record.path)
    body = record.body
    # The loader reported the steps' problems already; the same body gives the same steps.
    steps = parse_steps(file, body, record.body_line)[0] if kind is EntryType.PROCEDURE and body.strip() else ()
    return Entry(
        id=record.id, type=kind, title=record.title, path=file, body=body,
        body_line=record.body_line, title_en=record.title_en, aliases=record.aliases, tags=record.tags,
        operators=record.operators, channel=record.channel, related=record.related, source=record.source,
        verified=date.fromisoformat(record.verified) if record.verified else None,
        steps=steps, phones=record.phones, apps=record.apps, website=record.website,
        placeholders=record.placeholders, facts=facts_of(body, record.body_line, record.facts) if record.facts else (),
    )


class RecordEntries(Mapping[str, Entry]):
    """A read-only id -> Entry mapping over records; an `Entry` is built the first time it is read,
    so a KB of 100k entries does not hold 100k objects beside its records."""

    def __init__(self, records: Records) -> None:
        self._records = records
        self._built: dict[str, Entry] = {}

    def __getitem__(self, entry_id: str) -> Entry:
        entry = self._built.get(entry_id)
        if entry is None:
            position = self._records.position(entry_id) if isinstance(entry_id, str) else None
            if position is None:
                raise KeyError(entry_id)
            entry = self._built[entry_id] = from_record(self._records[position])
        return entry

    def __iter__(self) -> Iterator[str]:
        return (record.id for record in self._records)

    def __len__(self) -> int:
        return len(self._records)

    def __contains__(self, entry_id: object) -> bool:
        return isinstance(entry_id, str) and self._records.position(entry_id) is not None


def knowledge_base(
    root: Path, records: Sequence[Record], problems: list[Problem], fingerprint: str = ""
) -> KnowledgeBase:
    """The KB over `records`, held as `Records` (the same object when they are already, so a KB
    and its search index share one set of records)."""
    if not isinstance(records, Records):
        records = RecordList(records)
    return KnowledgeBase(
        root=root, records=records, entries=RecordEntries(records), problems=problems, fingerprint=fingerprint
    )
