"""What the index keeps per entry: folded field texts, tokens, pinyin runs and a phone-digit key."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from agentui.core.kb.model import Record
from agentui.core.search.keys import codes_text, fold_codes, han_runs, text_codes
from agentui.core.search.normalize import CJK_RUN, TEXT_BREAK, WORDS, digits_only, fold, join_texts, units_text
from agentui.core.search.pinyin import RunPinyin, run_pinyin
from agentui.core.search.rules import ALIASES, BODY, FIELDS, FINDING, TAGS, TITLE, TITLE_EN, WEIGHTS

__all__ = ["ALIASES", "BODY", "TAGS", "TITLE", "TITLE_EN", "WEIGHTS"]  # the field names, from `rules`
HEAD_FIELDS = tuple(rule.name for rule in FIELDS if rule.name != BODY)
"""Short fields: indexed with pinyin and single characters. The body gets words and bigrams only."""

SEPARATOR = "\n"
"""Joins list items (aliases) so no substring match runs across two of them."""
UNKEYED = "\x01"
"""Stands for a TEXT_BREAK inside a text the index keys: a break, and no phone number's character."""


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
    finds: bool = True
    """A word matched here is found in the entry (`rules.FieldRule.finds`)."""


class BodyText:
    """The body as the scorer reads it (a `FieldText` without pinyin), folded on first read.

    Most candidates are settled by their title, aliases and tags, which outweigh the body, so the
    scorer never reads it; and folding a 300-character body is two thirds of building a scoring
    view (100 of 160 µs), which every new candidate pays after a warm start: 60 of them made the
    agent's first keystrokes at 10k entries take 10-25 ms."""

    __slots__ = ("_source", "_text", "_words", "_digits")
    name = BODY
    weight = WEIGHTS[BODY]
    finds = BODY in FINDING
    original = None
    runs: tuple[PinyinRun, ...] = ()

    def __init__(self, source: str) -> None:
        self._source = source
        self._text: str | None = None
        self._words = ""
        self._digits: str | None = None

    def _read(self) -> None:
        self._text = fold(self._source)
        self._words = _words(self._text)

    @property
    def text(self) -> str:
        if self._text is None:
            self._read()
        return self._text  # type: ignore[return-value]

    @property
    def words(self) -> str:
        if self._text is None:
            self._read()
        return self._words

    @property
    def digits(self) -> str:
        """Digits of phone-like numbers in the body (a mention, weighted as body text)."""
        if self._digits is None:
            self._digits = _body_digits(self._source)
        return self._digits


@dataclass(frozen=True, slots=True)
class SearchDoc:
    id: str
    type: str
    title: str
    fields: tuple[FieldText | BodyText, ...]
    """The non-blank fields, heaviest first; the body (if any) last."""
    phone_digits: str
    """Digits of the entry's phone numbers, `|`-separated: `7977979` finds `+7 (495) 797-79-79`."""
    names: frozenset[str] = frozenset()
    """The items naming the entry (title, each alias, English title) as `normalize.units_text`:
    a query equal to one is a whole-field match."""
    title_chars: int = 1
    """Characters of the folded title, spaces aside: what the title coverage is a share of."""

    @property
    def body_digits(self) -> str:
        last = self.fields[-1] if self.fields else None
        return last.digits if isinstance(last, BodyText) else ""


_PHONE = re.compile(r"\+?\d[\d \t\-()]{4,}\d")
HIGHLIGHTED = tuple(rule.name for rule in FIELDS if rule.highlighted)
PINYIN_FIELDS = tuple(rule.name for rule in FIELDS if rule.pinyin)
"""The short fields whose Chinese runs are matched, and keyed, by their pinyin too."""


def _words(folded: str) -> str:
    return " " + " ".join(dict.fromkeys(WORDS.findall(folded))) + " "


def field_text(name: str, original: str, *, with_pinyin: bool) -> FieldText:
    text = fold(original)
    runs = tuple(PinyinRun(m.start(), run_pinyin(m.group(0))) for m in CJK_RUN.finditer(text)) if with_pinyin else ()
    return FieldText(name, WEIGHTS[name], text, original if name in HIGHLIGHTED else None, _words(text), runs,
                     name in FINDING)


