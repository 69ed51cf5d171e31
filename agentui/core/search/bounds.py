"""Upper bounds of the scorer's value for every entry at once, so an exact search scores only the
entries that can still reach the top.

A bound is the scorer's own arithmetic (`rules.combine`, the same function on arrays) on match
kinds that are at least as good as the real ones: float operations are monotonic, so a bound is
never below the score, bit for bit, and the ranking's tenths (`rules.tenths`) are the same too."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterator, Sequence

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import OSA

from agentui.core.search.document import BODY, KEY_FIELDS, TITLE, WEIGHTS, BodyText, FieldText, SearchDoc
from agentui.core.search.normalize import CJK_RUN, is_cjk
from agentui.core.search.query import CJK, DIGITS, Query, Unit
from agentui.core.search.rules import (
    EXACT,
    FINDING,
    FOUND_ABOVE,
    FUZZY,
    FUZZY_CUTOFF,
    HOMOPHONE,
    INITIALS,
    INSIDE,
    LONE_CHAR,
    MATCHED,
    PHONE,
    PINYIN,
    PREFIX,
    SUFFIX,
    SYNONYM,
    TERM_INITIALS,
    TYPE_PRIOR,
    TYPO_FROM,
    RankKey,
    combine,
    cover,
    tenths,
)

APART = "\x00"
"""Joins the pieces in a column: folding turns it into a space, so no piece or query holds it."""
LAST = "\U0010ffff"
"""Sorts after every character: the texts starting with t sort from t to t + LAST."""
CHUNK = 64
"""Bounds handed out at a time: a search needs its limit and a few more, not every entry's."""
TAIL_CHARS = 48
"""A run's pinyin from each syllable on is kept this long: a longer query text is looked up by its
beginning (more entries, still a bound), and a long run (a pasted paragraph as a title) costs
memory in proportion to its length, not to its length squared."""
UNITS_KEPT = 64
"""Query units whose bounds are kept: as the agent types the last word, the earlier ones repeat."""
RankBound = RankKey
"""A bound on `Scored.rank_key(doc, ...)` with -entry index last (see `rules.RankKey`)."""


class Column:
    """Texts joined into one string: `holding` finds the texts containing a needle with C-level
    `find`s, one per text that has it, not one per text. A needle that begins with APART must
    begin the text."""

    __slots__ = ("text", "starts")

    def __init__(self, texts: Sequence[str]) -> None:
        self.text = APART + APART.join(texts)
        starts = [1]
        for text in texts:
            starts.append(starts[-1] + len(text) + 1)
        self.starts = starts

    def holding(self, needle: str) -> list[int]:
        found: list[int] = []
        find, starts = self.text.find, self.starts
        shift = 1 if needle.startswith(APART) else 0  # found at the APART before its text
        position = find(needle)
        while position != -1:
            entry = bisect_right(starts, position + shift) - 1
            found.append(entry)
            position = find(needle, starts[entry + 1] - shift)
        return found


class Distinct:
    """The distinct pieces (words, phone numbers) of one text of every entry, each with the entries
    holding it: a test on a piece is asked once per distinct piece, never of every entry's text."""

    __slots__ = ("pieces", "entries", "column")

    def __init__(self, pieces_of: Sequence[Sequence[str]]) -> None:
        users: dict[str, list[int]] = {}
        for entry, pieces in enumerate(pieces_of):
            for piece in filter(None, pieces):
                found = users.setdefault(piece, [])
                if not found or found[-1] != entry:
                    found.append(entry)
        self.pieces = list(users)
        self.entries = [np.array(found, dtype=np.int64) for found in users.values()]
        self.column = Column(self.pieces)

    def containing(self, text: str) -> list[tuple[str, np.ndarray]]:
        """The pieces holding `text` (starting with it, if it starts with APART)."""
        return [(self.pieces[i], self.entries[i]) for i in self.column.holding(text)]


class Vocabulary(Distinct):
    """A field's distinct words. The scorer's word tests are all tests on one word of a field (a
    query word is all letters or all digits, and a field's words are its maximal runs of either)."""

    __slots__ = ()

    def holding(self, word: str) -> list[tuple[float, np.ndarray]]:
        """(match kind, entries with repeats) for each kind of match the scorer's tests would find
        for `word`: the word itself, and (two letters on) a word it begins, (three on) ends or is
        inside."""
        if len(word) == 1:
            return [(EXACT.value, entries) for other, entries in self.containing(APART + word) if other == word]
        kinds: dict[float, list[np.ndarray]] = {}
        for other, entries in self.containing(APART + word if len(word) == 2 else word):
            kind = (
                EXACT.value if other == word
                else PREFIX.value if other.startswith(word)
                else SUFFIX.value if other.endswith(word)
                else INSIDE.value
            )
            kinds.setdefault(kind, []).append(entries)
        return [(kind, np.concatenate(found)) for kind, found in kinds.items()]

    def near(self, word: str) -> list[tuple[float, np.ndarray]]:
        """(similarity, entries) of the words the scorer's typo test accepts for `word`."""
        matches = process.extract(
            word, self.pieces, scorer=OSA.normalized_similarity, score_cutoff=FUZZY_CUTOFF, limit=None
        )
        return [(similarity, self.entries[position]) for _, similarity, position in matches]


