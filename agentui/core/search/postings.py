"""Inverted index of integer keys (see `keys`), built a batch of entries at a time with numpy."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from agentui.core.search.document import BODY, INITIALS_FIELDS, KEY_FIELDS, WEIGHTS, KeyTexts
from agentui.core.search.keys import (
    INITIALS, batch_digit_keys, batch_keys, digit_keys, han_keys, initials_keys, latin_keys, typo_words, word_key,
)
from agentui.core.search.query import CJK, WORD, Query, Unit
from agentui.core.search.scorer import FUZZY, MAX_INITIALS
from agentui.core.search.scorer import INITIALS as INITIALS_SCORE
from agentui.core.search.synonyms import SYNONYM_FACTOR

BATCH = 1024
"""Entries turned into keys per numpy pass: big enough to amortise numpy calls, small enough that
the pass's temporary arrays (about 400 keys an entry) stay a few MB and go back to the system;
a divisor of BLOCK, so batches never straddle two blocks."""


COMMON_KEY = 0.5
"""A key held by more than this share of the KB (`the`, the bigram `li` of every pinyin) tells
entries apart by almost nothing (idf < 0.7) yet costs the most postings to read: the candidate
stage skips it when the query unit has any rarer key. At 100k entries it halves the postings read."""
FIELD_LEVEL = {name: round(WEIGHTS[name] * 100) for name in KEY_FIELDS}
"""A posting's weight: the scorer's weight of the best field holding the key, in hundredths."""


def batch_pairs(texts: Sequence[KeyTexts]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(keys, owners, field levels) of a batch of entries, with repeats: the builder keeps the best
    field of each key, so a word in the title counts as a title word however often the body uses it."""
    sources = [  # ((keys, owners), field level, key flag)
        *((batch_keys([t.fields[i] for t in texts], head=name != BODY), FIELD_LEVEL[name], 0)
          for i, name in enumerate(KEY_FIELDS)),
        *((batch_keys([t.initials[i] for t in texts], head=True), FIELD_LEVEL[name], INITIALS)
          for i, name in enumerate(INITIALS_FIELDS)),
        (batch_digit_keys([t.phone_digits for t in texts]), 100, 0),
        (batch_digit_keys([t.body_digits for t in texts]), FIELD_LEVEL[BODY], 0),
    ]
    return (
        np.concatenate([keys | flag for (keys, _), _, flag in sources]),
        np.concatenate([owners for (_, owners), _, _ in sources]),
        np.concatenate([np.full(len(keys), level, dtype=np.int64) for (keys, _), level, _ in sources]),
    )


TYPO_FROM = 4
"""Words this long also look for the KB words one typo away (shorter ones have too many)."""
PINYIN_KEYS_UP_TO = 3
"""Chinese runs up to this long also look for their pinyin (a homophone typo, 补咔, breaks every
bigram of a short run); a longer run keeps correct bigrams, and its long pinyin only adds noise."""


def unit_keys(unit: Unit) -> set[int]:
    if unit.kind == CJK:
        keys: set[int] = set()
        weights = unit.char_weights or (1.0,) * len(unit.text)
        piece = ""
        for char, weight in zip(unit.text + " ", (*weights, 0.0)):
            if weight > 0:
                piece += char
            elif piece:
                keys |= han_keys(piece)  # question words (怎么, 如何) are not what the agent looks for
                piece = ""
        if unit.pinyin is not None and len(unit.text) <= PINYIN_KEYS_UP_TO:
            keys |= latin_keys(unit.pinyin.joined)
        return keys
    keys = latin_keys(unit.text)
    if unit.text.isdigit():
        keys |= digit_keys(unit.text)
    return keys


def key_groups(
    query: Query, held: Callable[[set[int]], set[int]] | None = None
) -> list[tuple[float, list[tuple[float, set[int]]]]]:
    """Per query unit, its weight and the key sets that can match it, each with what a match is
    worth: the unit itself, its thesaurus variants (a little less), a pinyin phrase spanning it
    (`bu ka`), all digit groups joined (`797-79-79`), a word read as pinyin initials (`gx`), and
    the whole words one swap or one dropped letter away (`азмена` -> `замена`) that `held` says
    the KB has (asked in one lookup: a long word has twenty such neighbours)."""
    groups = []
    for position, unit in enumerate(query.units):
        options = [(1.0, unit_keys(unit))]
        options += [(SYNONYM_FACTOR, unit_keys(variant)) for variant in unit.variants]
        options += [(1.0, latin_keys(p.joined)) for p in query.phrases if p.first <= position <= p.last]
        if query.joined_digits and unit.text.isdigit():
            options.append((1.0, digit_keys(query.joined_digits)))
        if unit.kind == WORD and not unit.text.isdigit():
            if 2 <= len(unit.text) <= MAX_INITIALS and unit.text.isascii():
                options.append((INITIALS_SCORE, initials_keys(unit.text)))
            if len(unit.text) >= TYPO_FROM and held is not None:
                options += [(FUZZY, {key}) for key in sorted(held({word_key(w) for w in typo_words(unit.text)}))]
        groups.append((unit.weight, options))
    return groups


