"""Scoring one entry against one query: every query unit finds its best field, typos included."""

from __future__ import annotations

import math
from dataclasses import dataclass

from rapidfuzz import process
from rapidfuzz.distance import OSA

from agentui.core.search.document import BODY, WEIGHTS, BodyText, FieldText, SearchDoc
from agentui.core.search.query import CJK, DIGITS, Query, Unit
from agentui.core.search.synonyms import SYNONYM_FACTOR

Field = FieldText | BodyText

# How much each kind of match is worth before the field weight.
EXACT, PREFIX, SUFFIX, PINYIN, INSIDE, INITIALS, HOMOPHONE, FUZZY = 1.0, 0.9, 0.85, 0.9, 0.7, 0.75, 0.85, 0.85
LONE_CHAR = 0.5
MAX_INITIALS = 6
"""Initials queries (`bk`, `llk bk`) are short; a longer word is never read as initials."""
MATCHED = 0.3
"""A unit scoring at least this counts as matched, for the all-words-first rule."""
FUZZY_CUTOFF = 0.7
TYPE_PRIOR = {"procedure": 3.0, "faq": 2.0, "contact": 2.0, "script": -3.0}
"""Points added when ranking: on an equal match the procedure is what an agent on a call wants;
scripts have their own pane (F5), so in search they yield to knowledge entries."""


@dataclass(frozen=True, slots=True)
class Scored:
    score: float
    """0-100."""
    all_matched: bool

    def rank_key(self, doc: SearchDoc) -> tuple[bool, int, int]:
        return (self.all_matched, tenths(self.score + TYPE_PRIOR.get(doc.type, 0.0)), -len(doc.title))


def tenths(value: float) -> int:
    """A ranking score in whole tenths: scores that differ by less tie, and the type prior and title
    length decide. Not `round`: this is the same float operations in numpy (see `bounds`)."""
    return math.floor(value * 10 + 0.5)


def score_doc(doc: SearchDoc, query: Query) -> Scored | None:
    units = query.units
    scores = [0.0] * len(units)
    for phrase in query.phrases:
        if all(scores[i] >= PINYIN for i in range(phrase.first, phrase.last + 1)):
            continue
        value = _best_pinyin(doc.fields, phrase.joined)
        for i in range(phrase.first, phrase.last + 1):
            scores[i] = max(scores[i], value)
    if query.joined_digits:
        value = _digits_score(doc, query.joined_digits)
        for i, unit in enumerate(units):
            if unit.text.isdigit():
                scores[i] = value
    for i, unit in enumerate(units):
        if scores[i] >= 1.0:
            continue
        value = _score_unit(doc, unit)
        for variant in unit.variants:
            if value >= SYNONYM_FACTOR:
                break
            if not any(variant.swapped in f.text for f in doc.fields):
                continue  # the variant only differs by a word this entry never uses
            value = max(value, SYNONYM_FACTOR * _score_unit(doc, variant))
        scores[i] = max(scores[i], value)
    base = sum([s * u.weight for s, u in zip(scores, units, strict=False)]) / query.total_weight
    if base <= 0:
        return None
    matched_weight = 0.0
    all_matched = True
    for value, unit in zip(scores, units, strict=False):
        if unit.required:
            if value >= MATCHED:
                matched_weight += unit.weight
            else:
                all_matched = False
    matched = matched_weight / query.required_weight
    return Scored(score=100 * base * (0.6 + 0.4 * matched), all_matched=all_matched)


def _score_unit(doc: SearchDoc, unit: Unit) -> float:
    if unit.kind == CJK:
        return _score_cjk(doc.fields, unit)
    if unit.kind == DIGITS:
        return max(_digits_score(doc, unit.text), _score_word(doc.fields, unit.text, False))
    return _score_word(doc.fields, unit.text, unit.pinyin_like)


def _digits_score(doc: SearchDoc, digits: str) -> float:
    if digits in doc.phone_digits:
        return EXACT
    if digits in doc.body_digits:
        return WEIGHTS[BODY]
    return 0.0


