"""Entries as plain tuples (`model.Record`): what a loaded KB and the on-disk cache hold, turned into
`Entry` objects only when read."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import date
from pathlib import Path

from agentui.core.kb.body import parse_steps
from agentui.core.kb.model import R_ID, Entry, EntryType, KnowledgeBase, Problem, Record


def to_record(entry: Entry) -> Record:
    return (
        entry.id, entry.type.value, entry.title, str(entry.path), entry.body, entry.body_line,
        entry.title_en, entry.aliases, entry.tags, entry.operators, entry.channel, entry.related,
        entry.source, entry.verified.isoformat() if entry.verified else "",
        entry.phones, entry.apps, entry.website, entry.placeholders,
    )


def from_record(record: Record) -> Entry:
    (entry_id, entry_type, title, path, body, body_line, title_en, aliases, tags, operators, channel,
     related, source, verified, phones, apps, website, placeholders) = record
    kind = EntryType(entry_type)
    file = Path(path)
    # The loader reported the steps' problems already; the same body gives the same steps.
    steps = parse_steps(file, body, body_line)[0] if kind is EntryType.PROCEDURE and body.strip() else ()
    return Entry(
        id=entry_id, type=kind, title=title, path=file, body=body,
        body_line=body_line, title_en=title_en, aliases=aliases, tags=tags, operators=operators,
        channel=channel, related=related, source=source,
        verified=date.fromisoformat(verified) if verified else None,
        steps=steps, phones=phones, apps=apps, website=website, placeholders=placeholders,
    )


class RecordEntries(Mapping[str, Entry]):
    """A read-only id -> Entry mapping over records; an `Entry` is built the first time it is read,
    so a KB of 100k entries does not hold 100k objects beside its records."""

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


def knowledge_base(
    root: Path, records: Sequence[Record], problems: list[Problem], fingerprint: str = ""
) -> KnowledgeBase:
    return KnowledgeBase(
        root=root, records=records, entries=RecordEntries(records), problems=problems, fingerprint=fingerprint
    )
