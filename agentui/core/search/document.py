"""What the index keeps per entry: folded field texts, tokens, pinyin runs and a phone-digit key."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from agentui.core.kb.model import (
    R_ALIASES, R_BODY, R_ID, R_OPERATORS, R_PHONES, R_TAGS, R_TITLE, R_TITLE_EN, R_TYPE, Record,
)
from agentui.core.search.normalize import CJK_RUN, WORDS, digits_only, fold, fold_letters
from agentui.core.search.pinyin import RunPinyin, run_pinyin

# Field weights: how much a match in this field says the entry is the one wanted.
TITLE, TITLE_EN, ALIASES, TAGS, BODY = "title", "title_en", "aliases", "tags", "body"
WEIGHTS: dict[str, float] = {TITLE: 1.0, ALIASES: 0.95, TITLE_EN: 0.9, TAGS: 0.7, BODY: 0.45}
HEAD_FIELDS = (TITLE, ALIASES, TITLE_EN, TAGS)
"""Short fields: indexed with pinyin and single characters. The body gets words and bigrams only."""

SEPARATOR = "\n"
"""Joins list items (aliases) so no substring match runs across two of them."""


@dataclass(frozen=True, slots=True)
class PinyinRun:
    start: int
    """Offset of the run's first character in the folded field text."""
    pinyin: RunPinyin


@dataclass(frozen=True, slots=True)
class FieldText:
    name: str
    weight: float
    text: str
    """Folded text (see normalize.fold)."""
    original: str | None
    """The unfolded text, kept for the highlighted fields (offsets are mapped back at highlight time)."""
    words: str
    """Non-Chinese words (Latin, Cyrillic, digits) as ` w1 w2 `: exact, prefix and suffix tests are
    substring tests (`" w "`, `" w"`, `"w "`) done in C. Kept as one string, not a tuple of words:
    at 100k entries a tuple per field cost more memory than the texts themselves."""
    runs: tuple[PinyinRun, ...]
    """Chinese runs with pinyin (head fields only)."""


@dataclass(frozen=True, slots=True)
class SearchDoc:
    id: str
    type: str
    title: str
    fields: tuple[FieldText, ...]
    phone_digits: str
    """Digits of the entry's phone numbers, `|`-separated: `7977979` finds `+7 (495) 797-79-79`."""
    body_digits: str
    """Digits of phone-like numbers in the body (a mention, weighted as body text)."""


_PHONE = re.compile(r"\+?\d[\d \t\-()]{4,}\d")
HIGHLIGHTED = (TITLE, TITLE_EN)


def field_text(name: str, original: str, *, with_pinyin: bool) -> FieldText:
    text = fold(original)
    words = " " + " ".join(dict.fromkeys(WORDS.findall(text))) + " "
    runs = tuple(PinyinRun(m.start(), run_pinyin(m.group(0))) for m in CJK_RUN.finditer(text)) if with_pinyin else ()
    return FieldText(name, WEIGHTS[name], text, original if name in HIGHLIGHTED else None, words, runs)


def _tags_text(record: Record, operator_names: Mapping[str, Sequence[str]]) -> str:
    """Operators are expanded to every spelling (MTS, МТС, …) so any script finds them."""
    tag_words = [*record[R_TAGS]]
    for operator in record[R_OPERATORS]:
        tag_words.extend(operator_names.get(operator, (operator,)))
    return SEPARATOR.join(dict.fromkeys(tag_words))


def _phone_digits(record: Record) -> str:
    return "|".join(d for d in (digits_only(p) for p in record[R_PHONES]) if d)


def _body_digits(body: str) -> str:
    return "|".join(d for d in (digits_only(m.group(0)) for m in _PHONE.finditer(body)) if d)


def build_doc(record: Record, operator_names: Mapping[str, Sequence[str]]) -> SearchDoc:
    body = record[R_BODY]
    fields = [
        field_text(TITLE, record[R_TITLE], with_pinyin=True),
        field_text(ALIASES, SEPARATOR.join(record[R_ALIASES]), with_pinyin=True),
        field_text(TITLE_EN, record[R_TITLE_EN], with_pinyin=False),
        field_text(TAGS, _tags_text(record, operator_names), with_pinyin=True),
        field_text(BODY, body, with_pinyin=False),
    ]
    return SearchDoc(
        id=record[R_ID],
        type=record[R_TYPE],
        title=record[R_TITLE],
        fields=tuple(f for f in fields if f.text.strip()),
        phone_digits=_phone_digits(record),
        body_digits=_body_digits(body),
    )


@dataclass(frozen=True, slots=True)
class KeyTexts:
    """An entry as the candidate index keys it (see `keys.batch_keys`): folded field texts in
    `KEY_FIELDS` order, each short field followed by the pinyin of its Chinese runs
    (syllables joined, `buka`, and each initial alone, for one-letter typing); and, apart, the
    initials of those runs (`bk`) per short field with pinyin, keyed in their own key space."""

    fields: tuple[str, ...]
    initials: tuple[str, ...]
    """Title, aliases and tags: the runs' initials, space-separated."""
    phone_digits: str
    body_digits: str


KEY_FIELDS = (*HEAD_FIELDS, BODY)
"""The order of `KeyTexts.fields`."""
INITIALS_FIELDS = (TITLE, ALIASES, TAGS)
"""The order of `KeyTexts.initials`: the short fields that get pinyin."""


@lru_cache(maxsize=8192)
def _short_field_keys_text(original: str) -> tuple[str, str]:
    """The folded field with its pinyin, and its runs' initials. Cached because tags (with every
    operator spelling) and aliases repeat across many entries, while each costs ~20 µs to build."""
    text = fold_letters(original)
    spoken: list[str] = []
    initials: list[str] = []
    for run in dict.fromkeys(CJK_RUN.findall(text)):
        pinyin = run_pinyin(run)
        spoken.append(pinyin.joined)
        spoken.extend(pinyin.initials)
        if len(pinyin.initials) >= 2:
            initials.append(pinyin.initials)
    if spoken:
        text = f"{text} {' '.join(dict.fromkeys(spoken))}"
    return text, " ".join(dict.fromkeys(initials))


def key_texts(record: Record, operator_names: Mapping[str, Sequence[str]]) -> KeyTexts:
    body = record[R_BODY]
    spoken = {  # field -> (text with its pinyin, its initials)
        TITLE: _short_field_keys_text.__wrapped__(record[R_TITLE]),  # titles rarely repeat: not cached
        ALIASES: _short_field_keys_text(SEPARATOR.join(record[R_ALIASES])),
        TAGS: _short_field_keys_text(_tags_text(record, operator_names)),
    }
    plain = {TITLE_EN: fold_letters(record[R_TITLE_EN]), BODY: fold_letters(body)}
    return KeyTexts(
        tuple(spoken[name][0] if name in spoken else plain[name] for name in KEY_FIELDS),
        tuple(spoken[name][1] for name in INITIALS_FIELDS),
        _phone_digits(record),
        _body_digits(body),
    )
