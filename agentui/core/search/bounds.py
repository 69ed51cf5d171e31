"""Upper bounds of the scorer's value for every entry at once, so an exact search scores only the
entries that can still reach the top.

A bound is the scorer's own arithmetic (`rules.combine`, the same function on arrays) on match
kinds that are at least as good as the real ones: float operations are monotonic, so a bound is
never below the score, bit for bit, and the ranking's tenths (`rules.tenths`) are the same too."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np

from agentui.core.search.bound_tables import Distinct, FieldColumns, HanziGrams
from agentui.core.search.document import BODY, KEY_FIELDS, TITLE, WEIGHTS, BodyText, FieldText, SearchDoc
from agentui.core.search.normalize import is_cjk
from agentui.core.search.query import CJK, DIGITS, Query, Unit
from agentui.core.search.rules import (
    FINDING,
    FOUND_ABOVE,
    FUZZY,
    HOMOPHONE,
    INITIALS,
    LONE_CHAR,
    MATCHED,
    PHONE,
    PINYIN,
    SYNONYM,
    TERM_INITIALS,
    TYPE_PRIOR,
    TYPO_FROM,
    RankKey,
    combine,
    cover,
    tenths,
)

CHUNK = 64
"""Bounds handed out at a time: a search needs its limit and a few more, not every entry's."""
UNITS_KEPT = 64
"""Query units whose bounds are kept: as the agent types the last word, the earlier ones repeat."""
RankBound = RankKey
"""A bound on `Scored.rank_key(doc, ...)` with -entry index last (see `rules.RankKey`)."""




class UnitBound:
    """Per entry, bounds on a unit's `scorer.UnitMatch`: value, found and in the title (True
    where it may be)."""

    __slots__ = ("value", "complete", "in_title")

    def __init__(self, value: np.ndarray, complete: np.ndarray, in_title: np.ndarray) -> None:
        self.value = value
        self.complete = complete
        self.in_title = in_title

    def copy(self) -> UnitBound:
        return UnitBound(self.value.copy(), self.complete.copy(), self.in_title.copy())

    def add(self, other: UnitBound, factor: float | np.ndarray = 1.0) -> None:
        np.maximum(self.value, other.value * factor, out=self.value)
        self.complete |= other.complete
        self.in_title |= other.in_title


