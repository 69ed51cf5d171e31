"""Interim search index (substring); replaced by the n-gram + rapidfuzz index."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from agentui.core.kb.model import Entry, EntryType, KnowledgeBase


@dataclass(frozen=True, slots=True)
class Hit:
    id: str
    type: str
    title: str
    score: float
    """0-100, higher is better."""
    spans: dict[str, tuple[tuple[int, int], ...]] = field(default_factory=dict)
    """Field name ("title", "title_en", ...) -> (start, end) offsets into that field's text."""


class SearchIndex:
    def __init__(self, entries: Sequence[Entry]) -> None:
        self._entries = list(entries)

    @classmethod
    def build(cls, entries: Sequence[Entry]) -> SearchIndex:
        return cls(entries)

    def __len__(self) -> int:
        return len(self._entries)

    def search(self, query: str, limit: int = 20) -> list[Hit]:
        q = query.strip().casefold()
        hits = []
        for e in self._entries:
            if not q:
                if e.type is EntryType.PROCEDURE:
                    hits.append(Hit(e.id, e.type.value, e.title, 50.0))
                continue
            title = e.title.casefold()
            if q in title:
                start = title.index(q)
                hits.append(Hit(e.id, e.type.value, e.title, 90.0, {"title": ((start, start + len(q)),)}))
            elif q in (e.body + " ".join(e.aliases) + e.title_en).casefold():
                hits.append(Hit(e.id, e.type.value, e.title, 60.0))
        hits.sort(key=lambda h: -h.score)
        return hits[:limit]


def load_index(kb: KnowledgeBase, cache_dir: Path | None = None) -> SearchIndex:
    return SearchIndex.build(list(kb.entries.values()))
