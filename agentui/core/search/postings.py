"""Inverted index of integer keys (see `keys`), built a batch of entries at a time with numpy."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

from agentui.core.search.document import BODY, HEAD_FIELDS, WEIGHTS, KeyTexts
from agentui.core.search.keys import batch_digit_keys, batch_keys, digit_keys, han_keys, latin_keys
from agentui.core.search.query import CJK, Query, Unit
from agentui.core.search.synonyms import SYNONYM_FACTOR

BATCH = 1024
"""Entries turned into keys per numpy pass: big enough to amortise numpy calls, small enough that
the pass's temporary arrays (about 400 keys an entry) stay a few MB and go back to the system;
below 65536, so an entry's place in its batch fits in 16 bits while the batch waits for `freeze`."""


COMMON_KEY = 0.5
"""A key held by more than this share of the KB (`the`, the bigram `li` of every pinyin) tells
entries apart by almost nothing (idf < 0.7) yet costs the most postings to read: the candidate
stage skips it when the query unit has any rarer key. At 100k entries it halves the postings read."""
KEY_FIELDS = (*HEAD_FIELDS, BODY)
"""The order of `KeyTexts.fields`."""
FIELD_LEVEL = {name: round(WEIGHTS[name] * 100) for name in KEY_FIELDS}
"""A posting's weight: the scorer's weight of the best field holding the key, in hundredths."""


def batch_pairs(texts: Sequence[KeyTexts]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(keys, owners, field levels) of a batch of entries, with repeats: the builder keeps the best
    field of each key, so a word in the title counts as a title word however often the body uses it."""
    keys, owners, levels = [], [], []
    for position, name in enumerate(KEY_FIELDS):
        found, owner = batch_keys([t.fields[position] for t in texts], head=name != BODY)
        keys.append(found)
        owners.append(owner)
        levels.append(np.full(len(found), FIELD_LEVEL[name], dtype=np.int64))
    for digits, level in (([t.phone_digits for t in texts], 100), ([t.body_digits for t in texts], FIELD_LEVEL[BODY])):
        found, owner = batch_digit_keys(digits)
        keys.append(found)
        owners.append(owner)
        levels.append(np.full(len(found), level, dtype=np.int64))
    return np.concatenate(keys), np.concatenate(owners), np.concatenate(levels)


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


def key_groups(query: Query) -> list[tuple[float, list[tuple[float, set[int]]]]]:
    """Per query unit, its weight and the key sets that can match it, each with what a match is
    worth: the unit itself, its thesaurus variants (a little less), a pinyin phrase spanning it
    (`bu ka`) and all digit groups joined (`797-79-79`)."""
    groups = []
    for position, unit in enumerate(query.units):
        options = [(1.0, unit_keys(unit))]
        options += [(SYNONYM_FACTOR, unit_keys(variant)) for variant in unit.variants]
        options += [(1.0, latin_keys(p.joined)) for p in query.phrases if p.first <= position <= p.last]
        if query.joined_digits and unit.text.isdigit():
            options.append((1.0, digit_keys(query.joined_digits)))
        groups.append((unit.weight, options))
    return groups


class PostingsBuilder:
    """Collects (key, entry) pairs batch by batch; `freeze` lays them out key by key."""

    def __init__(self) -> None:
        self._key_ids: dict[int, int] = {}
        self._batches: list[tuple[int, np.ndarray, np.ndarray, np.ndarray]] = []

    def add_batch(self, first: int, keys: np.ndarray, owner: np.ndarray, level: np.ndarray) -> None:
        """Pairs of (key, entry index within the batch starting at `first`) with their field level;
        a repeated pair keeps its best level."""
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
            first, (packed >> 24).astype(np.int32), (packed >> 8 & 0xFFFF).astype(np.uint16),
            (255 - (packed & 0xFF)).astype(np.uint8),
        ))

    def freeze(self, n_docs: int) -> Postings:
        """A counting sort by key: batches come in entry order, so each key's entries stay sorted.
        Each batch is freed once placed, so the held batches and the final array never both peak."""
        n_keys = len(self._key_ids)
        counts = np.zeros(n_keys, dtype=np.int64)
        for _, key_ids, _, _ in self._batches:
            counts += np.bincount(key_ids, minlength=n_keys)
        offsets = np.zeros(n_keys + 1, dtype=np.int64)
        np.cumsum(counts, out=offsets[1:])
        docs = np.empty(int(offsets[-1]), dtype=np.int32)
        levels = np.empty(int(offsets[-1]), dtype=np.uint8)
        cursor = offsets[:-1].copy()
        while self._batches:
            first, key_ids, batch_docs, batch_levels = self._batches.pop(0)
            first_of_key = np.flatnonzero(np.r_[True, key_ids[1:] != key_ids[:-1]])
            sizes = np.diff(np.r_[first_of_key, len(key_ids)])
            rank = np.arange(len(key_ids)) - np.repeat(first_of_key, sizes)
            places = cursor[key_ids] + rank
            docs[places] = batch_docs.astype(np.int32) + first
            levels[places] = batch_levels
            cursor[key_ids[first_of_key]] += sizes
        keys = np.fromiter(self._key_ids, dtype=np.int64, count=n_keys)
        order = np.argsort(keys)
        self._key_ids = {}
        idf = np.log1p(n_docs / np.maximum(counts, 1)).astype(np.float32)
        return Postings(keys[order], order.astype(np.int32), offsets, docs, levels, idf)


class Postings:
    """key -> sorted entry indices, each with the level of the best field holding the key; `idf`
    weights rare keys above common ones. Keys are found by binary search in a sorted array: a dict
    of a large KB's keys would cost more memory than its postings."""

    def __init__(self, keys: np.ndarray, key_ids: np.ndarray, offsets: np.ndarray, docs: np.ndarray,
                 levels: np.ndarray, idf: np.ndarray) -> None:
        self.keys = keys
        self.key_ids = key_ids
        self.offsets = offsets
        self.docs = docs
        self.levels = levels
        self.idf = idf

    def find(self, keys: Iterable[int]) -> np.ndarray:
        """Ids of the keys this index holds."""
        wanted = np.fromiter(keys, dtype=np.int64)
        if not len(self.keys) or not len(wanted):
            return np.zeros(0, dtype=np.int64)
        position = np.minimum(np.searchsorted(self.keys, wanted), len(self.keys) - 1)
        return self.key_ids[position[self.keys[position] == wanted]].astype(np.int64)

    def coverage(self, keys: Iterable[int], n_docs: int) -> np.ndarray | None:
        """Per entry, the idf-weighted share of these keys it holds, each counted at the level of
        the field holding it (1.0 for the title); None when no entry holds any. A cheap stand-in
        for the scorer's value of one query unit: a share, so a unit made of rare keys does not
        outweigh the others, and field levels, so a title match beats a body mention."""
        key_ids = self.find(keys)
        if not len(key_ids):
            return None
        lengths = self.offsets[key_ids + 1] - self.offsets[key_ids]
        informative = lengths <= COMMON_KEY * n_docs
        if informative.any():
            key_ids = key_ids[informative]
        starts, ends = self.offsets[key_ids].tolist(), self.offsets[key_ids + 1].tolist()
        docs = np.concatenate([self.docs[s:e] for s, e in zip(starts, ends)])
        levels = np.concatenate([self.levels[s:e] for s, e in zip(starts, ends)])
        weights = np.repeat(self.idf[key_ids] / (100 * float(self.idf[key_ids].sum())), np.subtract(ends, starts))
        return np.bincount(docs, weights=weights * levels, minlength=n_docs)
