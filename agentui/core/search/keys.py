"""Integer keys of the candidate index, for a batch of entries at once (numpy) and for one query."""

from __future__ import annotations

import re

import numpy as np

from agentui.core.search.normalize import CJK_RANGES

# A key is an int64: a kind in the top bits, code points (21 bits each) or a word hash below.
UNIGRAM, BIGRAM, START1, START2, WORD, TRIGRAM = (kind << 59 for kind in range(1, 7))
INITIALS = 1 << 58
"""Set on the keys of pinyin initials (`bk`), so `gx` typed as initials is not confused with the
bigram `gx` inside the joined pinyin of 生效 (`shengxiao`)."""
_HASH_BASE = 0x9E3779B97F4A7C15
_MASK64 = (1 << 64) - 1

_BREAK, _HAN, _DIGIT, _LETTER = 0, 1, 2, 3
_LETTER_CHAR = re.compile(r"[^\W\d_]")
_class_of: dict[int, int] = {}
"""Classes of the non-ASCII, non-Chinese code points seen so far (a KB has a few hundred)."""




# ---------------------------------------------------------------- one query unit at a time


def word_key(word: str) -> int:
    """Whole-word key: a polynomial hash mod 2**64, the same sum the batch path takes with numpy."""
    value, power = 0, 1
    for char in word:
        value = (value + ord(char) * power) & _MASK64
        power = (power * _HASH_BASE) & _MASK64
    return WORD | (value >> 8)


def latin_keys(word: str) -> set[int]:
    """A query word's bigrams (typos, substrings), start (prefix typing) and whole word.

    The one-letter start is asked only of one-letter words: for longer words the two-letter start
    says more, and a one-letter start alone would add a posting list of a third of the KB."""
    codes = [ord(c) for c in word]
    keys = {BIGRAM | a << 21 | b for a, b in zip(codes, codes[1:])}
    keys.add(START1 | codes[0] if len(codes) == 1 else START2 | codes[0] << 21 | codes[1])
    keys.add(word_key(word))
    return keys


def initials_keys(word: str) -> set[int]:
    return {key | INITIALS for key in latin_keys(word)}


def typo_words(word: str) -> set[str]:
    """The word with two neighbours swapped or one letter dropped: a typo the agent made that the
    KB's own word undoes (`азмена` -> `замена`, `esimm` -> `esim`)."""
    swaps = {word[:i] + word[i + 1] + word[i] + word[i + 2:] for i in range(len(word) - 1)}
    drops = {word[:i] + word[i + 1:] for i in range(len(word))}
    return (swaps | drops) - {word}


def han_keys(run: str) -> set[int]:
    """Bigrams of a Chinese query run; single characters only for short runs, where one wrong
    character (补咔) leaves no correct bigram. A longer run keeps correct bigrams around a typo."""
    codes = [ord(c) for c in run]
    keys = {BIGRAM | a << 21 | b for a, b in zip(codes, codes[1:])}
    if len(codes) <= 2:
        keys.update(UNIGRAM | c for c in codes)
    return keys


def digit_keys(digits: str) -> set[int]:
    """Trigrams of each `|`-separated digit group: `7977979` finds `+7 (495) 797-79-79`."""
    return {TRIGRAM | int(group[i:i + 3]) for group in digits.split("|") for i in range(len(group) - 2)}


# ---------------------------------------------------------------- a batch of entries at once


