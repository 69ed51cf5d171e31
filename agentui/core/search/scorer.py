"""Scoring one entry against one query: every query unit finds its best field, typos included."""

from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType

from agentui.core.search.document import BODY, TITLE, WEIGHTS, BodyText, FieldText, SearchDoc
from agentui.core.search.query import CJK, DIGITS, Query, Unit
from agentui.core.search.rules import (
    EXACT,
    FINDING,
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

Field = FieldText | BodyText
# The table's values as plain floats: the loops below read them per field and per character.
_EXACT, _PREFIX, _SUFFIX, _INSIDE = EXACT.value, PREFIX.value, SUFFIX.value, INSIDE.value
_PINYIN, _HOMOPHONE, _LONE_CHAR = PINYIN.value, HOMOPHONE.value, LONE_CHAR.value
_TERM_INITIALS, _INITIALS = TERM_INITIALS.value, INITIALS.value
_FUZZY, _FUZZY_FLOOR, _SYNONYM = FUZZY.value, FUZZY.value * FUZZY_CUTOFF, SYNONYM.value


@dataclass(frozen=True, slots=True)
class Scored:
    score: float
    """0-100."""
    all_matched: bool
    """Every required word of the query is found in the entry (see `rules.MatchKind.complete`)."""
    whole: bool = False
    """The whole query is one of the entry's names (its title, an alias, its English title)."""
    title_matched: int = 0
    """The length of the query units found in the title (see `rules.cover`)."""

    def rank_key(self, doc: SearchDoc, pinned: bool = False, uses: int = 0) -> RankKey:
        return (self.all_matched, self.whole, int(tenths(self.score + TYPE_PRIOR.get(doc.type, 0.0))), pinned, uses,
                cover(self.title_matched, doc.title_chars), -len(doc.title))


UnitMatch = tuple[float, bool, bool]
"""One unit's match in an entry: its best value, whether it is found (see
`rules.MatchKind.complete`), and whether the title holds any match of it. Tuples, not objects:
every candidate makes a few per query unit."""
NO_MATCH: UnitMatch = (0.0, False, False)


def _either(known: UnitMatch, other: UnitMatch, factor: float = 1.0) -> UnitMatch:
    return max(known[0], factor * other[0]), known[1] or other[1], known[2] or other[2]


def score_doc(doc: SearchDoc, query: Query) -> Scored | None:
    matches = unit_matches(doc, query)
    score, all_found = combine([m[0] for m in matches], [m[1] for m in matches], query)
    if score <= 0:
        return None
    matched = 0
    for unit, match in zip(query.units, matches, strict=True):
        if match[2]:
            matched += len(unit.text)
    return Scored(score, all_found, query.whole in doc.names, matched)


def unit_matches(doc: SearchDoc, query: Query) -> list[UnitMatch]:
    """Each unit's match in the entry: its own, a pinyin phrase spanning it, all digit groups
    joined, a thesaurus variant (worth a little less), whichever is best."""
    said = _said_together(doc, query) if query.phrases or query.joined_digits else None
    matches = []
    for i, unit in enumerate(query.units):
        known = said[i] if said is not None else None
        if known is not None and known[0] >= 1.0:
            matches.append(known)
            continue
        found = _match_unit(doc, unit)
        for variant in unit.variants:
            if found[0] >= _SYNONYM:
                break
            if not any(variant.swapped in f.text for f in doc.fields):
                continue  # the variant only differs by a word this entry never uses
            found = _either(found, _match_unit(doc, variant), _SYNONYM)
        matches.append(found if known is None else _either(known, found))
    return matches


def _said_together(doc: SearchDoc, query: Query) -> list[UnitMatch | None]:
    """What pinyin phrases (`bu ka`) and all digit groups joined give each unit they span."""
    said: list[UnitMatch | None] = [None] * len(query.units)
    for phrase in query.phrases:
        if all(m is not None and m[0] >= _PINYIN for m in said[phrase.first:phrase.last + 1]):
            continue
        found = _best_pinyin(doc.fields, phrase.joined)
        for i in range(phrase.first, phrase.last + 1):
            known = said[i]
            said[i] = found if known is None else _either(known, found)
    if query.joined_digits:
        found = _digits_match(doc, query.joined_digits)
        for i, unit in enumerate(query.units):
            if unit.text.isdigit():
                known = said[i]
                said[i] = found if known is None else _either(known, found)
    return said


def _match_unit(doc: SearchDoc, unit: Unit) -> UnitMatch:
    if unit.kind == CJK:
        return _match_cjk(doc.fields, unit)
    found = _match_word(doc.fields, unit.text, unit.pinyin_like, typo=not unit.known)
    if unit.kind == DIGITS:
        found = _either(found, _digits_match(doc, unit.text))
    return found


def _digits_match(doc: SearchDoc, digits: str) -> UnitMatch:
    if digits in doc.phone_digits:
        value = PHONE.value
    elif digits in doc.body_digits:
        value = WEIGHTS[BODY]
    else:
        return NO_MATCH
    return value, value >= MATCHED, False


def fuzzy() -> tuple[ModuleType, ModuleType]:
    """rapidfuzz, imported for the first word long enough for a typo (TYPO_FROM): not on the KB
    worker before the first query is answered (10 ms of imports)."""
    from rapidfuzz import process
    from rapidfuzz.distance import OSA

    return process, OSA


def _match_word(fields: tuple[Field, ...], word: str, pinyin_like: bool, typo: bool = True) -> UnitMatch:
    """Best field weight x match kind. Two passes, same result as one: substring and pinyin tests
    first (cheap), then typo matching only in fields where it could still beat that best; a word
    found in the title never pays for fuzzy matching against the body."""
    exact, prefix, suffix = f" {word} ", f" {word}", f"{word} "
    length = len(word)
    try_initials = length >= 2 and word.isascii() and word.isalpha()
    title = fields[0] if fields and fields[0].name == TITLE else None
    best = found = 0.0  # best weighted value; the same in fields that find (see `rules.FieldRule.finds`)
    in_title = False
    fuzzy_fields: list[Field] = []
    for field in fields:
        if field.weight <= best:
            break
        words = field.words
        if exact in words:
            value = _EXACT
        else:
            value = 0.0
            if length >= 2 and prefix in words:
                value = _PREFIX
            elif length >= 3 and suffix in words:
                value = _SUFFIX  # the head of a compound: sim in esim
            elif length >= 3 and word in field.text:
                value = _INSIDE
            if value < _PINYIN and field.runs and (pinyin_like or try_initials):
                value = max(value, _pinyin_in_field(field, word, full=pinyin_like))
            if typo and value < _FUZZY_FLOOR and length >= TYPO_FROM and len(words) > 2:
                fuzzy_fields.append(field)
        if field is title and value:
            in_title = True
        if field.weight * value > best:
            best = field.weight * value
            if field.finds:
                found = best
    for field in fuzzy_fields:
        if field.weight * _FUZZY <= best:
            continue
        process, OSA = fuzzy()
        match = process.extractOne(
            word, field.words.split(), scorer=OSA.normalized_similarity, score_cutoff=FUZZY_CUTOFF
        )
        if match is not None and field.weight * _FUZZY * match[1] > best:
            best = field.weight * _FUZZY * match[1]
            if field.finds:
                found = best
            in_title = in_title or field is title
    return best, found >= MATCHED, in_title


def _pinyin_in_field(field: Field, text: str, full: bool = True) -> float:
    """Full pinyin from a syllable start (a trailing partial syllable is fine), else the initials
    of a whole run (a term), else initials inside a run."""
    best = 0.0
    for run in field.runs:
        pinyin = run.pinyin
        position = pinyin.joined.find(text) if full else -1
        while position != -1:
            if position in pinyin.starts:
                return _PINYIN
            position = pinyin.joined.find(text, position + 1)
        if best < _TERM_INITIALS and len(text) >= 2 and text in pinyin.initials:
            best = _TERM_INITIALS if text == pinyin.initials else _INITIALS
    return best


def _best_pinyin(fields: tuple[Field, ...], text: str) -> UnitMatch:
    best = 0.0  # the fields with runs all find
    in_title = False
    for field in fields:
        if field.runs and field.weight > best:
            value = _pinyin_in_field(field, text)
            in_title = in_title or bool(value) and field.name == TITLE
            best = max(best, field.weight * value)
    return best, best >= MATCHED, in_title


def cjk_pairs(run: str, text: str) -> list[int]:
    """Where the run's character pairs found in `text` start. A character is found when a pair
    holding it is: every piece of two or more characters holding it holds such a pair."""
    return [i for i in range(len(run) - 1) if run[i:i + 2] in text]


def query_words(doc: SearchDoc | None, query: Query) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(the query's words, those `doc` lacks). A Chinese run is one word where the entry holds all
    of it, and is cut where the entry's holding changes (`注销流量卡` -> `注销`, `流量卡` for an
    entry holding 流量卡 only); question fillers are no words. Without an entry every word is
    lacking."""
    words: list[str] = []
    lacking: list[str] = []
    matches = unit_matches(doc, query) if doc is not None else [NO_MATCH for _ in query.units]
    for unit, match in zip(query.units, matches, strict=True):
        if not unit.required:
            continue
        if unit.kind != CJK or match[1] or doc is None:
            pieces = [(piece, match[1]) for piece in _unfilled(unit)]
        else:
            pieces = _held_pieces(unit, _cjk_found(doc.fields, unit))
        for piece, held in pieces:
            words.append(piece)
            if not held:
                lacking.append(piece)
    return tuple(dict.fromkeys(words)), tuple(dict.fromkeys(lacking))


def _unfilled(unit: Unit) -> list[str]:
    """The run's pieces between question fillers (a word's text as it is)."""
    weights = unit.char_weights or (1.0,) * len(unit.text)
    pieces: list[str] = []
    piece = ""
    for char, weight in zip(unit.text, weights, strict=True):
        if weight:
            piece += char
        elif piece:
            pieces, piece = [*pieces, piece], ""
    return [*pieces, piece] if piece else pieces


def _held_pieces(unit: Unit, found: list[bool]) -> list[tuple[str, bool]]:
    """The run cut where `found` changes (fillers cut it too); a lone character goes with the
    piece before it (or after, at the start), as it is no word of its own."""
    weights = unit.char_weights or (1.0,) * len(unit.text)
    pieces: list[tuple[str, bool]] = []
    cut = True
    for char, weight, held in zip(unit.text, weights, found, strict=True):
        if not weight:
            cut = True
        elif not cut and pieces[-1][1] == held:
            pieces[-1] = (pieces[-1][0] + char, held)
        else:
            pieces.append((char, held))
            cut = False
    merged: list[tuple[str, bool]] = []
    for text, held in pieces:
        if len(text) == 1 and merged:
            merged[-1] = (merged[-1][0] + text, merged[-1][1])
        elif merged and len(merged[-1][0]) == 1:
            merged[-1] = (merged[-1][0] + text, held)
        else:
            merged.append((text, held))
    return merged


def _cjk_found(fields: tuple[Field, ...], unit: Unit) -> list[bool]:
    """Which of the run's characters the entry holds in a pair (or the whole run, or its sound)."""
    run = unit.text
    found = [False] * len(run)
    for field in fields:
        if field.name not in FINDING:
            continue
        if run in field.text:
            return [True] * len(run)
        for i in cjk_pairs(run, field.text):
            found[i] = found[i + 1] = True
        if field.runs and unit.pinyin is not None and _pinyin_in_field(field, unit.pinyin.joined) == PINYIN.value:
            return [True] * len(run)
    return found


