"""Inverted index of integer keys (see `keys`), built a batch of entries at a time with numpy."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence

import numpy as np

from agentui.core.heap import give_back_freed_memory
from agentui.core.kb.model import Record
from agentui.core.search.blocks import Block
from agentui.core.search.document import (
    BODY,
    HEAD_FIELDS,
    KEY_FIELDS,
    SEPARATOR,
    TITLE,
    TITLE_EN,
    WEIGHTS,
    batch_key_texts,
)
from agentui.core.search.keys import (
    HASHED,
    INITIALS,
    batch_digit_keys,
    batch_keys,
    batch_name_keys,
    batch_words,
    compact,
    expand,
)
from agentui.core.search.phone_keys import mention_keys
from agentui.core.search.rules import FIELDS

BATCH = 1024
"""Entries turned into keys per numpy pass: big enough to amortise numpy calls, small enough that
the pass's temporary arrays (about 400 keys an entry) stay a few MB and go back to the system;
a divisor of BLOCK, so batches never straddle two blocks."""


COMMON_KEY = 0.5
"""A key held by more than this share of the KB (`the`, the bigram `li` of every pinyin) tells
entries apart by almost nothing (idf < 0.7) yet costs the most postings to read: the candidate
stage skips it when the query unit has any rarer key. At 100k entries it halves the postings read."""
FIELD_LEVEL = {name: round(WEIGHTS[name] * 100) for name in KEY_FIELDS}
NAMING = np.array([rule.names_entry for rule in FIELDS if rule.name in HEAD_FIELDS])
"""Which head fields name the entry: their items get a name key (see `keys.name_key`)."""
TITLE_LEVEL = round(WEIGHTS[TITLE_EN] * 100)
"""`title_holders` counts entries holding a key at this level or above (see `query_keys.WORD_ENOUGH`)."""
"""A posting's weight: the scorer's weight of the best field holding the key, in hundredths."""


ENTRY_BITS = (BATCH - 1).bit_length()
POSTING_BITS = ENTRY_BITS + 8
"""A compact key (46 bits, see `keys.compact`) and a posting make one uint64: a batch's pairs are
deduplicated by one sort of plain integers."""
assert 46 + POSTING_BITS <= 64
Pairs = tuple[np.ndarray, np.ndarray]
"""(keys, postings): int64 keys and, for each, `entry << 8 | 255 - field level` (`posting_codes`)."""


def posting_codes(entries: np.ndarray, levels: np.ndarray) -> np.ndarray:
    """Entries (within their batch) with their field levels, packed so that sorting puts each
    entry's best level first."""
    return np.asarray(entries, dtype=np.int64) << 8 | 255 - np.asarray(levels, dtype=np.int64)