class Sounds:
    """The distinct Chinese runs of one field over the KB by their pinyin, each with the entries
    holding it (tags and aliases repeat the same few runs over thousands of entries), and each
    run's pinyin from each of its syllables on, sorted: the runs where a text starts a syllable
    are one binary search away (each tail cut to TAIL_CHARS)."""

    __slots__ = ("tails", "tail_runs", "run_starts", "run_entries", "initials", "whole_initials")

    def __init__(self, fields: Sequence[FieldText | BodyText | None]) -> None:
        users: dict[tuple[str, tuple[int, ...]], list[int]] = {}
        initials: dict[tuple[str, tuple[int, ...]], str] = {}
        for entry, field in enumerate(fields):
            for run in field.runs if field is not None else ():
                said = (run.pinyin.joined, run.pinyin.starts)
                found = users.setdefault(said, [])
                if not found or found[-1] != entry:
                    found.append(entry)
                initials[said] = run.pinyin.initials
        tails = sorted(
            (joined[start:start + TAIL_CHARS], number)
            for number, (joined, starts) in enumerate(users) for start in starts
        )
        self.tails = [tail for tail, _ in tails]
        self.tail_runs = np.array([run for _, run in tails], dtype=np.int64)
        self.run_starts = np.zeros(len(users) + 1, dtype=np.int64)
        np.cumsum([len(found) for found in users.values()], out=self.run_starts[1:])
        self.run_entries = np.array([entry for found in users.values() for entry in found], dtype=np.int64)
        self.initials = Column(list(initials.values()))
        runs_of: dict[str, list[int]] = {}
        for number, letters in enumerate(initials.values()):
            runs_of.setdefault(letters, []).append(number)
        self.whole_initials = {letters: np.array(runs, dtype=np.int64) for letters, runs in runs_of.items()}

    def from_syllable(self, text: str) -> np.ndarray:
        """Entries holding a run whose pinyin has `text` from a syllable start (the scorer's full
        pinyin test), with repeats; for a text over TAIL_CHARS, those of its beginning."""
        text = text[:TAIL_CHARS]
        first = bisect_left(self.tails, text)
        return self._entries(self.tail_runs[first:bisect_left(self.tails, text + LAST, first)])

    def in_initials(self, text: str) -> np.ndarray:
        return self._entries(np.array(self.initials.holding(text), dtype=np.int64))

    def initials_of_run(self, text: str) -> np.ndarray:
        """Entries holding a run whose initials are `text` (a term: `zx` of 注销)."""
        return self._entries(self.whole_initials.get(text, np.zeros(0, dtype=np.int64)))

    def _entries(self, runs: np.ndarray) -> np.ndarray:
        firsts = self.run_starts[runs]
        counts = self.run_starts[runs + 1] - firsts
        places = np.repeat(firsts - (np.cumsum(counts) - counts), counts)
        return self.run_entries[places + np.arange(len(places))]


class FieldColumns:
    """What the bounds read of one field: its words and its Chinese runs' pinyin."""

    __slots__ = ("name", "weight", "vocabulary", "sounds")

    def __init__(self, name: str, fields: Sequence[FieldText | BodyText | None]) -> None:
        self.name = name
        self.weight = WEIGHTS[name]
        self.vocabulary = Vocabulary([f.words.split() if f is not None else () for f in fields])
        self.sounds = Sounds(fields) if any(f is not None and f.runs for f in fields) else None


class HanziGrams:
    """Each Chinese character pair of the KB's fields, and each single character of its short
    fields, with the entries holding it at the weight of their heaviest field holding it: the
    scorer's Chinese tests are all pair and character tests, and a common character is in
    thousands of entries, too many to find one by one."""

    __slots__ = ("pairs", "chars")
    WEIGHT_OF = np.array([WEIGHTS[name] for name in KEY_FIELDS])

    def __init__(self, docs: Sequence[SearchDoc]) -> None:
        # Postings are `entry << 3 | field rank`; an entry's fields come heaviest first, so a gram
        # keeps an entry's first posting only.
        self.pairs: dict[str, list[int] | np.ndarray] = {}
        self.chars: dict[str, list[int] | np.ndarray] = {}
        rank_of = {name: rank for rank, name in enumerate(KEY_FIELDS)}
        for entry, doc in enumerate(docs):
            pairs_seen: set[str] = set()
            chars_seen: set[str] = set()
            for field in doc.fields:
                posting = entry << 3 | rank_of[field.name]
                for run in CJK_RUN.findall(field.text):
                    for pair in {run[i:i + 2] for i in range(len(run) - 1)} - pairs_seen:
                        self.pairs.setdefault(pair, []).append(posting)  # type: ignore[union-attr]
                        pairs_seen.add(pair)
                    if field.name != BODY:
                        for char in set(run) - chars_seen:
                            self.chars.setdefault(char, []).append(posting)  # type: ignore[union-attr]
                            chars_seen.add(char)

    def pair(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        return self._unpack(self.pairs, text)

    def char(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        return self._unpack(self.chars, text)

    def _unpack(self, grams: dict[str, list[int] | np.ndarray], text: str) -> tuple[np.ndarray, np.ndarray]:
        """(entries, weight of each one's heaviest field holding the gram). A gram's postings
        become an array when first asked for: most of the KB's grams never are."""
        postings = grams.get(text)
        if postings is None:
            packed = np.zeros(0, dtype=np.int64)
        elif isinstance(postings, list):
            packed = grams[text] = np.array(postings, dtype=np.int64)
        else:
            packed = postings
        return packed >> 3, self.WEIGHT_OF[packed & 7]


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
