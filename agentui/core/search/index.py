"""The search index: exact ranking up to a few thousand entries, candidates from the inverted index above."""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from agentui.core.heap import give_back_freed_memory
from agentui.core.kb.model import Entry, EntryType, Record, RecordList, Records
from agentui.core.kb.packed import PackedRecords
from agentui.core.kb.records import to_record
from agentui.core.operators import OPERATORS
from agentui.core.search.bounds import ScoreBounds
from agentui.core.search.document import TITLE, TITLE_EN, FieldText, SearchDoc, build_doc
from agentui.core.search.highlight import field_spans
from agentui.core.search.keys import name_key, word_key
from agentui.core.search.normalize import fold, is_cjk, split_units
from agentui.core.search.pinyin import known_runs, prepare, remember_runs
from agentui.core.search.postings import BATCH, Postings, PostingsBuilder, batch_pairs
from agentui.core.search.query import CJK, Query, parse_query
from agentui.core.search.query_keys import key_groups
from agentui.core.search.rules import RankKey
from agentui.core.search.scorer import Scored, query_words, score_doc

EXACT_LIMIT = 5000
"""Up to this many entries results are those of the exhaustive scan: every entry gets a bound on
its score (`bounds`), and entries are scored best bound first until no bound can reach the top."""
CANDIDATES = 60
"""Above EXACT_LIMIT, at most this many best candidates by idf-weighted key overlap are re-ranked."""
UNIT_BUDGET = 200
"""Re-ranking cost grows with candidates x query words; long queries (more specific keys, so a
sharper pre-ranking) get fewer candidates."""
DOC_CACHE = 16384
"""Scoring views kept built (about 4 KB each); the rest are rebuilt from records when they are
candidates. Small KBs keep every view."""
TYPE_ORDER = {
    EntryType.PROCEDURE.value: 0, EntryType.FAQ.value: 1, EntryType.CONTACT.value: 2, EntryType.SCRIPT.value: 3
}
"""The empty query's fixed list, after recent, pinned and most used entries."""
USED_CANDIDATES = 200
"""Above EXACT_LIMIT, the most used (and pinned) entries holding any of the query's keys join the
candidates, so usage can break their ties with the equally scored entries picked."""


@dataclass(frozen=True, slots=True)
class Hit:
    id: str
    type: str
    title: str
    score: float
    """0-100, higher is better."""
    spans: dict[str, tuple[tuple[int, int], ...]] = field(default_factory=dict)
    """Field name ("title", "title_en") -> (start, end) offsets into that field's original text."""


@dataclass(frozen=True, slots=True, eq=False)
class Usage:
    """What the agent uses: how often each entry was used (opens, ticks, scripts copied) and the
    pinned entries. It only breaks ties of equal text matches (see `rules.RankKey`), so the
    ranking stays that of the text for a given usage, and is the pure ranking without it."""

    counts: Mapping[str, int] = field(default_factory=dict)
    pinned: frozenset[str] = frozenset()

    def of(self, entry_id: str) -> tuple[bool, int]:
        """(pinned, uses) as the rank key takes them."""
        return entry_id in self.pinned, max(0, int(self.counts.get(entry_id, 0)))


NO_USAGE = Usage()


class Hits(list[Hit]):
    """Ranked hits, and the query's words with those the first hit lacks: when no entry holds
    every word (`注销流量卡` in a KB without a data-card cancellation), the closest entries come
    first and `unmatched_words` names what they lack, so the agent is told. Above the exact
    stage's size, "no entry" means none of the candidates."""

    words: tuple[str, ...] = ()
    """The query's words (a Chinese run cut where the first hit's holding changes)."""
    unmatched_words: tuple[str, ...] = ()
    """The words the first hit lacks; empty when it holds every word (or the query is empty)."""

    @property
    def all_words_matched(self) -> bool:
        return not self.unmatched_words

    @property
    def lacks_words(self) -> bool:
        """A query of several words that no entry holds together: say so above the results."""
        return len(self.words) > 1 and bool(self.unmatched_words)


Ranked = tuple[RankKey, int, Scored]
"""(rank key, entry index, score) of a scored entry."""


