"""Digit trigram keys of the phone numbers mentioned in entry bodies, found without a regex."""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np

from agentui.core.search.keys import COMPACT_SHIFT, TRIGRAM, KeyPairs
from agentui.core.search.normalize import TEXT_BREAK

_PLUS, _FILLER, _ASCII_DIGIT, _OTHER_DIGIT = 1, 2, 3, 4


@lru_cache(maxsize=1)
def _phone_table() -> np.ndarray:
    """What each BMP code point can be in a phone number (`document._PHONE`): nothing (0), `+`, a
    filler, an ASCII digit or another decimal digit (`\\d` takes those; digit keys keep ASCII only)."""
    table = np.zeros(0x10000, dtype=np.uint8)
    table[[ord(c) for c in re.findall(r"\d", "".join(map(chr, range(0x10000))))]] = _OTHER_DIGIT
    table[ord("0"):ord("9") + 1] = _ASCII_DIGIT
    table[[ord(c) for c in " \t-()"]] = _FILLER
    table[ord("+")] = _PLUS
    return table


def _phone_kinds(codes: np.ndarray) -> np.ndarray:
    table: np.ndarray = _phone_table()
    if codes.max(initial=0) <= 0xFFFF:
        return table.take(codes)
    kinds: np.ndarray = table.take(np.minimum(codes, 0xFFFF))
    above = np.flatnonzero(codes > 0xFFFF)
    kinds[above] = [_OTHER_DIGIT if chr(code).isdecimal() else 0 for code in codes[above].tolist()]
    return kinds


def mention_keys(codes: np.ndarray, owners: np.ndarray) -> KeyPairs:
    """Compact digit trigram keys of the phone-like numbers (`document._PHONE` matches) in texts as
    written (see `text_codes`), each number's digits read through its punctuation (`+7 (495)
    797-79-79` -> 74957977979): the keys `digit_keys` gives the digits of each match, found
    without running the regex (scanning every body for it cost as much as folding them).

    A match holds only `+`, digits and fillers, and `+` only first. So within a stretch of those
    characters cut before each `+`, the regex, which starts at the first digit (or the `+` just
    before it) and runs greedily to the last, matches once if these digits are 5 or more apart
    (`\\d`, four or more characters, `\\d`), else not at all."""
    bounds = np.flatnonzero(codes == ord(TEXT_BREAK))
    if len(bounds) != len(owners) + 1:
        raise ValueError(f"{len(bounds) - 1} texts for {len(owners)} owners")
    kinds = _phone_kinds(codes)
    edges = np.flatnonzero(np.diff(kinds != 0, prepend=False, append=False))
    starts, lengths = edges[0::2], edges[1::2] - edges[0::2]
    long_enough = lengths >= 6  # a match is six characters or more
    starts, lengths = starts[long_enough], lengths[long_enough]
    firsts = np.cumsum(lengths) - lengths  # each stretch's first place in `places`
    places = np.repeat(starts - firsts, lengths) + np.arange(int(lengths.sum()))
    kind = kinds[places]
    digit = np.flatnonzero(kind >= _ASCII_DIGIT)
    if not len(digit):
        return np.zeros(0, np.int64), owners[:0]
    new_piece = kind == _PLUS
    new_piece[firsts] = True
    piece = np.cumsum(new_piece) - 1
    digit_piece = piece[digit]
    first_digit = np.r_[True, digit_piece[1:] != digit_piece[:-1]]
    last_digit = np.r_[first_digit[1:], True]
    matched = np.zeros(int(piece[-1]) + 1, dtype=bool)
    matched[digit_piece[first_digit][digit[last_digit] - digit[first_digit] >= 5]] = True
    kept = np.flatnonzero((kind == _ASCII_DIGIT) & matched[piece])
    values = codes[places[kept]].astype(np.int64) - 48
    group = piece[kept]
    first = np.flatnonzero(group[:-2] == group[2:])
    values = values[first] * 100 + values[first + 1] * 10 + values[first + 2]
    return values | TRIGRAM >> COMPACT_SHIFT, owners[np.searchsorted(bounds, places[kept[first]]) - 1]
