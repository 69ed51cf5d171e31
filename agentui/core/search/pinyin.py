"""Pinyin keys for Chinese runs: per-character readings, phrase readings only where a character has several."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, lru_cache

from agentui.core.search import hanzi, pinyin_tables


@dataclass(frozen=True, slots=True)
class RunPinyin:
    """One syllable per character; `starts[i]` is where character i's syllable begins in `joined`."""

    syllables: tuple[str, ...]
    joined: str
    initials: str
    starts: tuple[int, ...]

    def char_span(self, start: int, end: int) -> tuple[int, int]:
        """Characters covered by `joined[start:end]` (end may fall inside a syllable)."""
        first = self.starts.index(start)
        last = first
        while last + 1 < len(self.starts) and self.starts[last + 1] < end:
            last += 1
        return first, last + 1


@cache
def _char_reading(char: str) -> tuple[str, bool]:
    """Primary toneless reading and whether the character has several."""
    distinct = [r for r in hanzi.char_readings(char) if r.isascii()]
    if not distinct:
        return char, False
    return distinct[0], len(distinct) > 1


_RUNS: dict[str, RunPinyin] = {}
"""Pinyin of every run seen; saved with the index so a warm start never computes the KB's pinyin again."""
MAX_RUNS = 400_000


def run_pinyin(run: str) -> RunPinyin:
    found = _RUNS.get(run)
    if found is None:
        if len(_RUNS) >= MAX_RUNS:
            _RUNS.clear()
        found = _RUNS[run] = _compute_run_pinyin(run)
    return found


def known_runs() -> dict[str, RunPinyin]:
    return dict(_RUNS)


def remember_runs(runs: dict[str, RunPinyin]) -> None:
    if len(_RUNS) + len(runs) < MAX_RUNS:
        _RUNS.update(runs)


def _compute_run_pinyin(run: str) -> RunPinyin:
    """Pinyin of a run of Chinese characters; phrase-aware when a character has several readings."""
    readings = [_char_reading(c) for c in run]
    if any(ambiguous for _, ambiguous in readings):
        spoken = tuple(hanzi.syllables(run))
        if len(spoken) != len(run):  # never expected, but keep one syllable per character
            spoken = tuple(r for r, _ in readings)
    else:
        spoken = tuple(r for r, _ in readings)
    starts = []
    position = 0
    for syllable in spoken:
        starts.append(position)
        position += len(syllable)
    initials = "".join(_initial(s) for s in spoken)
    return RunPinyin(spoken, "".join(spoken), initials, tuple(starts))


def _initial(syllable: str) -> str:
    return syllable[:1]


@lru_cache(maxsize=1)
def _syllables() -> tuple[frozenset[str], frozenset[str]]:
    """Every toneless syllable pypinyin knows, and every prefix of one (for half-typed input)."""
    syllables = frozenset(pinyin_tables.tables().syllables)
    prefixes = {s[:i] for s in syllables for i in range(1, len(s) + 1)}
    return syllables, frozenset(prefixes)


@lru_cache(maxsize=4096)
def is_pinyin_like(text: str) -> bool:
    """Can `text` be read as pinyin syllables (the last one possibly half-typed)? English words
    mostly cannot, which spares every candidate a pinyin scan for `the` or `forwarding`."""
    if not text.isascii() or not text.isalpha() or len(text) > 40:
        return False
    syllables, prefixes = _syllables()
    reachable = [False] * (len(text) + 1)
    reachable[0] = True
    for start in range(len(text)):
        if not reachable[start]:
            continue
        for end in range(start + 1, min(len(text), start + 6) + 1):
            piece = text[start:end]
            if piece in syllables:
                reachable[end] = True
            elif end == len(text) and piece in prefixes:
                return True
    return reachable[-1]


def prepare() -> None:
    """Read the tables now (in the loading worker), not on the agent's first keystroke: every
    query asks whether it reads as pinyin, and a Chinese one needs readings and phrases. From the
    search cache dir this takes a few milliseconds; built from pypinyin's data files, 0.35 s."""
    pinyin_tables.tables()
    _syllables()
