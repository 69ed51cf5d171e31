"""Index build: the batched numpy path must give every entry exactly the keys a per-entry reading gives."""

from __future__ import annotations

import random
import unicodedata
from collections import Counter

from agentui.core.kb.model import Record
from agentui.core.search import postings
from agentui.core.search.document import (
    ALIASES,
    BODY,
    MAX_TAILS,
    PINYIN_FIELDS,
    SEPARATOR,
    TAGS,
    TITLE,
    TITLE_EN,
    UNKEYED,
    _body_digits,
    _phone_digits,
    _tags_text,
)
from agentui.core.search.index import operator_names
from agentui.core.search.keys import (
    BIGRAM,
    INITIALS,
    PREFIXES,
    START1,
    START2,
    UNIGRAM,
    codes_text,
    digit_keys,
    fold_codes,
    latin_keys,
    name_key,
    prefix_key,
    text_codes,
    word_key,
)
from agentui.core.search.normalize import (
    CJK_RUN,
    TEXT_BREAK,
    fold,
    fold_alone,
    fold_letters,
    is_cjk,
    join_texts,
    split_units,
    units_text,
)
from agentui.core.search.pinyin import run_pinyin
from agentui.core.search.postings import BATCH, FIELD_LEVEL, PostingsBuilder, batch_pairs

PIECES = [
    "补卡", "流量卡", "保号卡", "注销", "银行", "重庆", "长", "了", "eSIM", "MTS", "МТС", "Билайн", "ёлка", "Tele2",
    "megafon", "７９７－７９－７９", "+7 (495) 797-79-79", "８ ８００ ５５５-０６-１１", "++7 (812) 111-22-33",
    "+ 1234567", "，", "（", "）", "：", "。", "!", "_", "-", " ", "\t", "\n", "x²", "café", "e\u0301", "ＡＢＣ", "①",
    "a", "7", "中", "İstanbul", "ß", "ΑΣ", "\u3000", "𠀋", "㐀", "٣٤", "𝟗", "…", "ﬁ", "\x00", "\uf900", "\ufa0e",
    "가\u11a8", "＜\u0338", "ｶﾞ", "Ⅻ", "\u00a0", "₽",
]


def _junk(rng: random.Random, most: int) -> str:
    return "".join(rng.choice(PIECES) for _ in range(rng.randint(0, most)))


def _records(count: int, seed: int) -> list[Record]:
    rng = random.Random(seed)
    records = []
    for index in range(count):
        kind = "contact" if index % 50 == 0 else "procedure"
        operators = tuple(rng.sample(["mts", "megafon", "beeline", "tele2"], rng.randint(0, 2)))
        aliases = tuple(_junk(rng, 4) for _ in range(rng.randint(0, 3)))
        tags = tuple(_junk(rng, 3) for _ in range(rng.randint(0, 3)))
        phones = tuple(_junk(rng, 4) for _ in range(rng.randint(0, 2)))
        records.append(Record(f"e{index}", kind, _junk(rng, 6), f"e{index}.md", _junk(rng, 30), 1, _junk(rng, 5),
                              aliases, tags, operators, "", (), "", "", phones, (), "", (), ()))
    return records


def _text_keys(text: str, *, head: bool, prefixes: bool = False) -> set[int]:
    """The keys of one text, unit by unit, from the query side's scalar functions."""
    keys: set[int] = set()
    for unit in split_units(fold(text)):
        codes = [ord(c) for c in unit]
        if is_cjk(unit[0]):
            keys |= {BIGRAM | a << 21 | b for a, b in zip(codes, codes[1:], strict=False)}
            keys |= {UNIGRAM | c for c in codes} if head else set()
        elif head:
            keys |= latin_keys(unit) | {START1 | codes[0]}
            if prefixes:  # `rene`, `renew`, `renewa` of `renewal`
                keys |= {prefix_key(unit[:length]) for length in PREFIXES if length < len(unit)}
        else:
            keys |= {word_key(unit), START1 | codes[0] if len(codes) == 1 else START2 | codes[0] << 21 | codes[1]}
    return keys


def _whole_words(texts) -> set[int]:
    """Word keys of the letter and digit units (a character without a reading stays Chinese)."""
    return {word_key(unit) for text in texts for unit in split_units(text) if not is_cjk(unit[0])}


