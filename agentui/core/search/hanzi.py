"""Toneless pinyin of Chinese text, as pypinyin's `lazy_pinyin` gives it, read straight from its data files."""

# Importing pypinyin builds every table it has (56 MiB, 0.2 s), the 47k-phrase dictionary with its
# segmentation prefixes most of all; a KB needs the readings of a few thousand characters. This
# module reads the same two JSON files lazily and keeps one string per reading or phrase, and
# repeats pypinyin's segmentation (forward maximum matching, phrases only) step for step, so the
# syllables are the same (tests/core/test_search_hanzi.py compares every character and phrase).

from __future__ import annotations

import importlib.util
import json
import re
from functools import cache, lru_cache
from pathlib import Path

_TONE_MARKS = str.maketrans({
    **dict.fromkeys("āáǎà", "a"), **dict.fromkeys("ēéěè", "e"), **dict.fromkeys("ōóǒò", "o"),
    **dict.fromkeys("īíǐì", "i"), **dict.fromkeys("ūúǔù", "u"), **dict.fromkeys("üǖǘǚǜ", "v"),
    **dict.fromkeys("ńňǹ", "n"), "ḿ": "m", "ế": "ê", "ề": "ê",
    "\u0304": None, "\u0300": None, "\u030c": None,  # the marks of m̄, m̀, ê̄, ê̌ (no precomposed form)
})
_DIGITS = re.compile(r"\d")

_HANZI = re.compile(
    "[\u3007\ue815-\ue864\ufa18\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
    "\U00020000-\U0002a6df\U0002a703-\U0002b73f\U0002b740-\U0002b81d\U0002b825-\U0002bf6e"
    "\U0002c029-\U0002ce93\U0002d016\U0002d11b-\U0002ebd9\U0002f80a-\U0002fa1f\U00030000-\U0003134a"
    "\U00031350-\U00032389]+"
)
"""The characters pypinyin looks up (its `RE_HANS`); anything else in a run stands for itself."""


def toneless(reading: str) -> str:
    """`lǜ` -> `lv`, `ê̄` -> `ê`: pypinyin's NORMAL style."""
    return _DIGITS.sub("", reading.translate(_TONE_MARKS))


def _data_file(name: str) -> Path:
    spec = importlib.util.find_spec("pypinyin")  # finds the package without running its __init__
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("pypinyin is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / name


@lru_cache(maxsize=1)
def _char_table() -> dict[int, str]:
    """Code point -> its tone-marked readings, comma-separated, most common first."""
    raw = json.loads(_data_file("pinyin_dict.json").read_text(encoding="utf-8"))
    return {int(code): readings for code, readings in raw.items()}


@cache
def char_readings(char: str) -> tuple[str, ...]:
    """Distinct toneless readings, most common first; () for a character with none."""
    readings = _char_table().get(ord(char))
    if readings is None:
        return ()
    return tuple(dict.fromkeys(toneless(r) for r in readings.split(",")))


def _primary(char: str) -> str:
    readings = char_readings(char)
    return readings[0] if readings else char


_PHRASE_KEY = re.compile(r'"([^"]+)":\s*\[')
_FIRST_READING = re.compile(r'\[\s*"([^"]*)"')
"""In `{"银行": [["yín"], ["háng", "xíng"]], …}` the phrases, and the first reading of each character."""

PREFIX, PLAIN = 0, 1
"""`phrase_table` values: a proper prefix of some phrase only; a phrase read as its characters' primary
readings. Any other value is the phrase's own syllables, space-joined."""


PhraseTable = dict[str, int | str]
_phrase_table: PhraseTable | None = None


def phrase_table() -> PhraseTable:
    """The phrase table, read on first use (0.3 s), or as handed over by `use_phrase_table`."""
    global _phrase_table
    if _phrase_table is None:
        _phrase_table = _read_phrases()
    return _phrase_table


def use_phrase_table(table: PhraseTable) -> None:
    """Take a table `phrase_table` gave earlier (saved with the search index, whose warm start
    unpickles it in 20 ms instead of reading the JSON again)."""
    global _phrase_table
    _phrase_table = table


def _read_phrases() -> PhraseTable:
    """Every phrase and every prefix of one, in one dict: the segmentation asks "is this a prefix?"
    and "is it a phrase?" of the same strings. Read with two regexes rather than `json.loads`,
    whose 150k little lists cost 100 MiB of peak memory for a table that ends up a tenth of that."""
    text = _data_file("phrases_dict.json").read_text(encoding="utf-8")
    phrases = _PHRASE_KEY.findall(text)
    firsts = _FIRST_READING.findall(text)
    if sum(map(len, phrases)) != len(firsts):  # a layout these regexes misread: take the slow way
        raw = json.loads(text)
        phrases, firsts = list(raw), [readings[0] for items in raw.values() for readings in items]
    del text
    readings = toneless(" ".join(firsts)).split(" ")
    table: PhraseTable = {}
    position = 0
    for phrase in phrases:
        own = readings[position:position + len(phrase)]
        position += len(phrase)
        for end in range(1, len(phrase)):
            table.setdefault(phrase[:end], PREFIX)
        table[phrase] = PLAIN if own == [_primary(c) for c in phrase] else " ".join(own)
    return table


def _cut(text: str, phrases: PhraseTable) -> list[str]:
    """pypinyin's forward maximum matching (`mmseg.Seg.cut`, phrases only), quirks included: when
    the whole rest is a prefix of some phrase but holds none, it is split into single characters."""
    words: list[str] = []
    remain = text
    while remain:
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
        phrases = phrase_table()
        for word in _cut(match.group(0), phrases):
            own = phrases.get(word)
            out.extend(own.split(" ") if isinstance(own, str) else (_primary(c) for c in word))
    out.extend(text[position:])
    return out


def tone_marked_readings() -> set[str]:
    """Every distinct reading of every character, tone marks kept (~1,500)."""
    return {reading for readings in set(_char_table().values()) for reading in readings.split(",")}