def _tag_items(record: Record, operator_names: Mapping[str, Sequence[str]]) -> list[str]:
    """Operators are expanded to every spelling (MTS, МТС, …) so any script finds them."""
    tag_words = [*record.tags]
    for operator in record.operators:
        tag_words.extend(operator_names.get(operator, (operator,)))
    return list(dict.fromkeys(tag_words))


def _tags_text(record: Record, operator_names: Mapping[str, Sequence[str]]) -> str:
    return SEPARATOR.join(_tag_items(record, operator_names))


def _phone_digits(record: Record) -> str:
    return "|".join(d for d in (digits_only(p) for p in record.phones) if d)


def _body_digits(body: str) -> str:
    return "|".join(d for d in (digits_only(m.group(0)) for m in _PHONE.finditer(body)) if d)


FIELD_ITEMS: dict[str, Callable[[Record, Mapping[str, Sequence[str]]], Sequence[str]]] = {
    TITLE: lambda record, names: (record.title,),
    ALIASES: lambda record, names: record.aliases,
    TITLE_EN: lambda record, names: (record.title_en,),
    TAGS: lambda record, names: _tag_items(record, names),
    BODY: lambda record, names: (record.body,),
}
"""Where each field of `rules.FIELDS` comes from in an entry record, item by item."""


def field_source(name: str, record: Record, operator_names: Mapping[str, Sequence[str]]) -> str:
    return SEPARATOR.join(FIELD_ITEMS[name](record, operator_names))


@lru_cache(maxsize=16384)
def _name(item: str) -> str:
    """An alias as a name (see `SearchDoc.names`): aliases repeat across entries, and folding one
    is half the cost of naming an entry, which every new candidate pays."""
    return units_text(fold(item))


def build_doc(record: Record, operator_names: Mapping[str, Sequence[str]]) -> SearchDoc:
    fields: list[FieldText | BodyText] = []
    names: set[str] = set()
    title_chars = 1
    for rule in FIELDS:
        items = FIELD_ITEMS[rule.name](record, operator_names)
        source = SEPARATOR.join(items)
        if rule.name == BODY:
            if source.strip():  # a body of punctuation only folds to blanks: read, it matches nothing
                fields.append(BodyText(source))
            continue
        built = field_text(rule.name, source, with_pinyin=rule.pinyin)
        if built.text.strip():
            fields.append(built)
        if rule.names_entry:  # one item is the field's folded text already
            names.update([units_text(built.text)] if len(items) == 1 else map(_name, items))
        if rule.name == TITLE:
            title_chars = len(built.text) - built.text.count(" ")
    return SearchDoc(
        id=record.id, type=record.type, title=record.title, fields=tuple(fields),
        phone_digits=_phone_digits(record), names=frozenset(names - {""}), title_chars=title_chars,
    )


KEY_FIELDS = tuple(rule.name for rule in FIELDS)
"""The fields the candidate index keys, in the order `BatchKeyTexts.head` and `.body` hold them."""
MAX_TAILS = 8
"""A run's pinyin is keyed from each of its first syllables this many after the first (a title's
runs are short; a long one would add many keys for words nobody types from its middle)."""


@dataclass(frozen=True, slots=True)
class BatchKeyTexts:
    """A batch of entries as the candidate index keys them (see `keys.batch_keys`): each part the
    code points of its texts (see `keys.text_codes`), so a batch is folded and keyed in a few numpy
    passes, not per entry."""

    size: int
    head: np.ndarray
    """Folded short fields, field by field in `HEAD_FIELDS` order, entry by entry within a field."""
    spoken: np.ndarray
    """Per distinct Chinese run of the batch's `PINYIN_FIELDS`: its syllables joined (`buka`) and
    each initial alone (for one-letter typing). Keyed once, however often the run occurs."""
    initials: np.ndarray
    """Per distinct run, its initials (`bk`; none under two characters): keyed in a key space of
    their own."""
    spoken_tails: np.ndarray
    """Per distinct run, its pinyin from each later syllable (see `_spoken`): whole words only."""
    initials_tails: np.ndarray
    """Per distinct run, its initials from each later syllable: whole words only, initials' keys."""
    run_of: np.ndarray
    """For each run found in a head text, its distinct run's index."""
    run_from: np.ndarray
    """For each run found, the head text it was found in."""
    body: np.ndarray
    """Folded bodies, entry by entry."""
    bodies: np.ndarray
    """The bodies as written (phone numbers are found in those, see `phone_keys.mention_keys`)."""
    phones: np.ndarray
    """The entries' phone numbers as digit groups (`|`-separated)."""