def _reference(record: tuple, names: dict[str, tuple[str, ...]]) -> dict[int, int]:
    """Key -> the level of the best field holding it, reading the entry field by field."""
    best: dict[int, int] = {}

    def add(keys: set[int], level: int) -> None:
        for key in keys:
            best[key] = max(best.get(key, 0), level)

    head = {TITLE: record.title, ALIASES: SEPARATOR.join(record.aliases), TITLE_EN: record.title_en,
            TAGS: _tags_text(record, names)}
    for name, text in head.items():
        add(_text_keys(text, head=True, prefixes=True), FIELD_LEVEL[name])
        if name in (TITLE, ALIASES, TITLE_EN):  # the fields naming the entry: each item whole
            add({name_key(units_text(fold(item))) for item in text.split(SEPARATOR) if units_text(fold(item))},
                FIELD_LEVEL[name])
        if name in PINYIN_FIELDS:
            for run in CJK_RUN.findall(fold(text)):
                pinyin = run_pinyin(run)
                for word in (pinyin.joined, *pinyin.initials):  # `buka`, and `b`, `k` for one-letter typing
                    add(_text_keys(word, head=True), FIELD_LEVEL[name])
                # Whole words of the tails from the next syllables on but the last: `feituiding`,
                # `tuiding` of 话费退订, and of its initials `ftd`, `td`.
                last = min(len(run) - 1, MAX_TAILS + 1)
                add(_whole_words(pinyin.joined[start:] for start in pinyin.starts[1:last]), FIELD_LEVEL[name])
                initials = pinyin.initials
                if len(initials) >= 2:
                    add({key | INITIALS for key in _text_keys(initials, head=True)}, FIELD_LEVEL[name])
                    last = min(len(initials) - 1, MAX_TAILS + 1)
                    add({key | INITIALS for key in _whole_words(initials[i:] for i in range(1, last))},
                        FIELD_LEVEL[name])
    add(_text_keys(record.body, head=False), FIELD_LEVEL[BODY])
    for digits, level in ((_phone_digits(record), FIELD_LEVEL[TITLE]),
                          (_body_digits(record.body), FIELD_LEVEL[BODY])):
        add(digit_keys(digits) if digits else set(), level)
    return best


def _held(frozen: postings.Postings) -> dict[tuple[int, int], int]:
    """(key, entry) -> level, read back from the blocks; each key's entries must come in order."""
    key_of = dict(zip(frozen.key_ids.tolist(), frozen.keys.tolist(), strict=False))
    held: dict[tuple[int, int], int] = {}
    for block in frozen.blocks:
        for slot, key_id in enumerate(block.key_ids.tolist()):
            start, end = int(block.offsets[slot]), int(block.offsets[slot + 1])
            docs = block.docs[start:end].tolist()
            assert docs == sorted(set(docs))
            for doc, level in zip(docs, block.levels[start:end].tolist(), strict=False):
                held[key_of[key_id], block.first + doc] = level
    return held


def test_postings_hold_each_entrys_keys_at_its_best_field(monkeypatch):
    """Over two blocks and a last, partial batch, with every script, full-width forms, text that
    needs NFKC, combining marks, astral characters, stray NULs and phone numbers in any form."""
    monkeypatch.setattr(postings, "BLOCK", BATCH)
    records = _records(BATCH + 150, seed=3)
    names = operator_names(records)
    builder = PostingsBuilder()
    for first in range(0, len(records), BATCH):
        builder.add_batch(first, *batch_pairs(records[first:first + BATCH], names))
    frozen = builder.freeze(len(records))
    expected = {(key, doc): level for doc, record in enumerate(records)
                for key, level in _reference(record, names).items()}
    assert _held(frozen) == expected
    counts = dict(zip(frozen.keys.tolist(), frozen.counts[frozen.key_ids].tolist(), strict=False))
    assert counts == Counter(key for key, _ in expected)


def test_folding_a_batch_folds_each_text_alone():
    """By table where each character folds alone, by string for the texts where NFKC may act
    across characters (`e\u0301`), a character folds to two (`ß`) or lies beyond the BMP."""
    rng = random.Random(8)
    texts = [_junk(rng, 12) for _ in range(400)] + ["ÀB", "ok", "", "ＡＢＣ，ｶﾞ", "Straße", "𠀋中"]
    joined = join_texts(texts, UNKEYED)
    folded = codes_text(fold_codes(text_codes(joined), joined)).split(TEXT_BREAK)
    assert folded == [fold_letters(text.replace(TEXT_BREAK, UNKEYED)) for text in texts]


def test_characters_folded_alone_never_compose_with_their_neighbours():
    seconds = set()
    for code in range(0x110000):
        parts = unicodedata.decomposition(chr(code)).split()
        if len(parts) == 2 and not parts[0].startswith("<"):
            seconds.add(int(parts[1], 16))
    seconds |= set(range(0x1161, 0x1176)) | set(range(0x11A8, 0x11C3))  # Hangul vowels and finals
    alone = {code for code in range(0x10000) if fold_alone(chr(code)) is not None}
    assert len(alone) > 40000 and not alone & seconds
    assert fold_alone("₽") == "₽" and fold_alone("Ё") == "е" and fold_alone("，") == " "
    assert fold_alone("\u0301") is None and fold_alone("…") is None and fold_alone("\u0bbe") is None


def test_every_character_folds_as_the_string_folding_folds_it():
    texts = list(map(chr, range(1, 0x10000)))
    joined = TEXT_BREAK.join(texts)
    assert codes_text(fold_codes(text_codes(joined), joined)).split(TEXT_BREAK) == list(map(fold_letters, texts))