def _match_cjk(fields: tuple[Field, ...], unit: Unit) -> UnitMatch:
    """Share of the run's characters found in substrings of ≥ 2 characters, at the best field weight.
    The run is found when no two of its characters in a row are missing (a lone character, the
    `的` of 忘了原来的号码, is no word of its own)."""
    run = unit.text
    length = len(run)
    best = [0.0] * length
    found = [False] * length  # in a pair (or the whole run, or its sound) in a field that finds
    in_title = False
    for field in fields:
        weight = field.weight
        finds = field.finds
        if min(best) >= weight:  # no value can rise any more; only whether characters are found
            if not finds or all(found):
                break  # (the fields after one that does not find do not either)
            found = _found_in(field, unit, found)
            continue
        if length == 1 and field.name == BODY:
            break
        text = field.text
        title = field.name == TITLE
        if run in text:
            best = [max(b, weight) for b in best]
            found = [True] * length if finds else found
            in_title = in_title or title
            continue
        if length == 1:
            continue  # a lone character in a long text says nothing (and the body has no such key)
        pairs = cjk_pairs(run, text)
        for i in pairs:
            if best[i] < weight:
                best[i] = weight
            if best[i + 1] < weight:
                best[i + 1] = weight
            if finds:
                found[i] = found[i + 1] = True
        if pairs and title:
            in_title = True
        if field.name != BODY:
            # A leftover single character (选 in 选哪个运营商) still counts a little in a short field.
            alone = weight * _LONE_CHAR
            for i, char in enumerate(run):
                if best[i] < alone and char in text:
                    best[i] = alone
        if field.runs and unit.pinyin is not None and min(best) < weight * _HOMOPHONE:
            # A wrong character of the same sound (补咔 for 补卡, 注消 for 注销): match by pinyin.
            if _pinyin_in_field(field, unit.pinyin.joined) == _PINYIN:
                heard = weight * _HOMOPHONE
                best = [max(b, heard) for b in best]
                found = [True] * length
                in_title = in_title or title
    weights = unit.char_weights or (1.0,) * length
    value = sum(b * w for b, w in zip(best, weights, strict=True)) / sum(weights)
    complete = value >= MATCHED and (found[0] if length == 1 else _no_two_missing(found, weights))
    return value, complete, in_title


def _found_in(field: Field, unit: Unit, found: list[bool]) -> list[bool]:
    """`found` with the run's characters this field holds in a pair (or all, for the whole run or
    its sound)."""
    run = unit.text
    if run in field.text or (field.runs and unit.pinyin is not None
                             and _pinyin_in_field(field, unit.pinyin.joined) == _PINYIN):
        return [True] * len(run)
    for i in cjk_pairs(run, field.text):
        found[i] = found[i + 1] = True
    return found


def _no_two_missing(found: list[bool], weights: tuple[float, ...]) -> bool:
    """At least one character found, and no two in a row missing (fillers count as found)."""
    missing = 0
    for here, weight in zip(found, weights, strict=True):
        missing = 0 if here or not weight else missing + 1
        if missing == 2:
            return False
    return any(found)