BLOCK = 1 << 16
"""Entries per postings block: an entry's place in its block fits in 16 bits, so the postings cost
3 bytes each (entry, field level) instead of 5; a multiple of BATCH."""


@dataclass(frozen=True, slots=True)
class Block:
    """The postings of entries first .. first + size - 1, by key."""

    first: int
    size: int
    key_ids: np.ndarray
    """Sorted ids of the keys some entry of the block holds."""
    offsets: np.ndarray
    docs: np.ndarray
    """Entry indices within the block (uint16)."""
    levels: np.ndarray
    """The best field level of each posting (uint8, hundredths of the field weight)."""


class PostingsBuilder:
    """Collects (key, entry) pairs batch by batch and lays each block of entries out by key as soon
    as it is complete, so at most one block's batches are ever waiting."""

    def __init__(self) -> None:
        self._key_ids: dict[int, int] = {}
        self._batches: list[tuple[int, np.ndarray, np.ndarray, np.ndarray]] = []
        self._blocks: list[Block] = []
        self._counts = np.zeros(0, dtype=np.int64)
        self._next_block = 0

    def add_batch(self, first: int, keys: np.ndarray, owner: np.ndarray, level: np.ndarray) -> None:
        """Pairs of (key, entry index within the batch starting at `first`) with their field level;
        a repeated pair keeps its best level. Batches come in entry order, BATCH entries apart."""
        while first >= self._next_block + BLOCK:
            self._close_block()
        if not len(keys):
            return
        order = np.argsort(keys)
        keys = keys[order]
        first_of_key = np.r_[True, keys[1:] != keys[:-1]]
        distinct = keys[first_of_key]
        ids = self._key_ids
        global_ids = np.fromiter(
            (ids.setdefault(k, len(ids)) for k in distinct.tolist()), dtype=np.int64, count=len(distinct)
        )
        # key | entry | 255 - level: sorted, the first of each (key, entry) has the best level.
        packed = global_ids[np.cumsum(first_of_key) - 1] << 24 | owner[order].astype(np.int64) << 8 | 255 - level[order]
        packed.sort()  # numpy's hash-based `unique` is several times slower here
        pairs = packed >> 8
        packed = packed[np.r_[True, pairs[1:] != pairs[:-1]]]
        self._batches.append((
            first - self._next_block, (packed >> 24).astype(np.int32),
            (packed >> 8 & 0xFFFF).astype(np.uint16), (255 - (packed & 0xFF)).astype(np.uint8),
        ))

    def _close_block(self) -> None:
        """A counting sort by key: batches come in entry order, so each key's entries stay sorted."""
        batches, self._batches = self._batches, []
        block_first, self._next_block = self._next_block, self._next_block + BLOCK
        if not batches:
            return
        present = np.unique(np.concatenate([key_ids[np.r_[True, key_ids[1:] != key_ids[:-1]]]
                                            for _, key_ids, _, _ in batches]))
        counts = np.zeros(len(present), dtype=np.int64)
        for _, key_ids, _, _ in batches:
            counts += np.bincount(np.searchsorted(present, key_ids), minlength=len(present))
        offsets = np.zeros(len(present) + 1, dtype=np.int64)
        np.cumsum(counts, out=offsets[1:])
        docs = np.empty(int(offsets[-1]), dtype=np.uint16)
        levels = np.empty(int(offsets[-1]), dtype=np.uint8)
        cursor = offsets[:-1].copy()
        size = 0
        for offset, key_ids, batch_docs, batch_levels in batches:
            local = np.searchsorted(present, key_ids)
            first_of_key = np.flatnonzero(np.r_[True, local[1:] != local[:-1]])
            sizes = np.diff(np.r_[first_of_key, len(local)])
            places = cursor[local] + np.arange(len(local)) - np.repeat(first_of_key, sizes)
            docs[places] = batch_docs + np.uint16(offset)
            levels[places] = batch_levels
            cursor[local[first_of_key]] += sizes
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
        return self.key_ids[position[held]].astype(np.int64)

    def held(self, keys: set[int]) -> set[int]:
        """The keys some entry holds."""
        wanted, held, _ = self._lookup(keys)
        return set(wanted[held].tolist())

    def coverage(self, keys: Iterable[int], n_docs: int) -> np.ndarray | None:
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
        # A key no entry holds counts as the rarest there is: one common bigram found out of four
        # keys (`ft` of `ftd` in `theft`) must not make a full match.
        total = float(self.idf[key_ids].sum()) + missing * math.log1p(n_docs)
        shares = self.idf[key_ids] / (100 * total)
        coverage = np.zeros(n_docs, dtype=np.float64)
        for block in self.blocks:
            position = np.minimum(np.searchsorted(block.key_ids, key_ids), len(block.key_ids) - 1)
            held = block.key_ids[position] == key_ids
            if not held.any():
                continue
            starts, ends = block.offsets[position[held]].tolist(), block.offsets[position[held] + 1].tolist()
            docs = np.concatenate([block.docs[s:e] for s, e in zip(starts, ends)])
            levels = np.concatenate([block.levels[s:e] for s, e in zip(starts, ends)])
            weights = np.repeat(shares[held], np.subtract(ends, starts)) * levels
            coverage[block.first:block.first + block.size] += np.bincount(docs, weights, minlength=block.size)
        return coverage