def _spoken(run: str) -> tuple[str, str, str, str]:
    """The texts keying a run's pinyin and its initials ("" under two characters), and their tails.

    The tails are the pinyin and initials from each later syllable on (`tuiding`, `ftd` of 话费退订)
    but the last: the agent types the pinyin or initials of a word inside a longer run, whose only
    keys were the bigrams every other run shares, so in a big KB the candidate stage could not find
    it. Only their whole words are keyed: their bigrams are the run's own, and starts at every
    syllable would make each one-syllable query (`bu`) match the middle of thousands of runs."""
    pinyin = run_pinyin(run)
    joined, initials = pinyin.joined, pinyin.initials
    spoken = " ".join((joined, *initials))
    tails = " ".join(joined[start:] for start in pinyin.starts[1:min(len(run) - 1, MAX_TAILS + 1)])
    if len(initials) < 2:
        return spoken, "", tails, ""
    return spoken, initials, tails, " ".join(initials[i:] for i in range(1, min(len(initials) - 1, MAX_TAILS + 1)))


def _tags_texts(records: Sequence[Record], operator_names: Mapping[str, Sequence[str]]) -> list[str]:
    """What `_tags_text` holds, repeats and order aside (the keys are the same), each operator
    set's spellings joined once per batch instead of once per entry."""
    spelled = {
        operators: SEPARATOR.join(name for operator in operators for name in operator_names.get(operator, (operator,)))
        for operators in {record.operators for record in records}
    }
    return [f"{SEPARATOR.join(record.tags)}{SEPARATOR}{spelled[record.operators]}" for record in records]


def _batch_sources(name: str, records: Sequence[Record], operator_names: Mapping[str, Sequence[str]]) -> list[str]:
    if name == TAGS:
        return _tags_texts(records, operator_names)
    return [field_source(name, record, operator_names) for record in records]


def batch_key_texts(records: Sequence[Record], operator_names: Mapping[str, Sequence[str]]) -> BatchKeyTexts:
    size = len(records)
    head_texts = join_texts([text for name in HEAD_FIELDS for text in _batch_sources(name, records, operator_names)],
                            UNKEYED)
    head = fold_codes(text_codes(head_texts), head_texts)
    starts, ends = han_runs(head)
    found_in = np.searchsorted(np.flatnonzero(head == ord(TEXT_BREAK)), starts) - 1
    with_pinyin = np.isin(found_in // size, [HEAD_FIELDS.index(name) for name in PINYIN_FIELDS])
    text = codes_text(head)  # the codes' place p is the text's place p - 1
    runs: dict[str, int] = {}  # a batch's runs repeat (tags, aliases, common words)
    run_of = [runs.setdefault(text[start:end], len(runs))
              for start, end in zip((starts[with_pinyin] - 1).tolist(), (ends[with_pinyin] - 1).tolist(), strict=False)]
    columns = list(zip(*(_spoken(run) for run in runs), strict=False)) or [()] * 4
    spoken, initials, spoken_tails, initials_tails = (text_codes(TEXT_BREAK.join(texts)) for texts in columns)
    bodies = join_texts(_batch_sources(BODY, records, operator_names), UNKEYED)
    written = text_codes(bodies)
    return BatchKeyTexts(
        size=size,
        head=head,
        spoken=spoken,
        initials=initials,
        spoken_tails=spoken_tails,
        initials_tails=initials_tails,
        run_of=np.array(run_of, dtype=np.int64),
        run_from=found_in[with_pinyin],
        body=fold_codes(written, bodies),
        bodies=written,
        phones=text_codes(TEXT_BREAK.join([_phone_digits(record) for record in records])),
    )
