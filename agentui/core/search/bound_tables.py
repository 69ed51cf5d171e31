"""The tables the exact stage's bounds read: the KB's distinct words, pinyin runs and Chinese
character pairs of each field, each with the entries holding it, so a test is asked once per
distinct piece, never of every entry's text."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence

import numpy as np

from agentui.core.search.document import BODY, KEY_FIELDS, WEIGHTS, BodyText, FieldText, SearchDoc
from agentui.core.search.normalize import CJK_RUN
from agentui.core.search.rules import EXACT, FUZZY_CUTOFF, INSIDE, PREFIX, SUFFIX
from agentui.core.search.scorer import fuzzy

APART = "\x00"
"""Joins the pieces in a column: folding turns it into a space, so no piece or query holds it."""
LAST = "\U0010ffff"
"""Sorts after every character: the texts starting with t sort from t to t + LAST."""
TAIL_CHARS = 48
"""A run's pinyin from each syllable on is kept this long: a longer query text is looked up by its
beginning (more entries, still a bound), and a long run (a pasted paragraph as a title) costs
memory in proportion to its length, not to its length squared."""


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
        process, OSA = fuzzy()
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
