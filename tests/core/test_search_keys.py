"""Index keys: the numpy batch path must give each text exactly the keys the query path asks for."""

from __future__ import annotations

import random

import numpy as np
import pytest

from agentui.core.search.document import _body_digits
from agentui.core.search.keys import (
    BIGRAM,
    INITIALS,
    PREFIXES,
    START1,
    START2,
    TRIGRAM,
    UNIGRAM,
    batch_digit_keys,
    batch_keys,
    compact,
    digit_keys,
    expand,
    han_keys,
    latin_keys,
    prefix_key,
    text_codes,
    word_key,
)
from agentui.core.search.normalize import TEXT_BREAK, fold, fold_letters, is_cjk, split_units
from agentui.core.search.phone_keys import mention_keys

PIECES = [
    "补卡", "流量卡", "保号卡", "注销", "eSIM", "MTS", "МТС", "Билайн", "Мой", "ёлка", "Tele2", "megafon",
    "７９７－７９－７９", "+7 (495) 797-79-79", "，", "（", "）", "：", "。", "!", "_", "-", " ", "\n", "x²", "café",
    "ＡＢＣ", "①", "a", "7", "中", "İstanbul", "ß", "\u3000", "𠀋", "٣٤", "e\u0301",
]


def reference_keys(text: str, *, head: bool) -> set[int]:
    """What a query made of this text's units would ask for, per `keys`' scalar functions."""
    keys: set[int] = set()
    for unit in split_units(fold(text)):
        codes = [ord(c) for c in unit]
        if is_cjk(unit[0]):
            keys |= {BIGRAM | a << 21 | b for a, b in zip(codes, codes[1:], strict=False)}
            if head:
                keys |= {UNIGRAM | c for c in codes}
        elif head:
            keys |= latin_keys(unit) | {START1 | codes[0]}
        else:
            keys |= {word_key(unit), START1 | codes[0] if len(unit) == 1 else START2 | codes[0] << 21 | codes[1]}
    return keys


@pytest.mark.parametrize("head", [True, False], ids=["head", "body"])
def test_batch_keys_equal_the_query_side_keys(head):
    rng = random.Random(11)
    texts = ["".join(rng.choice(PIECES) for _ in range(rng.randint(0, 12))) for _ in range(400)]
    parts, words = batch_keys(text_codes(TEXT_BREAK.join(map(fold_letters, texts))), np.arange(len(texts)), head=head)
    keys = np.concatenate([*(expand(keys) for keys, _ in parts), words[0]])
    owner = np.concatenate([*(owner for _, owner in parts), words[1]])
    for index, text in enumerate(texts):
        assert set(keys[owner == index].tolist()) == reference_keys(text, head=head), text


def test_batch_word_beginnings_are_the_prefix_keys_a_typed_word_asks_for():
    """`rene` asks for `prefix_key("rene")`: every head word of 5+ letters must hold the keys of its
    beginnings of 4 to 8 letters (not the whole word: that is its word key), whatever the script."""
    rng = random.Random(12)
    words = ["renewal", "replacement", "beeline", "мегафон", "abcd", "abcde", "überweisung", "x²yzzy"]
    texts = [" ".join(rng.choice(words + PIECES) for _ in range(rng.randint(0, 8))) for _ in range(300)]
    parts, words_found = batch_keys(
        text_codes(TEXT_BREAK.join(map(fold_letters, texts))), np.arange(len(texts)), head=True, prefixes=True
    )
    keys = np.concatenate([*(expand(keys) for keys, _ in parts), words_found[0]])
    owner = np.concatenate([*(owner for _, owner in parts), words_found[1]])
    for index, text in enumerate(texts):
        begun = {prefix_key(unit[:n]) for unit in split_units(fold(text)) if not is_cjk(unit[0])
                 for n in PREFIXES if n < len(unit)}
        assert set(keys[owner == index].tolist()) == reference_keys(text, head=True) | begun, text


def test_query_keys_of_a_typo_still_share_keys_with_the_word():
    assert latin_keys("megafno") & latin_keys("megafon")
    assert han_keys("补咔") & han_keys("补卡")  # the single character 补


def test_digit_trigrams_match_between_batch_and_query():
    groups = ["74957977979|88002500890", "", "12", "0611"]
    keys, owner = batch_digit_keys(text_codes(TEXT_BREAK.join(groups)), np.arange(len(groups)))
    keys = expand(keys)
    for index, digits in enumerate(groups):
        assert set(keys[owner == index].tolist()) == (digit_keys(digits) if digits else set())
    assert digit_keys("7977979") <= digit_keys("74957977979")


PHONE_PIECES = ["+", "7", "0", "9", "٣", "𝟗", "²", " ", "\t", "-", "(", ")", "a", "\n", "中", "12345", "\x01",
                "+7 (495) 797-79-79", "8 800 555-06-11", "++7", "+ 1", "𐒠"]


def test_phone_mentions_are_the_numbers_the_phone_regex_finds():
    """Per body, the trigrams of each `_PHONE` match's digits, as the scoring view reads them:
    whatever digits (ASCII or not), `+` and fillers surround them."""
    rng = random.Random(4)
    bodies = ["".join(rng.choice(PHONE_PIECES) for _ in range(rng.randint(0, 25))) for _ in range(3000)]
    for batch in (bodies, ["      ", "(-)(-)(", "", "１２３４５６７"]):
        keys, owner = mention_keys(text_codes(TEXT_BREAK.join(batch)), np.arange(len(batch)))
        for index, body in enumerate(batch):
            digits = _body_digits(body)
            assert set(expand(keys[owner == index]).tolist()) == (digit_keys(digits) if digits else set()), body


def test_compact_keys_lose_nothing_of_code_point_keys():
    rng = random.Random(6)
    keys = np.array([kind | flag | rng.getrandbits(42) for kind in (UNIGRAM, BIGRAM, START1, START2, TRIGRAM)
                     for flag in (0, INITIALS) for _ in range(50)], dtype=np.int64)
    assert np.array_equal(expand(compact(keys)), keys)
    assert int(compact(keys).max()) < 1 << 46  # room left for a posting in 64 bits


def test_words_one_letter_apart_have_keys_of_their_own(bundled_kb):
    """A whole-word key stands for its word alone: `смена` (change) must not find `змена`, nor
    `cat` `bat`. Every distinct word of the bundled KB, and each with its first letter changed,
    gets a key no other has."""
    words = {w for entry in bundled_kb.entries.values() for w in split_units(fold(f"{entry.title} {entry.body}"))}
    words |= {chr(ord(w[0]) + shift) + w[1:] for w in list(words) for shift in (1, 10, 200)}
    words |= {"смена", "змена", "cat", "bat"}
    keys = {word_key(w) for w in words}
    assert len(keys) == len(words)
