"""What a query asks the candidate index: per query unit, the key sets that can match it."""

from __future__ import annotations

from collections.abc import Callable

from agentui.core.search.keys import (
    PREFIXES,
    digit_keys,
    han_keys,
    initials_keys,
    latin_keys,
    prefix_key,
    typo_words,
    word_key,
)
from agentui.core.search.query import CJK, WORD, Query, Unit
from agentui.core.search.rules import FUZZY, INITIALS, PREFIX, SYNONYM, TYPO_FROM

PINYIN_KEYS_UP_TO = 3
"""Chinese runs up to this long also look for their pinyin (a homophone typo, 补咔, breaks every
bigram of a short run); a longer run keeps correct bigrams, and its long pinyin only adds noise."""


def unit_keys(unit: Unit) -> set[int]:
    if unit.kind == CJK:
        keys: set[int] = set()
        weights = unit.char_weights or (1.0,) * len(unit.text)
        piece = ""
        for char, weight in zip(unit.text + " ", (*weights, 0.0), strict=False):
            if weight > 0:
                piece += char
            elif piece:
                keys |= han_keys(piece)  # question words (怎么, 如何) are not what the agent looks for
                piece = ""
        if unit.pinyin is not None and len(unit.text) <= PINYIN_KEYS_UP_TO:
            keys |= latin_keys(unit.pinyin.joined)
        return keys
    keys = latin_keys(unit.text)
    if unit.text.isdigit():
        keys |= digit_keys(unit.text)
    return keys


WORD_ENOUGH = 60
"""A query word that at least this many entries hold as a whole word of a title (or aliases, or
English title) is looked up by that key alone. Those entries get at least 0.9 of the word's
worth; an entry without it can at best tie them (a title word it begins, its pinyin), so its
bigrams would only add the postings of every entry sharing two letters with it (465k for
`forwarding` at 100k) to find entries ranked below. At least CANDIDATES of them fill the slots."""


def key_groups(
    query: Query, held: Callable[[set[int]], set[int]] | None = None, holders: Callable[[int], int] | None = None,
) -> list[tuple[float, list[tuple[float, set[int]]]]]:
    """Per query unit, its weight and the key sets that can match it, each with what a match is
    worth: the unit itself, its thesaurus variants (a little less), a pinyin phrase spanning it
    (`bu ka`), all digit groups joined (`797-79-79`), a word read as pinyin initials (`gx`), the
    head words it begins (`rene` of renewal), and the whole words one swap or one dropped letter
    away (`азмена` -> `замена`) that `held` says the KB has (asked in one lookup: a long word has
    twenty such neighbours)."""
    def common_word(text: str) -> int | None:
        """The whole-word key of a word (or a pinyin phrase), if WORD_ENOUGH entries' titles hold it."""
        if holders is None or text.isdigit():
            return None
        whole = word_key(text)
        return whole if holders(whole) >= WORD_ENOUGH else None

    def keys_of(unit: Unit) -> set[int]:
        whole = common_word(unit.text) if unit.kind == WORD else None
        return unit_keys(unit) if whole is None else {whole}

    def phrase_keys(joined: str) -> set[int]:
        whole = common_word(joined)
        return latin_keys(joined) if whole is None else {whole}

    groups = []
    for position, unit in enumerate(query.units):
        options = [(1.0, unit_keys(unit))]
        options += [(SYNONYM.value, keys_of(variant)) for variant in unit.variants]
        options += [(1.0, phrase_keys(p.joined)) for p in query.phrases if p.first <= position <= p.last]
        if query.joined_digits and unit.text.isdigit():
            options.append((1.0, digit_keys(query.joined_digits)))
        if unit.kind == WORD and not unit.text.isdigit():
            if len(unit.text) >= 2 and unit.text.isascii() and unit.text.isalpha():
                # (Among these keys is the whole initials of a run: a term's entries hold every
                # one, so they lead; the scorer tells a term from initials inside a run.)
                options.append((INITIALS.value, initials_keys(unit.text)))
            if len(unit.text) >= TYPO_FROM and held is not None:
                whole, direct = word_key(unit.text), options[0][1]
                # A word the KB has is what the agent meant: its neighbours are other words.
                neighbours = set() if unit.known else {word_key(w) for w in typo_words(unit.text)}
                begun = {prefix_key(unit.text)} if len(unit.text) in PREFIXES else set()
                found = held(neighbours | direct | begun)
                if found & begun:
                    # Head words begin so (`rene` of renewal, `beel` of Beeline): worth what the
                    # scorer gives a prefix, more than a KB word one typo away (`bel`).
                    options.append((PREFIX.value, begun))
                elif found & direct == direct - {whole}:
                    # Every bigram and the start are in the KB, the word is not: most likely pinyin
                    # being typed (`xufe` of xufei), not a typo. Charged as missing, the whole word
                    # would let a neighbour (`xue`) outrank every completion. (Beginning keys for
                    # pinyin too would cover this, but cost 16% more postings: over the RSS budget.)
                    options[0] = (1.0, direct - {whole})
                options += [(FUZZY.value, {key}) for key in sorted(found & neighbours)]
        common = common_word(unit.text) if unit.kind == WORD else None
        if common is not None:  # after the typo tests, which read all the unit's keys
            options[0] = (1.0, {common})
        groups.append((unit.weight, options))
    return groups