def _codes(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Code points of the texts joined by spaces, and the text each position belongs to."""
    joined = " ".join(texts)
    codes = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
    lengths = np.fromiter((len(t) + 1 for t in texts), dtype=np.int64, count=len(texts))
    owner = np.repeat(np.arange(len(texts), dtype=np.int32), lengths)[: len(codes)]
    return codes, owner


def _classes(codes: np.ndarray) -> np.ndarray:
    classes = np.zeros(len(codes), dtype=np.int8)
    ascii_letter = ((codes >= 97) & (codes <= 122)) | ((codes >= 65) & (codes <= 90))
    classes[ascii_letter] = _LETTER
    classes[(codes >= 48) & (codes <= 57)] = _DIGIT
    han = np.zeros(len(codes), dtype=bool)
    for low, high in CJK_RANGES:
        han |= (codes >= low) & (codes <= high)
    classes[han] = _HAN
    other = (codes >= 128) & ~han
    if other.any():
        distinct = np.unique(codes[other])
        for code in distinct.tolist():
            if code not in _class_of:  # a letter (Cyrillic, accented) or a break (marks, symbols)
                _class_of[code] = _LETTER if _LETTER_CHAR.match(chr(code)) else _BREAK
        table = np.fromiter((_class_of[c] for c in distinct.tolist()), dtype=np.int8, count=len(distinct))
        classes[other] = table[np.searchsorted(distinct, codes[other])]
    return classes


def _powers(length: int) -> np.ndarray:
    powers, value = [], 1
    for _ in range(max(1, length)):
        powers.append(value)
        value = (value * _HASH_BASE) & _MASK64
    return np.array(powers, dtype=np.uint64)


def batch_keys(texts: list[str], *, head: bool) -> tuple[np.ndarray, np.ndarray]:
    """(key, text index) pairs for folded texts, possibly repeated; units are split as
    `normalize.split_units` splits them (script changes and non-word characters).

    Head texts (titles, aliases, tags, with pinyin appended) get every bigram, Chinese single
    characters and both start keys; bodies get Chinese bigrams, word starts and whole words only:
    bigrams of every body word would double the postings for little recall."""
    if not texts:
        return np.zeros(0, np.int64), np.zeros(0, np.int32)
    codes, owner = _codes(texts)
    classes = _classes(codes)
    kept = classes != _BREAK
    starts = kept.copy()
    starts[1:] &= classes[1:] != classes[:-1]
    pair = kept[:-1] & (classes[:-1] == classes[1:])  # codes[i], codes[i+1] in one unit
    if not head:
        pair &= classes[:-1] == _HAN
    parts_keys = [BIGRAM | codes[:-1][pair] << 21 | codes[1:][pair]]
    parts_owner = [owner[:-1][pair]]
    if head:
        han = classes == _HAN
        parts_keys.append(UNIGRAM | codes[han])
        parts_owner.append(owner[han])
    # Words: the units that are not Chinese runs, each a contiguous stretch of `positions`.
    positions = np.flatnonzero(kept & (classes != _HAN))
    if len(positions):
        offsets = np.flatnonzero(starts[positions])
        lengths = np.diff(np.append(offsets, len(positions)))
        word_starts = positions[offsets]
        long_word = lengths >= 2
        first_codes = codes[word_starts]
        start2 = START2 | first_codes[long_word] << 21 | codes[word_starts[long_word] + 1]
        short = slice(None) if head else ~long_word  # the head has one-letter starts of every word
        parts_keys += [START1 | first_codes[short], start2]
        parts_owner += [owner[word_starts[short]], owner[word_starts[long_word]]]
        rank = np.arange(len(positions), dtype=np.int64) - np.repeat(offsets, lengths)
        terms = codes[positions].astype(np.uint64) * _powers(int(lengths.max()))[rank]
        hashes = np.add.reduceat(terms, offsets) >> np.uint64(8)
        parts_keys.append(WORD | hashes.astype(np.int64))
        parts_owner.append(owner[word_starts])
    return np.concatenate(parts_keys), np.concatenate(parts_owner)


def batch_digit_keys(groups: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Digit trigram keys of `|`-separated digit groups per text; the same keys as `digit_keys`."""
    if not any(groups):
        return np.zeros(0, np.int64), np.zeros(0, np.int32)
    codes, owner = _codes(groups)
    digit = (codes >= 48) & (codes <= 57)
    whole = digit[:-2] & digit[1:-1] & digit[2:]
    values = (codes[:-2] - 48) * 100 + (codes[1:-1] - 48) * 10 + (codes[2:] - 48)
    return TRIGRAM | values[whole], owner[:-2][whole]