class ScoreBounds:
    """For a query, a bound per entry on `score_doc`'s rank key, built from the same scoring views
    the scorer reads (so no key scheme has to agree with it)."""

    def __init__(self, docs: Sequence[SearchDoc]) -> None:
        self.size = len(docs)
        by_name: dict[str, list[FieldText | BodyText | None]] = {name: [None] * len(docs) for name in KEY_FIELDS}
        for entry, doc in enumerate(docs):
            for field in doc.fields:
                by_name[field.name][entry] = field
        self.fields = [FieldColumns(name, by_name[name]) for name in KEY_FIELDS]
        self.hanzi = HanziGrams(docs)
        self.phones = Distinct([doc.phone_digits.split("|") for doc in docs])
        self.body_digits = Distinct([doc.body_digits.split("|") for doc in docs])
        named: dict[str, list[int]] = {}
        for entry, doc in enumerate(docs):
            for name in doc.names:
                named.setdefault(name, []).append(entry)
        self.named = {name: np.array(entries, dtype=np.int64) for name, entries in named.items()}
        self.prior = np.array([TYPE_PRIOR.get(doc.type, 0.0) for doc in docs])
        self.title_chars = np.array([doc.title_chars for doc in docs], dtype=np.int64)
        self.title_lengths = np.array([len(doc.title) for doc in docs], dtype=np.int64)
        self._kept: dict[Unit, UnitBound] = {}

    def __getstate__(self) -> dict[str, object]:
        return {**self.__dict__, "_kept": {}}

    def ordered(self, query: Query, pinned: np.ndarray | None = None,
                uses: np.ndarray | None = None) -> Iterator[RankBound]:
        """The entries that can match, highest bound first. An entry's rank key with its index
        (`(*Scored.rank_key(doc, pinned, uses), -index)`) is never above its bound. `pinned` and
        `uses` are per entry, as the rank key takes them."""
        units = query.units
        bounds = [self._kept_unit(unit) for unit in units]
        for phrase in query.phrases:
            said = self._pinyin(phrase.joined, initials=True)
            for i in range(phrase.first, phrase.last + 1):
                bounds[i].add(said)
        if query.joined_digits:
            joined = self._digits(query.joined_digits)
            for i, unit in enumerate(units):
                if unit.text.isdigit():
                    bounds[i].add(joined)
        score, all_found = combine([b.value for b in bounds], [b.complete for b in bounds], query)
        possible = np.flatnonzero(score > 0)
        if not len(possible):
            return
        all_found = np.broadcast_to(all_found, score.shape)[possible]
        title_matched = sum(len(unit.text) * b.in_title[possible] for unit, b in zip(units, bounds, strict=True))
        columns = (
            all_found,
            np.isin(possible, self.named.get(query.whole, ())),
            tenths(score[possible] + self.prior[possible]).astype(np.int64),
            np.zeros(len(possible), dtype=bool) if pinned is None else pinned[possible],
            np.zeros(len(possible), dtype=np.int64) if uses is None else uses[possible],
            cover(title_matched, self.title_chars[possible]),
            -self.title_lengths[possible],
            -possible,
        )
        order = np.lexsort([-column.astype(np.int64) for column in reversed(columns)])
        for start in range(0, len(order), CHUNK):  # most searches stop within the first chunk
            part = order[start:start + CHUNK]
            yield from zip(*(column[part].tolist() for column in columns), strict=True)

    def _kept_unit(self, unit: Unit) -> UnitBound:
        """A unit's bounds, a copy the caller may raise."""
        bound = self._kept.get(unit)
        if bound is None:
            if len(self._kept) >= UNITS_KEPT:
                self._kept.clear()
            bound = self._kept[unit] = self._unit(unit)
        return bound.copy()

    def _unit(self, unit: Unit) -> UnitBound:
        if unit.kind == CJK:
            bound = self._cjk(unit)
        else:
            bound = self._word(unit.text, unit.pinyin_like, typo=not unit.known)
            if unit.kind == DIGITS:
                bound.add(self._digits(unit.text))
        for variant in unit.variants:
            held = self._may_hold(variant.swapped)
            said = self._unit(variant)
            said.complete &= held
            said.in_title &= held
            bound.add(said, SYNONYM.value * held)
        return bound

    def _may_hold(self, word: str) -> np.ndarray:
        """True for the entries that may have `word` in a field: the scorer tries a thesaurus
        variant only on entries that use the word it puts in."""
        if is_cjk(word[0]):
            held = np.ones(self.size, dtype=bool)
            for i in range(len(word) - 1):  # in some field, so each of its pairs is
                entries, _ = self.hanzi.pair(word[i:i + 2])
                found = np.zeros(self.size, dtype=bool)
                found[entries] = True
                held &= found
            return held
        held = np.zeros(self.size, dtype=bool)
        for field in self.fields:
            for _, entries in field.vocabulary.containing(word):
                held[entries] = True
        return held

    def _word(self, word: str, pinyin_like: bool, typo: bool) -> UnitBound:
        """Per field, the best the scorer's word tests could give: an exact, prefix, suffix or inner
        match all need the word in the text (a short word: as a whole word, or a word's start);
        pinyin needs it from a syllable start, initials in the initials (a term's: equal to a
        run's), a typo a word near it (unless the KB has the word)."""
        value = np.zeros(self.size)
        found = np.zeros(self.size)  # the value in fields that find
        in_title = np.zeros(self.size, dtype=bool)
        length = len(word)
        initials = length >= 2 and word.isascii() and word.isalpha()
        for field in self.fields:
            raised: list[tuple[np.ndarray, float]] = [
                (entries, field.weight * kind) for kind, entries in field.vocabulary.holding(word)
            ]
            if field.sounds is not None:
                if pinyin_like:
                    raised.append((field.sounds.from_syllable(word), field.weight * PINYIN.value))
                if initials:
                    raised.append((field.sounds.in_initials(word), field.weight * INITIALS.value))
                    raised.append((field.sounds.initials_of_run(word), field.weight * TERM_INITIALS.value))
            if typo and length >= TYPO_FROM:  # (the scorer also skips fields without words: they have no vocabulary)
                raised += [(entries, field.weight * FUZZY.value * similarity)
                           for similarity, entries in field.vocabulary.near(word)]
            for entries, worth in raised:
                _raise(value, entries, worth)
                if field.name in FINDING:
                    _raise(found, entries, worth)
                if field.name == TITLE:
                    in_title[entries] = True
        return UnitBound(value, found >= MATCHED, in_title)

    def _pinyin(self, text: str, *, initials: bool) -> UnitBound:
        """A pinyin phrase (`bu ka` said as `buka`), or the sound of a Chinese run (a wrong
        character of the same sound): full pinyin from a syllable start, or (a phrase) initials."""
        value = np.zeros(self.size)
        in_title = np.zeros(self.size, dtype=bool)
        kind = PINYIN if initials else HOMOPHONE
        for field in self.fields:
            if field.sounds is not None:
                raised = [(field.sounds.from_syllable(text), field.weight * kind.value)]
                if initials and len(text) >= 2:
                    raised.append((field.sounds.in_initials(text), field.weight * INITIALS.value))
                    raised.append((field.sounds.initials_of_run(text), field.weight * TERM_INITIALS.value))
                for entries, worth in raised:
                    _raise(value, entries, worth)
                    if field.name == TITLE:
                        in_title[entries] = True
        return UnitBound(value, value >= MATCHED, in_title)

    def _digits(self, digits: str) -> UnitBound:
        value = np.zeros(self.size)
        for _, entries in self.body_digits.containing(digits):
            _raise(value, entries, WEIGHTS[BODY])
        for _, entries in self.phones.containing(digits):
            _raise(value, entries, PHONE.value)
        return UnitBound(value, value >= MATCHED, np.zeros(self.size, dtype=bool))  # (over-estimates "found")

    def _cjk(self, unit: Unit) -> UnitBound:
        """Per character, as the scorer counts it: a field's full weight when a pair of the run's
        characters holding it is in the field, half of it when the character alone is in a short
        field; the run's sound gives all characters HOMOPHONE. Found where no two characters in a
        row lack a pair (or the sound)."""
        run = unit.text
        length = len(run)
        title = WEIGHTS[TITLE]
        if length == 1:
            value = np.zeros(self.size)
            entries, weights = self.hanzi.char(run)
            _raise(value, entries, weights)
            alone_in_title = np.zeros(self.size, dtype=bool)
            alone_in_title[entries[weights == title]] = True
            return UnitBound(value, value > 0, alone_in_title)
        chars = [np.zeros(self.size) for _ in run]
        found = [np.zeros(self.size, dtype=bool) for _ in run]
        in_title = np.zeros(self.size, dtype=bool)
        for i in range(length - 1):
            entries, weights = self.hanzi.pair(run[i:i + 2])
            for j in (i, i + 1):
                _raise(chars[j], entries, weights)
                found[j][entries[weights > FOUND_ABOVE]] = True
            in_title[entries[weights == title]] = True
        for i, char in enumerate(run):
            entries, weights = self.hanzi.char(char)
            _raise(chars[i], entries, weights * LONE_CHAR.value)
        if unit.pinyin is not None:
            sound = self._pinyin(unit.pinyin.joined, initials=False)
            heard = sound.value > 0
            for bound, where in zip(chars, found, strict=True):
                np.maximum(bound, sound.value, out=bound)
                where |= heard
            in_title |= sound.in_title
        char_weights = unit.char_weights or (1.0,) * length
        total = np.zeros(self.size)
        for char_bound, weight in zip(chars, char_weights, strict=True):
            total = total + char_bound * weight
        value = total / sum(char_weights)
        two_missing = np.zeros(self.size, dtype=bool)
        for i in range(length - 1):  # fillers (weight 0) count as found
            if char_weights[i] and char_weights[i + 1]:
                two_missing |= ~found[i] & ~found[i + 1]
        complete = (value >= MATCHED) & ~two_missing & np.logical_or.reduce(found)
        return UnitBound(value, complete, in_title)


def _raise(bound: np.ndarray, entries: Sequence[int] | np.ndarray, value: float | np.ndarray) -> None:
    """`value` one number (entries may repeat), or one per entry (one posting per entry and gram)."""
    if len(entries):
        bound[entries] = np.maximum(bound[entries], value)
