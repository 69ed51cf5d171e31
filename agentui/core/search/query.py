"""A query taken apart once: Chinese runs, words, digit groups, and word sequences to try as pinyin."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from agentui.core.search.normalize import MAX_QUERY_CHARS, fold, is_cjk, split_units, units_text
from agentui.core.search.pinyin import RunPinyin, is_pinyin_like, run_pinyin
from agentui.core.search.rules import TYPO_FROM
from agentui.core.search.synonyms import run_variants, word_alternatives

CJK, WORD, DIGITS = "cjk", "word", "digits"
MAX_UNITS = 8
MAX_RUN = 12
"""Chinese runs are scored in O(len²); longer runs (pasted text) are cut into pieces of this size."""
FILLERS = (
    "怎么办", "怎么", "怎样", "如何", "什么", "哪些", "哪个", "请问", "一下",
    "我想", "我要", "帮我", "可以", "能不能", "吗", "呢", "吧", "啊",
)
"""Words of how a question is asked, not what it is about: they do not count when matching."""


@dataclass(frozen=True, slots=True)
class Unit:
    text: str
    kind: str
    weight: float
    pinyin: RunPinyin | None = None
    char_weights: tuple[float, ...] = ()
    """Chinese runs: each character's share of the unit (0 for fillers)."""
    required: bool = True
    """Counts for the all-words-matched rule (a lone Chinese character, e.g. 卡 in eSIM卡, does not)."""
    pinyin_like: bool = False
    """A Latin word that reads as pinyin (`buka`, `zhuxiao`): worth testing against pinyin keys."""
    variants: tuple[Unit, ...] = ()
    """The same unit said with thesaurus alternatives (原因 -> 理由); they match slightly lower."""
    swapped: str = ""
    """In a variant, the thesaurus word it put in: entries without that word skip the variant."""
    known: bool = False
    """A word the KB has as a whole word (set by the index, see `SearchIndex.parse`): it is what
    the agent meant, so it is never matched as a typo of another word (`esim` is not `sim`)."""


@dataclass(frozen=True, slots=True)
class Phrase:
    """Consecutive Latin words joined (`bu ka` -> `buka`) to try against pinyin."""

    first: int
    last: int
    joined: str


@dataclass(frozen=True, slots=True)
class Query:
    raw: str
    units: tuple[Unit, ...]
    phrases: tuple[Phrase, ...]
    joined_digits: str
    """All digit groups joined (`797-79-79` -> `7977979`) when there are several."""
    total_weight: float = 1.0
    required_weight: float = 1.0
    """Sums the scorer needs for every candidate, taken once per query."""
    whole: str = ""
    """The whole query's units, one space apart (`normalize.units_text`): equal to one of an
    entry's names, it is a whole-field match."""

    @property
    def is_empty(self) -> bool:
        return not self.units


def parse_query(raw: str, known: Callable[[set[str]], set[str]] | None = None) -> Query:
    """`known` tells which of the query's words the KB has whole (see `Unit.known`)."""
    folded = fold(raw[:MAX_QUERY_CHARS])
    units: list[Unit] = []
    pieces: list[str] = []
    for piece in split_units(folded):
        if is_cjk(piece[0]) and len(piece) > MAX_RUN:
            pieces.extend(piece[i:i + MAX_RUN] for i in range(0, len(piece), MAX_RUN))
        else:
            pieces.append(piece)
    pieces = pieces[:MAX_UNITS]
    words = {word for piece in pieces if not is_cjk(piece[0]) for word in (piece, *word_alternatives(piece))
             if len(word) >= TYPO_FROM}
    kb_has = known(words) if known is not None and words else set()
    for piece in pieces:
        if is_cjk(piece[0]):
            weights = _char_weights(piece)
            weight = 0.2 if len(piece) == 1 else sum(weights) / 2
            variants = tuple(
                Unit(v, CJK, weight, None, _char_weights(v), required=len(piece) > 1, swapped=word)
                for v, word in run_variants(piece)
            )
            units.append(
                Unit(piece, CJK, weight, run_pinyin(piece), weights, required=len(piece) > 1, variants=variants)
            )
        elif piece.isdigit() and len(piece) >= 3:
            units.append(Unit(piece, DIGITS, 1.0, known=piece in kb_has))
        else:
            variants = tuple(
                Unit(a, WORD, 1.0, pinyin_like=is_pinyin_like(a), swapped=a, known=a in kb_has)
                for a in word_alternatives(piece)
            )
            units.append(Unit(piece, WORD, 1.0, pinyin_like=is_pinyin_like(piece), variants=variants,
                              known=piece in kb_has))
    phrases: list[Phrase] = []
    for first in range(len(units)):
        for last in range(min(len(units), first + 4) - 1, first, -1):
            group = units[first:last + 1]
            joined = "".join(u.text for u in group)
            if all(u.kind == WORD for u in group) and is_pinyin_like(joined):
                phrases.append(Phrase(first, last, joined))
    digit_groups = [u for u in split_units(folded) if u.isdigit()]
    joined_digits = "".join(digit_groups) if len(digit_groups) > 1 else ""
    total = sum(u.weight for u in units) or 1.0
    required = sum(u.weight for u in units if u.required) or total
    return Query(raw, tuple(units), tuple(phrases), joined_digits, total, required, units_text(folded))


def _char_weights(run: str) -> tuple[float, ...]:
    weights = [1.0] * len(run)
    if len(run) > 1:
        for filler in FILLERS:
            position = run.find(filler)
            while position != -1:
                for i in range(position, position + len(filler)):
                    weights[i] = 0.0
                position = run.find(filler, position + len(filler))
    if not any(weights):  # the whole run is a filler ("怎么办"): then it is the topic
        return (1.0,) * len(run)
    return tuple(weights)