def batch_pairs(
    records: Sequence[Record], operator_names: Mapping[str, Sequence[str]]
) -> tuple[list[Pairs], list[Pairs]]:
    """(compact code-point key pairs, whole-word key pairs) of a batch of entries, in parts, with
    repeats (see `PostingsBuilder.add_batch`): the builder keeps the best field of each key, so a
    word in the title counts as a title word however often the body uses it."""
    texts = batch_key_texts(records, operator_names)
    size = texts.size
    entries = np.arange(size, dtype=np.int64)
    field_levels = np.array([FIELD_LEVEL[name] for name in HEAD_FIELDS], dtype=np.int64)
    head_owners = posting_codes(np.tile(entries, len(HEAD_FIELDS)), np.repeat(field_levels, size))
    in_body = posting_codes(entries, np.full(size, FIELD_LEVEL[BODY]))
    head_keys, head_words = batch_keys(texts.head, head_owners, head=True, prefixes=True)
    body_keys, body_words = batch_keys(texts.body, in_body, head=False)
    parts = [*head_keys, *body_keys, mention_keys(texts.bodies, in_body),
             batch_digit_keys(texts.phones, posting_codes(entries, np.full(size, FIELD_LEVEL[TITLE])))]
    name_keys, named_in = batch_name_keys(texts.head, np.arange(len(HEAD_FIELDS) * size), ord(SEPARATOR))
    is_name = NAMING[named_in // size]
    words = [head_words, body_words, (name_keys[is_name], head_owners[named_in[is_name]])]
    if len(texts.run_of):
        runs = np.arange(int(texts.run_of.max()) + 1)
        found = (texts.run_of, head_owners[texts.run_from])
        said = ((texts.spoken, texts.spoken_tails, 0), (texts.initials, texts.initials_tails, INITIALS))
        for codes, tails, flag in said:
            run_keys, run_words = batch_keys(codes, runs, head=True, flag=flag)
            tail_words = batch_words(tails, runs, flag=flag)
            parts.append(_spread(run_keys, *found))
            words.append(_spread([run_words, tail_words], *found))
    return parts, words


def _spread(parts: list[Pairs], run_of: np.ndarray, owners: np.ndarray) -> Pairs:
    """Keys read once per distinct run (owned by its index), given to each occurrence of the run:
    occurrence i is of run `run_of[i]`, its keys owned by `owners[i]`."""
    keys = np.concatenate([keys for keys, _ in parts])
    runs = np.concatenate([runs for _, runs in parts])
    keys = keys[np.argsort(runs, kind="stable")]
    counts = np.bincount(runs, minlength=int(run_of.max()) + 1)
    lengths = counts[run_of]
    places = np.repeat((np.cumsum(counts) - counts)[run_of] - (np.cumsum(lengths) - lengths), lengths)
    places += np.arange(len(places))
    return keys[places], np.repeat(owners, lengths)


BLOCK = 1 << 16
"""Entries per postings block: an entry's place in its block fits in 16 bits, so the postings cost
3 bytes each (entry, field level) instead of 5; a multiple of BATCH."""


class PostingsBuilder:
    """Collects (key, entry) pairs batch by batch and lays each block of entries out by key as soon
    as it is complete, so at most one block's batches are ever waiting, as runs of one key each:
    3 bytes a pair."""

    def __init__(self) -> None:
        self._key_ids: dict[int, int] = {}
        self._batches: list[tuple[int, np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []
        """(first entry within the block, key id of each run, run sizes, packed postings and
        their levels, see `_narrow`)."""
        self._blocks: list[Block] = []
        self._counts = np.zeros(0, dtype=np.int64)
        self._next_block = 0

    def add_batch(self, first: int, code_points: Sequence[Pairs], words: Sequence[Pairs]) -> None:
        """(key, posting) pairs of the batch of entries starting at `first` (see `posting_codes`), in
        parts: compact code-point keys (see `keys.compact`) and whole-word keys as they are. A
        repeated (key, entry) keeps its best level. Batches come in entry order, BATCH apart.

        Word keys are compacted too when that loses nothing in this batch (no two of its words
        share their low 42 bits), so that all pairs sort as one array of plain integers."""
        while first >= self._next_block + BLOCK:
            self._close_block()
        word_keys = np.concatenate([keys for keys, _ in words]) if words else np.zeros(0, np.int64)
        distinct_words = _distinct(word_keys)
        compacted = compact(distinct_words)
        by_compact = np.argsort(compacted)
        compacted = compacted[by_compact]
        if not np.any(compacted[1:] == compacted[:-1]):
            sizes, entries, levels, run_keys = _dedupe(_pack([*code_points, *((compact(k), o) for k, o in words)]))
            real_keys = expand(run_keys)
            is_word = np.isin(real_keys >> 59, [kind >> 59 for kind in HASHED])
            real_keys[is_word] = distinct_words[by_compact[np.searchsorted(compacted, run_keys[is_word])]]
            runs = [(sizes, entries, levels, real_keys)]
        else:  # two words alike in their low bits: words are sorted apart, by their whole keys
            sizes, entries, levels, run_keys = _dedupe(_pack(code_points))
            runs = [(sizes, entries, levels, expand(run_keys))]
            local = np.searchsorted(distinct_words, word_keys)
            sizes, entries, levels, run_locals = _dedupe(_pack([(local, np.concatenate([o for _, o in words]))]))
            runs.append((sizes, entries, levels, distinct_words[run_locals]))
        # New keys are numbered in the order of the batch's sorted keys, as the index always has.
        ids = self._key_ids
        new_keys = sorted(set().union(*(run_keys.tolist() for *_, run_keys in runs)).difference(ids))
        ids.update(zip(new_keys, range(len(ids), len(ids) + len(new_keys)), strict=False))
        offset = first - self._next_block
        for sizes, entries, levels, run_keys in runs:
            if len(sizes):
                # Narrow while waiting for the block (a run holds at most BATCH entries): at 100k
                # entries a block's waiting runs would otherwise cost 50 MiB at the build's peak.
                key_ids = np.fromiter(map(ids.__getitem__, run_keys.tolist()), dtype=np.int32, count=len(run_keys))
                self._batches.append((offset, key_ids, sizes.astype(np.uint16), *_narrow(entries, levels)))

    def _close_block(self) -> None:
        """A counting sort by key: batches come in entry order, so each key's entries stay sorted."""
        batches, self._batches = self._batches, []
        block_first, self._next_block = self._next_block, self._next_block + BLOCK
        if not batches:
            return
        present = _distinct(np.concatenate([key_ids for _, key_ids, *_ in batches]))
        slot_of = np.zeros(len(self._key_ids), dtype=np.int64)
        slot_of[present] = np.arange(len(present))
        counts = np.zeros(len(present), dtype=np.int64)
        for _, key_ids, sizes, *_ in batches:
            counts[slot_of[key_ids]] += sizes.astype(np.int64)
        offsets = np.zeros(len(present) + 1, dtype=np.int64)
        np.cumsum(counts, out=offsets[1:])
        docs = np.empty(int(offsets[-1]), dtype=np.uint16)
        levels = np.empty(int(offsets[-1]), dtype=np.uint8)
        cursor = offsets[:-1].copy()
        size = 0
        batches.reverse()
        while batches:  # each batch is let go once laid out: the block is never held twice over
            offset, key_ids, narrow_sizes, packed, level_of = batches.pop()
            batch_docs = packed & np.uint16(BATCH - 1)
            batch_levels = level_of[packed >> np.uint16(ENTRY_BITS)]
            del packed
            sizes = narrow_sizes.astype(np.int64)
            if len(batches) % 16 == 0:
                give_back_freed_memory()
            slots = slot_of[key_ids]
            run_starts = np.cumsum(sizes) - sizes
            places = np.repeat(cursor[slots] - run_starts, sizes)
            places += np.arange(len(batch_docs))
            docs[places] = batch_docs + np.uint16(offset)
            levels[places] = batch_levels
            cursor[slots] += sizes
            size = max(size, offset + int(batch_docs.max()) + 1)
        if len(self._counts) < len(self._key_ids):
            self._counts = np.concatenate([self._counts, np.zeros(len(self._key_ids) - len(self._counts), np.int64)])
        self._counts[present] += counts
        self._blocks.append(Block(block_first, size, present.astype(np.int32), offsets, docs, levels))

    def freeze(self, n_docs: int) -> Postings:
        self._close_block()
        n_keys = len(self._key_ids)
        counts = np.concatenate([self._counts, np.zeros(n_keys - len(self._counts), np.int64)])
        keys = np.fromiter(self._key_ids, dtype=np.int64, count=n_keys)
        order = np.argsort(keys)
        self._key_ids = {}
        idf = np.log1p(n_docs / np.maximum(counts, 1)).astype(np.float32)
        return Postings(keys[order], order.astype(np.int32), counts, idf, self._blocks)


def _narrow(entries: np.ndarray, levels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A batch's postings as they wait for their block: entry (10 bits) and level (6 bits, an
    index into the batch's few distinct levels) in one uint16, 2 bytes a pair instead of 3. At
    100k entries the last block's waiting pairs are 12M, and they wait at the build's peak."""
    level_of = np.unique(levels)
    assert len(level_of) <= 1 << (16 - ENTRY_BITS), "too many distinct field levels in a batch"
    packed = np.searchsorted(level_of, levels).astype(np.uint16) << np.uint16(ENTRY_BITS)
    packed |= entries.astype(np.uint16)
    return packed, level_of


def _distinct(values: np.ndarray) -> np.ndarray:
    """Sorted distinct values (numpy's hash-based `unique` is several times slower on these)."""
    values = np.sort(values)
    return np.compress(np.r_[True, values[1:] != values[:-1]], values) if len(values) else values


def _pack(parts: Sequence[Pairs]) -> np.ndarray:
    """`key << POSTING_BITS | posting` of every pair, sorted."""
    packed = np.empty(sum(len(keys) for keys, _ in parts), dtype=np.uint64)
    start = 0
    for keys, owners in parts:
        end = start + len(keys)
        np.left_shift(keys.view(np.uint64), POSTING_BITS, out=packed[start:end])
        packed[start:end] |= owners.view(np.uint64)
        start = end
    packed.sort()
    return packed


def _dedupe(packed: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Sorted `key << POSTING_BITS | posting` values as runs of one key: (run sizes, entries and
    best levels of the distinct (key, entry) pairs, each run's key). The first of a sorted
    (key, entry) holds its best level."""
    if not len(packed):
        return np.zeros(0, np.int64), np.zeros(0, np.uint16), np.zeros(0, np.uint8), np.zeros(0, np.int64)
    pairs = packed >> np.uint64(8)
    first_of_pair = np.empty(len(packed), dtype=bool)
    first_of_pair[0] = True
    np.not_equal(pairs[1:], pairs[:-1], out=first_of_pair[1:])
    packed = np.compress(first_of_pair, packed)
    keys = (packed >> np.uint64(POSTING_BITS)).view(np.int64)
    run_starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    sizes = np.diff(np.append(run_starts, len(packed)))
    entries = (packed >> np.uint64(8)).astype(np.uint16)
    entries &= (1 << ENTRY_BITS) - 1
    levels = packed.astype(np.uint8)
    np.invert(levels, out=levels)  # 255 - (255 - level)
    return sizes, entries, levels, keys[run_starts]


class Postings:
    """key -> entries holding it, each with the level of the best field holding the key; `idf`
    weights rare keys above common ones. Keys are found by binary search in a sorted array: a dict
    of a large KB's keys would cost more memory than its postings."""

    def __init__(self, keys: np.ndarray, key_ids: np.ndarray, counts: np.ndarray, idf: np.ndarray,
                 blocks: list[Block]) -> None:
        self.keys = keys
        self.key_ids = key_ids
        self.counts = counts
        self.idf = idf
        self.blocks = blocks

    def _lookup(self, keys: Iterable[int]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The asked keys, which of them the index holds, and where they sit in `self.keys`."""
        wanted = np.fromiter(keys, dtype=np.int64)
        if not len(self.keys) or not len(wanted):
            return wanted, np.zeros(len(wanted), dtype=bool), np.zeros(len(wanted), dtype=np.int64)
        position = np.minimum(np.searchsorted(self.keys, wanted), len(self.keys) - 1)
        return wanted, self.keys[position] == wanted, position

    def find(self, keys: Iterable[int]) -> np.ndarray:
        """Ids of the keys this index holds."""
        _, held, position = self._lookup(keys)
        found: np.ndarray = self.key_ids[position[held]].astype(np.int64)
        return found

    def held(self, keys: set[int]) -> set[int]:
        """The keys some entry holds."""
        wanted, held, _ = self._lookup(keys)
        return set(wanted[held].tolist())

    def holders(self, key: int) -> list[int]:
        """The entries holding the key."""
        ids = self.find((key,))
        found: list[int] = []
        for block in self.blocks if len(ids) else ():
            position = int(np.searchsorted(block.key_ids, ids[0]))
            if position < len(block.key_ids) and block.key_ids[position] == ids[0]:
                docs = block.docs[block.offsets[position]:block.offsets[position + 1]]
                found += (docs.astype(np.int64) + block.first).tolist()
        return found

    def title_holders(self, key: int) -> int:
        """How many entries hold the key in a field weighing at least the English title."""
        ids = self.find((key,))
        if not len(ids):
            return 0
        found = 0
        for block in self.blocks:
            position = int(np.searchsorted(block.key_ids, ids[0]))
            if position < len(block.key_ids) and block.key_ids[position] == ids[0]:
                levels = block.levels[block.offsets[position]:block.offsets[position + 1]]
                found += int(np.count_nonzero(levels >= TITLE_LEVEL))
        return found

    def coverage(self, keys: Iterable[int], n_docs: int, factor: float = 1.0) -> np.ndarray | None:
        """Per entry, the idf-weighted share of these keys it holds, each counted at the level of
        the field holding it (1.0 for the title); None when no entry holds any. A cheap stand-in
        for the scorer's value of one query unit: a share, so a unit made of rare keys does not
        outweigh the others, and field levels, so a title match beats a body mention."""
        keys = set(keys)
        key_ids = self.find(keys)
        if not len(key_ids):
            return None
        missing = len(keys) - len(key_ids)
        informative = self.counts[key_ids] <= COMMON_KEY * n_docs
        if informative.any():
            key_ids = key_ids[informative]
        else:  # all common (`the`): the rarest alone tells entries apart as well, for a fraction of the reading
            key_ids = key_ids[np.argmin(self.counts[key_ids])][None]
        # A key no entry holds counts as the rarest there is: one common bigram found out of four
        # keys (`ft` of `ftd` in `theft`) must not make a full match.
        total = float(self.idf[key_ids].sum()) + missing * math.log1p(n_docs)
        shares = self.idf[key_ids] * (factor / (100 * total))  # factor: what a match of these keys is worth
        coverage = np.zeros(n_docs, dtype=np.float64)
        asked = key_ids.astype(np.int32)  # as the blocks hold them: an int64 needle made numpy copy each block's ids
        for block in self.blocks:
            position = np.minimum(np.searchsorted(block.key_ids, asked), len(block.key_ids) - 1)
            held = block.key_ids[position] == asked
            if not held.any():
                continue
            starts, ends = block.offsets[position[held]].tolist(), block.offsets[position[held] + 1].tolist()
            docs = np.concatenate([block.docs[s:e] for s, e in zip(starts, ends, strict=False)])
            levels = np.concatenate([block.levels[s:e] for s, e in zip(starts, ends, strict=False)])
            weights = np.repeat(shares[held], np.subtract(ends, starts)) * levels
            coverage[block.first:block.first + block.size] = np.bincount(docs, weights, minlength=block.size)
        return coverage
