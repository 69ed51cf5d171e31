"""The search index: candidates from the inverted index, then exact re-ranking of those candidates."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from agentui.core.kb.model import Entry, EntryType
from agentui.core.operators import OPERATORS
from agentui.core.search.document import TITLE, TITLE_EN, SearchDoc, build_doc
from agentui.core.search.highlight import field_spans
from agentui.core.search.postings import PostingsBuilder, doc_keys, query_keys
from agentui.core.search.query import Query, parse_query
from agentui.core.search.scorer import Scored, score_doc

EXACT_LIMIT = 500
"""Up to this many entries every entry is re-ranked: results are those of the exhaustive scan."""
CANDIDATES = 100
"""Above EXACT_LIMIT, only this many best candidates by idf-weighted key overlap are re-ranked."""
BODY_KEY_FACTOR = 0.5
TYPE_ORDER = {EntryType.PROCEDURE.value: 0, EntryType.FAQ.value: 1, EntryType.CONTACT.value: 2, EntryType.SCRIPT.value: 3}


@dataclass(frozen=True, slots=True)
class Hit:
    id: str
    type: str
    title: str
    score: float
    """0-100, higher is better."""
    spans: dict[str, tuple[tuple[int, int], ...]] = field(default_factory=dict)
    """Field name ("title", "title_en") -> (start, end) offsets into that field's original text."""


def operator_names(entries: Sequence[Entry]) -> dict[str, tuple[str, ...]]:
    """Every spelling of each operator: the built-in table plus its contact entry's aliases."""
    names = {op.id: [op.name, *op.names] for op in OPERATORS.values()}
    for entry in entries:
        if entry.type is EntryType.CONTACT:
            for operator in entry.operators:
                names.setdefault(operator, []).extend(entry.aliases)
    return {op: tuple(dict.fromkeys(spellings)) for op, spellings in names.items()}


class SearchIndex:
    def __init__(self, docs: list[SearchDoc], head, body) -> None:
        self.docs = docs
        self._head = head
        self._body = body
        order = sorted(range(len(docs)), key=lambda i: (TYPE_ORDER.get(docs[i].type, 9), docs[i].title))
        self._default_order = order

    @classmethod
    def build(cls, entries: Sequence[Entry]) -> SearchIndex:
        names = operator_names(entries)
        docs = [build_doc(entry, names) for entry in entries]
        head, body = PostingsBuilder(), PostingsBuilder()
        for index, doc in enumerate(docs):
            head_keys, body_keys = doc_keys(doc)
            head.add(index, head_keys)
            body.add(index, body_keys - head_keys)
        return cls(docs, head.freeze(len(docs)), body.freeze(len(docs)))

    def __len__(self) -> int:
        return len(self.docs)

    def search(self, query: str, limit: int = 20) -> list[Hit]:
        parsed = parse_query(query)
        if parsed.is_empty:
            return [self._hit(self.docs[i], None, 0.0) for i in self._default_order[:limit]]
        return self._rank(parsed, self._candidates(parsed), limit)

    def search_exhaustive(self, query: str, limit: int = 20) -> list[Hit]:
        """Every entry scored, no candidate stage: the reference the index must agree with."""
        parsed = parse_query(query)
        if parsed.is_empty:
            return self.search(query, limit)
        return self._rank(parsed, range(len(self.docs)), limit)

    def _candidates(self, parsed: Query) -> Sequence[int]:
        if len(self.docs) <= EXACT_LIMIT:
            return range(len(self.docs))
        scores = np.zeros(len(self.docs), dtype=np.float32)
        keys = query_keys(parsed)
        self._head.accumulate(keys, 1.0, scores)
        self._body.accumulate(keys, BODY_KEY_FACTOR, scores)
        candidates = np.flatnonzero(scores)
        if len(candidates) > CANDIDATES:
            top = np.argpartition(scores[candidates], -CANDIDATES)[-CANDIDATES:]
            candidates = candidates[top]
        return candidates.tolist()

    def _rank(self, parsed: Query, candidates, limit: int) -> list[Hit]:
        ranked: list[tuple[tuple[bool, float, int], int, Scored]] = []
        for index in candidates:
            doc = self.docs[index]
            scored = score_doc(doc, parsed)
            if scored is not None:
                ranked.append((scored.rank_key(doc), index, scored))
        ranked.sort(key=lambda item: (item[0], -item[1]), reverse=True)
        return [self._hit(self.docs[i], parsed, s.score) for _, i, s in ranked[:limit]]

    def _hit(self, doc: SearchDoc, parsed: Query | None, score: float) -> Hit:
        spans: dict[str, tuple[tuple[int, int], ...]] = {}
        if parsed is not None:
            for text_field in doc.fields:
                if text_field.name in (TITLE, TITLE_EN):
                    found = field_spans(text_field, parsed)
                    if found:
                        spans[text_field.name] = found
        return Hit(doc.id, doc.type, doc.title, round(min(score, 100.0), 1), spans)