def _score_word(fields: tuple[Field, ...], word: str, pinyin_like: bool) -> float:
    """Best field weight x match kind. Two passes, same result as one: substring and pinyin tests
    first (cheap), then typo matching only in fields where it could still beat that best; a word
    found in the title never pays for fuzzy matching against the body."""
    exact, prefix, suffix = f" {word} ", f" {word}", f"{word} "
    length = len(word)
    try_initials = 2 <= length <= MAX_INITIALS and word.isascii()
    best = 0.0
    fuzzy_fields: list[Field] = []
    for field in fields:
        if field.weight <= best:
            break
        words = field.words
        if exact in words:
            value = EXACT
        else:
            value = 0.0
            if length >= 2 and prefix in words:
                value = PREFIX
            elif length >= 3 and suffix in words:
                value = SUFFIX  # the head of a compound: sim in esim
            elif length >= 3 and word in field.text:
                value = INSIDE
            if value < PINYIN and field.runs and (pinyin_like or try_initials):
                value = max(value, _pinyin_in_field(field, word, full=pinyin_like))
            if value < FUZZY * FUZZY_CUTOFF and length >= 4 and len(words) > 2:
                fuzzy_fields.append(field)
        if field.weight * value > best:
            best = field.weight * value
    for field in fuzzy_fields:
        if field.weight * FUZZY <= best:
            continue
        match = process.extractOne(
            word, field.words.split(), scorer=OSA.normalized_similarity, score_cutoff=FUZZY_CUTOFF
        )
        if match is not None and field.weight * FUZZY * match[1] > best:
            best = field.weight * FUZZY * match[1]
    return best


def _pinyin_in_field(field: Field, text: str, full: bool = True) -> float:
    """Full pinyin from a syllable start (a trailing partial syllable is fine), else initials."""
    best = 0.0
    for run in field.runs:
        pinyin = run.pinyin
        position = pinyin.joined.find(text) if full else -1
        while position != -1:
            if position in pinyin.starts:
                return PINYIN
            position = pinyin.joined.find(text, position + 1)
        if 2 <= len(text) <= MAX_INITIALS and text in pinyin.initials:
            best = INITIALS
    return best


def _best_pinyin(fields: tuple[Field, ...], text: str) -> float:
    best = 0.0
    for field in fields:
        if field.runs and field.weight > best:
            best = max(best, field.weight * _pinyin_in_field(field, text))
    return best


def cjk_pairs(run: str, text: str) -> list[int]:
    """Where the run's character pairs found in `text` start. A character is found when a pair
    holding it is: every piece of two or more characters holding it holds such a pair."""
    return [i for i in range(len(run) - 1) if run[i:i + 2] in text]


def _score_cjk(fields: tuple[Field, ...], unit: Unit) -> float:
    """Share of the run's characters found in substrings of ≥ 2 characters, at the best field weight."""
    run = unit.text
    length = len(run)
    best = [0.0] * length
    for field in fields:
        weight = field.weight
        if min(best) >= weight:
            break
        if length == 1 and field.name == BODY:
            break
        text = field.text
        if run in text:
            best = [max(b, weight) for b in best]
            continue
        if length == 1:
            continue  # a lone character in a long text says nothing (and the body has no such key)
        for i in cjk_pairs(run, text):
            if best[i] < weight:
                best[i] = weight
            if best[i + 1] < weight:
                best[i + 1] = weight
        if field.name != BODY:
            # A leftover single character (选 in 选哪个运营商) still counts a little in a short field.
            for i, char in enumerate(run):
                if best[i] < weight * LONE_CHAR and char in text:
                    best[i] = weight * LONE_CHAR
        if field.runs and unit.pinyin is not None and min(best) < weight * HOMOPHONE:
            # A wrong character of the same sound (补咔 for 补卡, 注消 for 注销): match by pinyin.
            if _pinyin_in_field(field, unit.pinyin.joined) == PINYIN:
                best = [max(b, weight * HOMOPHONE) for b in best]
    weights = unit.char_weights or (1.0,) * length
    return sum(b * w for b, w in zip(best, weights, strict=True)) / sum(weights)
