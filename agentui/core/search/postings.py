"""Inverted index of character n-grams, pinyin and digit keys, for picking candidates fast."""

from __future__ import annotations

from array import array
from collections.abc import Iterable

import numpy as np

from agentui.core.search.document import BODY, SearchDoc
from agentui.core.search.normalize import is_cjk, split_units
from agentui.core.search.query import CJK, Query


def _latin_keys(word: str, keys: set[str]) -> None:
    """Bigrams (typos, substrings) and word starts (prefix typing) of a word in a short field."""
    keys.add("^" + word[:1])
    keys.add("^" + word[:2])
    keys.add("=" + word)
    for i in range(len(word) - 1):
        keys.add(word[i:i + 2])


def _cjk_keys(run: str, keys: set[str], *, unigrams: bool) -> None:
    if unigrams:
        keys.update(run)
    for i in range(len(run) - 1):
        keys.add(run[i:i + 2])


def _digit_keys(digits: str, keys: set[str]) -> None:
    for group in digits.split("|"):
        for i in range(len(group) - 2):
            keys.add("#" + group[i:i + 3])


def _word_keys(words: list[str]) -> set[str]:
    """Bigrams (typos, substrings), starts (prefix typing) and whole words of short-field words."""
    keys = {w[i:i + 2] for w in words for i in range(len(w) - 1)}
    keys.update(["^" + w[:1] for w in words])
    keys.update(["^" + w[:2] for w in words])
    keys.update(["=" + w for w in words])
    return keys


def doc_keys(doc: SearchDoc) -> tuple[set[str], set[str]]:
    """Keys of the short fields (with pinyin and single characters) and of the body.

    Body words get whole-word and start keys only: bigrams of every body word would double the
    postings for little recall, since typos are aimed at titles and aliases."""
    head_words: list[str] = []
    head_runs: list[str] = []
    pinyin_strings: list[str] = []
    head: set[str] = set()
    body: set[str] = set()
    for field in doc.fields:
        units = split_units(field.text)
        if field.name == BODY:
            runs = [u for u in units if is_cjk(u[0])]
            body.update([u[i:i + 2] for u in runs for i in range(len(u) - 1)])
            words = [u for u in units if not is_cjk(u[0])]
            body.update(["^" + w[:2] for w in words])
            body.update(["=" + w for w in words])
            continue
        for unit in units:
            (head_runs if is_cjk(unit[0]) else head_words).append(unit)
        for run in field.runs:
            pinyin_strings.append(run.pinyin.joined)
            if len(run.pinyin.initials) >= 2:
                pinyin_strings.append(run.pinyin.initials)
            head.update(["^" + syllable[:1] for syllable in run.pinyin.syllables])
    head.update([c for run in head_runs for c in run])
    head.update([run[i:i + 2] for run in head_runs for i in range(len(run) - 1)])
    head |= _word_keys(head_words + pinyin_strings)
    _digit_keys(doc.phone_digits, head)
    _digit_keys(doc.body_digits, body)
    return head, body


def query_keys(query: Query) -> set[str]:
    keys: set[str] = set()
    for unit in [u for unit in query.units for u in (unit, *unit.variants)]:
        if unit.kind == CJK:
            _cjk_keys(unit.text, keys, unigrams=True)
            if unit.pinyin is not None:
                _latin_keys(unit.pinyin.joined, keys)
        else:
            _latin_keys(unit.text, keys)
            if unit.text.isdigit():
                _digit_keys(unit.text, keys)
    for phrase in query.phrases:
        _latin_keys(phrase.joined, keys)
    if query.joined_digits:
        _digit_keys(query.joined_digits, keys)
    return keys


class PostingsBuilder:
    def __init__(self) -> None:
        self.key_ids: dict[str, int] = {}
        self._keys = array("i")
        self._docs = array("i")

    def add(self, doc_index: int, keys: Iterable[str]) -> None:
        ids = self.key_ids
        key_list = [ids.setdefault(k, len(ids)) for k in keys]
        self._keys.extend(key_list)
        self._docs.extend([doc_index] * len(key_list))

    def freeze(self, n_docs: int) -> Postings:
        keys = np.frombuffer(self._keys, dtype=np.int32) if self._keys else np.zeros(0, np.int32)
        docs = np.frombuffer(self._docs, dtype=np.int32) if self._docs else np.zeros(0, np.int32)
        order = np.argsort(keys, kind="stable")
        counts = np.bincount(keys, minlength=len(self.key_ids)).astype(np.int64)
        offsets = np.zeros(len(self.key_ids) + 1, dtype=np.int64)
        np.cumsum(counts, out=offsets[1:])
        idf = np.log1p(n_docs / np.maximum(counts, 1)).astype(np.float32)
        return Postings(self.key_ids, offsets, docs[order].copy(), idf)


class Postings:
    """key -> sorted doc indices; `idf` weights rare keys above common ones."""

    def __init__(self, key_ids: dict[str, int], offsets: np.ndarray, docs: np.ndarray, idf: np.ndarray) -> None:
        self.key_ids = key_ids
        self.offsets = offsets
        self.docs = docs
        self.idf = idf

    def accumulate(self, keys: Iterable[str], factor: float, scores: np.ndarray) -> None:
        """Add each key's idf to the score of every doc holding it (a doc appears once per key)."""
        for key in keys:
            key_id = self.key_ids.get(key)
            if key_id is not None:
                docs = self.docs[self.offsets[key_id]:self.offsets[key_id + 1]]
                scores[docs] += self.idf[key_id] * factor
