"""The ranking rule in one place: the fields and match kinds with their worth, and how a query's unit
values make an entry's score and rank key. The scorer (one entry), the bounds (every entry at once)
and the candidate keys all read this table; the arithmetic runs on floats and numpy arrays alike."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# ---------------------------------------------------------------- fields


@dataclass(frozen=True, slots=True)
class FieldRule:
    name: str
    weight: float
    """How much a match in this field says the entry is the one wanted."""
    pinyin: bool
    """Its Chinese runs are matched (and keyed) by their pinyin and initials too."""
    names_entry: bool
    """A whole item of it (the title, one alias) is a name of the entry: a query equal to it is a
    whole-field match, which ranks above every match that merely contains the query."""
    highlighted: bool
    """Results carry the matched spans of this field."""
    finds: bool
    """A query word matched here is found in the entry (the all-words rule, the words no entry
    has). The body only mentions things: a greeting script listing every service holds 注销 and
    流量卡, and is no data-card cancellation."""


TITLE, ALIASES, TITLE_EN, TAGS, BODY = "title", "aliases", "title_en", "tags", "body"
FIELDS = (
    FieldRule(TITLE, 1.0, pinyin=True, names_entry=True, highlighted=True, finds=True),
    FieldRule(ALIASES, 0.95, pinyin=True, names_entry=True, highlighted=False, finds=True),
    FieldRule(TITLE_EN, 0.9, pinyin=False, names_entry=True, highlighted=True, finds=True),
    FieldRule(TAGS, 0.7, pinyin=True, names_entry=False, highlighted=False, finds=True),
    FieldRule(BODY, 0.45, pinyin=False, names_entry=False, highlighted=False, finds=False),
)
"""Heaviest first; the body last. The short fields before it are the "head" (keyed with single
characters and every bigram); the body gets words and Chinese bigrams only."""
WEIGHTS = {rule.name: rule.weight for rule in FIELDS}
FINDING = frozenset(rule.name for rule in FIELDS if rule.finds)
FOUND_ABOVE = max(rule.weight for rule in FIELDS if not rule.finds)
"""Every field weighing more than this finds (see `FieldRule.finds`): the bounds' test."""

# ---------------------------------------------------------------- match kinds


@dataclass(frozen=True, slots=True)
class MatchKind:
    name: str
    value: float
    """Worth before the field weight (for `fuzzy`, before the similarity too)."""
    complete: bool
    """The query word counts as found in the entry (the all-words rule, the words no entry has)."""


EXACT = MatchKind("exact", 1.0, True)
"""A field word is the query word (Latin, Cyrillic, digits); a Chinese run is in the field."""
PREFIX = MatchKind("prefix", 0.9, True)
"""A field word begins with it (2+ letters): typing."""
SUFFIX = MatchKind("suffix", 0.85, True)
"""A field word ends with it (3+ letters): the head of a compound, `sim` in `esim`."""
INSIDE = MatchKind("inside", 0.7, True)
"""It is inside a field word (3+ letters)."""
PINYIN = MatchKind("pinyin", 0.9, True)
"""Full pinyin of a Chinese run from a syllable start (a half-typed last syllable is fine)."""
TERM_INITIALS = MatchKind("term_initials", 0.76, True)
"""The initials of a whole Chinese run: a title word, an alias, a tag (`zx` of 注销). Just above
INITIALS: on otherwise equal matches a term the KB uses beats an incidental pair of characters
(`zx` inside 服务中心, fwzx)."""
INITIALS = MatchKind("initials", 0.75, True)
"""Pinyin initials inside a run's initials, any length."""
HOMOPHONE = MatchKind("homophone", 0.85, True)
"""A Chinese run typed with a wrong character of the same sound (补咔, 注消)."""
FUZZY = MatchKind("fuzzy", 0.85, True)
"""A field word one typo away (TYPO_FROM+ letters, OSA similarity ≥ FUZZY_CUTOFF), times the
similarity. Never tried for a word the KB itself has (`Unit.known`): `esim` is no typo of `sim`."""
LONE_CHAR = MatchKind("lone_char", 0.5, False)
"""A character of a Chinese run found alone in a short field (选 of 选哪个运营商)."""
SYNONYM = MatchKind("synonym", 0.9, True)
"""A thesaurus variant of the unit (原因 for 为什么): the variant's value times this."""
PHONE = MatchKind("phone", 1.0, True)
"""Digit groups found in the entry's phone numbers (a body mention is worth the body weight)."""
MATCH_KINDS = (EXACT, PREFIX, SUFFIX, INSIDE, PINYIN, TERM_INITIALS, INITIALS, HOMOPHONE, FUZZY, LONE_CHAR,
               SYNONYM, PHONE)

FUZZY_CUTOFF = 0.7
TYPO_FROM = 4
"""Words this long are matched with a typo (shorter ones have too many neighbours)."""
MATCHED = 0.3
"""A unit's weighted value from a complete kind, in a field that finds, must reach this to count
as found."""

# ---------------------------------------------------------------- entry types

TYPE_PRIOR = {"procedure": 3.0, "faq": 2.0, "contact": 2.0, "script": -3.0}
"""Points added to the score when ranking: on an equal match the procedure is what an agent on a
call wants; scripts have their own pane (F5), so in search they yield to knowledge entries."""

# ---------------------------------------------------------------- score and rank key

COVER_STEPS = 100
"""Title coverage is ranked in whole percent."""


def combine(values: list[Any], completes: list[Any], query: Any) -> tuple[Any, Any]:
    """(score 0-100, every required unit found) from each unit's value and found flag. The same
    operations in the same order for floats (the scorer) and arrays (the bounds): float arithmetic
    is monotonic, so an array of upper bounds gives upper bounds, to the bit."""
    units = query.units
    base: Any = 0.0
    for value, unit in zip(values, units, strict=True):
        base = base + value * unit.weight
    base = base / query.total_weight
    matched: Any = 0.0
    all_found: Any = True
    for complete, unit in zip(completes, units, strict=True):
        if unit.required:
            matched = matched + unit.weight * complete
            all_found = all_found & complete
    return 100 * base * (0.6 + 0.4 * (matched / query.required_weight)), all_found


def tenths(value: Any) -> Any:
    """A ranking score in whole tenths (floor of value * 10 + 0.5, for floats and arrays alike):
    scores that differ by less tie, and the tie-breaks decide."""
    return (value * 10 + 0.5) // 1


def cover(matched: Any, title_chars: Any) -> Any:
    """How much of the title the match covers, in COVER_STEPS: `matched` is the length of the
    query units found in the title, out of its `title_chars` (capped at all of it). Integers or
    integer arrays."""
    capped = matched - (matched - title_chars) * (matched > title_chars)  # min(), for ints and arrays alike
    return COVER_STEPS * capped // (title_chars + (title_chars < 1))


RankKey = tuple[bool, bool, int, bool, int, int, int]
"""(every word found, whole-field match, tenths of score + type prior, pinned, uses, title
coverage, -title length), then -entry index: compared as a tuple, higher is better. Usage only
breaks ties of the text match's score, never overrides it; title coverage settles what usage
leaves (a title the match covers more of is more about it), then the shorter title."""
