"""Toneless pinyin of Chinese text, as pypinyin's `lazy_pinyin` gives it, read from the tables `pinyin_tables` keeps."""

# pypinyin's segmentation (forward maximum matching, phrases only) is repeated step for step over
# those tables, so the syllables are the same (tests/core/test_search_hanzi.py compares every
# character and phrase). A pack of readings or phrases is unpacked the first time a character of
# it is asked for: a KB and its queries touch a few thousand characters of 42k.

from __future__ import annotations

import re
from functools import cache

from agentui.core.search import pinyin_tables
from agentui.core.search.pinyin_tables import BLOCK_SHIFT, FIELD, ITEM, PLAIN, PREFIX, toneless

__all__ = ["PLAIN", "PREFIX", "char_readings", "phrases_from", "syllables", "toneless"]

_HANZI = re.compile(
    "[\u3007\ue815-\ue864\ufa18\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
    "\U00020000-\U0002a6df\U0002a703-\U0002b73f\U0002b740-\U0002b81d\U0002b825-\U0002bf6e"
    "\U0002c029-\U0002ce93\U0002d016\U0002d11b-\U0002ebd9\U0002f80a-\U0002fa1f\U00030000-\U0003134a"
    "\U00031350-\U00032389]+"
)
"""The characters pypinyin looks up (its `RE_HANS`); anything else in a run stands for itself."""

Phrases = dict[str, int | str]
"""Phrases and their proper prefixes -> PREFIX (a prefix only), PLAIN, or the phrase's syllables."""


@cache
def _readings_block(block: int) -> dict[str, tuple[str, ...]]:
    packed = pinyin_tables.tables().readings.get(block, "")
    return {item[0]: tuple(item[1:].split(",")) for item in packed.split(ITEM) if item}


def char_readings(char: str) -> tuple[str, ...]:
    """Distinct toneless readings, most common first; () for a character with none."""
    return _readings_block(ord(char) >> BLOCK_SHIFT).get(char, ())


def _primary(char: str) -> str:
    readings = char_readings(char)
    return readings[0] if readings else char


@cache
def phrases_from(first: str) -> Phrases:
    """The phrases starting with `first`, and every proper prefix of one: the segmentation asks
    "is this a prefix?" and "is it a phrase?" of the same strings, which all start with `first`."""
    table: Phrases = {}
    for item in pinyin_tables.tables().phrases.get(first, "").split(ITEM):
        if not item:
            continue
        phrase, _, spoken = item.partition(FIELD)
        for end in range(1, len(phrase)):
            table.setdefault(phrase[:end], PREFIX)
        table[phrase] = spoken or PLAIN
    return table


def _cut(text: str) -> list[str]:
    """pypinyin's forward maximum matching (`mmseg.Seg.cut`, phrases only), quirks included: when
    the whole rest is a prefix of some phrase but holds none, it is split into single characters."""
    words: list[str] = []
    remain = text
    while remain:
        phrases = phrases_from(remain[0])
        last_valid = 0
        for end in range(1, len(remain) + 1):
            kind = phrases.get(remain[:end])
            if kind is None:
                cut = last_valid or 1
                words.append(remain[:cut])
                remain = remain[cut:]
                break
            if kind != PREFIX:
                last_valid = end
        else:
            if last_valid:
                words.append(remain[:last_valid])
                remain = remain[last_valid:]
            else:
                words.extend(remain)
                remain = ""
    return words


def syllables(text: str) -> list[str]:
    """One toneless syllable per character, as `lazy_pinyin(text, errors=list)` gives it: phrase
    readings where a phrase is found (`银行` -> `yin hang`), the most common reading otherwise, and
    the character itself where it has none."""
    out: list[str] = []
    position = 0
    for match in _HANZI.finditer(text):
        out.extend(text[position:match.start()])
        position = match.end()
        for word in _cut(match.group(0)):
            own = phrases_from(word[0]).get(word)
            out.extend(own.split(" ") if isinstance(own, str) else (_primary(c) for c in word))
    out.extend(text[position:])
    return out