def _work(parsed: Query) -> int:
    """Re-ranking cost of a query in word-equivalents: a Chinese run costs about one word per two
    characters (and its many bigram keys make the pre-ranking sharper in the same measure)."""
    return max(1, sum(max(1, len(u.text) // 2) if u.kind == CJK else 1 for u in parsed.units))


def is_spelling(alias: str, known: Sequence[str] = ()) -> bool:
    """A contact alias that names the operator itself (`МТС`, `麦加丰`, `Tele2`), not a phrase about
    it (`MTS hotline`, `MTS客服电话`, `МТС Казань`, `比莱恩客服`, which holds the known `比莱恩`):
    only spellings are given to every entry of the operator, or every MTS entry would match
    `hotline` and every city a contact names."""
    folded = fold(alias)
    units = split_units(folded)
    if len(units) != 1 and not (len(units) == 2 and units[1].isdigit() and not is_cjk(units[0][0])):
        return False
    return len(alias.split()) == 1 and not any(k != folded and k in folded for k in map(fold, known))


def operator_names(records: Sequence[Record]) -> dict[str, tuple[str, ...]]:
    """Every spelling of each operator: the built-in table plus its contact entries' spellings."""
    names = {op.id: [op.name, *op.names] for op in OPERATORS.values()}
    for record in records:
        if record.type == EntryType.CONTACT.value:
            for operator in record.operators:
                known = names.setdefault(operator, [])
                known.extend([a for a in record.aliases if is_spelling(a, known)])
    return {op: tuple(dict.fromkeys(spellings)) for op, spellings in names.items()}


class SearchIndex:
    """Entry records, their key postings, scoring views built on demand, and (small KBs) the
    tables that bound every entry's score at once."""

    def __init__(self, records: Sequence[Record], names: dict[str, tuple[str, ...]], postings: Postings,
                 bounds: ScoreBounds | None = None, default_order: Sequence[int] | None = None) -> None:
        self.records: Records = records if isinstance(records, Records) else RecordList(records)
        self._names = names
        self._postings = postings
        self._bounds = bounds
        self._docs: dict[int, SearchDoc] = {}
        self._default_order = default_order
        self._usage_seen: tuple[Usage, np.ndarray, np.ndarray] | None = None
        self._used_seen: tuple[Usage, list[int]] | None = None
        prepare()

    def __getstate__(self) -> dict[str, object]:
        # On KBs whose views all fit in the cache, the pinyin of the KB's runs travels with the index,
        # so rebuilding views after a warm start never computes pinyin (~10 µs a run). On bigger KBs
        # it would make the cache file (and the warm start) twice as large for views rarely built.
        # pypinyin's tables are kept in a file of their own (`pinyin_tables`), read in a few ms.
        # The records travel packed (`PackedRecords`): a warm start leaves them in the cache file and
        # decodes one when it is read; with them the empty query's order, which would decode every title.
        pinyin = known_runs() if len(self.records) <= DOC_CACHE else {}
        records = self.records if isinstance(self.records, PackedRecords) else PackedRecords.pack(self.records)
        order = np.asarray(self._default_list(len(self.records)), dtype=np.int32)
        return {"records": records, "names": self._names, "postings": self._postings,
                "bounds": self._bounds, "order": order, "pinyin": pinyin}

    def __setstate__(self, state: dict[str, object]) -> None:
        remember_runs(state["pinyin"])  # type: ignore[arg-type]
        self.__init__(state["records"], state["names"], state["postings"], state["bounds"], state["order"])  # type: ignore[misc]

    @classmethod
    def build(cls, entries: Sequence[Entry]) -> SearchIndex:
        return cls.from_records([to_record(entry) for entry in entries])

    @classmethod
    def from_records(cls, records: Sequence[Record]) -> SearchIndex:
        """Holds `records` itself, not a copy: the KB and its index share one set of records."""
        names = operator_names(records)
        builder = PostingsBuilder()
        for first in range(0, len(records), BATCH):
            builder.add_batch(first, *batch_pairs(records[first:first + BATCH], names))
        docs: dict[int, SearchDoc] = {}
        bounds = None
        if len(records) <= EXACT_LIMIT:
            docs = {index: build_doc(record, names) for index, record in enumerate(records)}
            bounds = ScoreBounds(list(docs.values()))
        built = cls(records, names, builder.freeze(len(records)), bounds)
        built._docs = docs
        give_back_freed_memory()  # ~60 MiB at 100k entries; 0.1 ms
        return built

    def doc(self, index: int) -> SearchDoc:
        doc = self._docs.get(index)
        if doc is None:
            if len(self._docs) >= DOC_CACHE:
                self._docs.clear()
            doc = self._docs[index] = build_doc(self.records[index], self._names)
        return doc

    def __len__(self) -> int:
        return len(self.records)

    @property
    def is_exact(self) -> bool:
        """Results are those of the exhaustive scan (KBs up to EXACT_LIMIT entries)."""
        return self._bounds is not None

    def parse(self, query: str) -> Query:
        """The query as the scorer takes it, its words marked `known` when the KB has them whole."""
        return parse_query(query, self._known_words)

    def _known_words(self, words: set[str]) -> set[str]:
        keys = {word: word_key(word) for word in words}
        held = self._postings.held(set(keys.values()))
        return {word for word, key in keys.items() if key in held}

    def search(self, query: str, limit: int = 20, usage: Usage | None = None) -> Hits:
        """The best `limit` entries for the query; `usage` breaks ties of equal text matches."""
        usage = usage or NO_USAGE
        parsed = self.parse(query)
        if limit < 1:
            return Hits()
        if parsed.is_empty:
            return Hits(self._hit(self.doc(i), None, 0.0) for i in self._default_list(limit))
        if self._bounds is not None:
            ranked = self._rank_bounded(parsed, self._bounds, limit, usage)
        else:
            ranked = self._rank(parsed, self._candidates(parsed, usage), usage)
        return self._ranked_hits(parsed, ranked, limit)

    def search_exhaustive(self, query: str, limit: int = 20, usage: Usage | None = None) -> Hits:
        """Every entry scored, no candidate stage: the reference the index must agree with."""
        parsed = self.parse(query)
        if parsed.is_empty or limit < 1:
            return self.search(query, limit, usage)
        return self._ranked_hits(parsed, self._rank(parsed, range(len(self.records)), usage or NO_USAGE), limit)

    def starting_list(self, limit: int = 20, recent: Sequence[str] = (), usage: Usage | None = None) -> Hits:
        """What the empty query lists: pinned entries first, then the recent ones (most recent
        first), then the most used, then the fixed list (procedures, FAQs, … by title)."""
        usage = usage or NO_USAGE
        by_use = sorted(usage.counts, key=lambda entry_id: (-usage.of(entry_id)[1], entry_id))
        wanted = [*sorted(usage.pinned), *recent, *(i for i in by_use if usage.of(i)[1] > 0)]
        picked = list(dict.fromkeys(p for p in map(self.records.position, wanted) if p is not None))
        if len(picked) < limit:
            taken = set(picked)
            picked += [i for i in self._default_list(limit + len(picked)) if i not in taken]
        return Hits(self._hit(self.doc(i), None, 0.0) for i in picked[:max(0, limit)])

    def _usage_arrays(self, usage: Usage) -> tuple[np.ndarray, np.ndarray] | tuple[None, None]:
        """Per entry (pinned, uses), for the exact stage's bounds; kept for the last usage seen."""
        if usage is NO_USAGE or not (usage.counts or usage.pinned):
            return None, None
        if self._usage_seen is None or self._usage_seen[0] is not usage:
            position = self.records.position
            pinned = np.zeros(len(self.records), dtype=bool)
            uses = np.zeros(len(self.records), dtype=np.int64)
            for entry_id in usage.pinned:
                if (index := position(entry_id)) is not None:
                    pinned[index] = True
            for entry_id in usage.counts:
                if (index := position(entry_id)) is not None:
                    uses[index] = usage.of(entry_id)[1]
            self._usage_seen = (usage, pinned, uses)
        return self._usage_seen[1], self._usage_seen[2]

    def _candidates(self, parsed: Query, usage: Usage = NO_USAGE) -> Sequence[int]:
        scores = np.zeros(len(self.records), dtype=np.float64)
        # a phrase (`liu liang`) serves each of its words
        seen: dict[tuple[frozenset[int], float], np.ndarray | None] = {}
        for weight, options in key_groups(parsed, self._postings.held, self._postings.title_holders):
            best = None
            for factor, keys in options:
                asked = (frozenset(keys), factor)
                if asked not in seen:
                    seen[asked] = self._postings.coverage(keys, len(self.records), factor)
                coverage = seen[asked]
                if coverage is not None:
                    best = coverage.copy() if best is None else np.maximum(best, coverage, out=best)
            if best is not None:
                best *= weight
                scores += best
        candidates = np.flatnonzero(scores)
        wanted = max(20, min(CANDIDATES, UNIT_BUDGET // _work(parsed)))
        if len(candidates) > wanted:
            top = np.argpartition(scores[candidates], -wanted)[-wanted:]
            candidates = candidates[top]
        # Entries named exactly so (an exact title) rank above any containing the query: always in
        # (the best `wanted` of them by pre-score, when a name is shared by many, as `MTS` is).
        named = np.array(self._postings.holders(name_key(parsed.whole)) if parsed.whole else [], dtype=np.int64)
        if len(named) > wanted:
            named = named[np.argpartition(scores[named], -wanted)[-wanted:]]
        return list(dict.fromkeys([*candidates.tolist(), *named.tolist(), *self._used(usage, scores)]))

    def _used(self, usage: Usage, scores: np.ndarray) -> Iterable[int]:
        """The pinned and most used entries holding some of the query's keys (see USED_CANDIDATES)."""
        if not (usage.counts or usage.pinned):
            return ()
        if self._used_seen is None or self._used_seen[0] is not usage:
            used = sorted(usage.counts, key=lambda entry_id: -usage.of(entry_id)[1])[:USED_CANDIDATES]
            found = (self.records.position(i) for i in (*usage.pinned, *used))
            self._used_seen = (usage, [index for index in found if index is not None])
        return [index for index in self._used_seen[1] if scores[index] > 0]

    def _rank_bounded(self, parsed: Query, bounds: ScoreBounds, limit: int, usage: Usage) -> list[Ranked]:
        """The exhaustive scan's results, scoring only entries whose bound can still make the top:
        once the next bound is below the `limit`-th best rank key, no later entry can reach it."""
        ranked: list[Ranked] = []
        top: list[tuple[bool | int, ...]] = []  # the best `limit` keys so far (with -index), worst first
        for bound in bounds.ordered(parsed, *self._usage_arrays(usage)):
            if len(top) >= limit and bound < top[0]:
                break
            index = -bound[-1]
            doc = self.doc(index)
            scored = score_doc(doc, parsed)
            if scored is not None:
                key = scored.rank_key(doc, *usage.of(doc.id))
                ranked.append((key, index, scored))
                (heapq.heappush if len(top) < limit else heapq.heappushpop)(top, (*key, -index))
        return ranked

    def _rank(self, parsed: Query, candidates: Iterable[int], usage: Usage) -> list[Ranked]:
        ranked: list[Ranked] = []
        used = bool(usage.counts or usage.pinned)
        for index in candidates:
            doc = self.doc(index)
            scored = score_doc(doc, parsed)
            if scored is not None:
                key = scored.rank_key(doc, *usage.of(doc.id)) if used else scored.rank_key(doc)
                ranked.append((key, index, scored))
        return ranked

    def _ranked_hits(self, parsed: Query, ranked: list[Ranked], limit: int) -> Hits:
        ranked.sort(key=lambda item: (item[0], -item[1]), reverse=True)
        hits = Hits(self._hit(self.doc(i), parsed, s.score) for _, i, s in ranked[:limit])
        first = self.doc(ranked[0][1]) if ranked else None
        if first is not None and ranked[0][2].all_matched:
            hits.words, hits.unmatched_words = query_words(first, parsed)[0], ()
        else:
            hits.words, hits.unmatched_words = query_words(first, parsed)
        return hits

    def _default_list(self, limit: int) -> list[int]:
        """For an empty query: procedures first, then FAQs, contacts, scripts, each by title."""
        if self._default_order is None:
            records = self.records
            self._default_order = sorted(
                range(len(records)), key=lambda i: (TYPE_ORDER.get(records[i].type, 9), records[i].title)
            )
        return [int(i) for i in self._default_order[:limit]]

    def _hit(self, doc: SearchDoc, parsed: Query | None, score: float) -> Hit:
        spans: dict[str, tuple[tuple[int, int], ...]] = {}
        if parsed is not None:
            for text_field in doc.fields:
                if text_field.name in (TITLE, TITLE_EN) and isinstance(text_field, FieldText):
                    found = field_spans(text_field, parsed)
                    if found:
                        spans[text_field.name] = found
        return Hit(doc.id, doc.type, doc.title, round(min(score, 100.0), 1), spans)
