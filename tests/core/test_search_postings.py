"""Postings: what the blocks hold must be exactly the (key, entry, best level) pairs added."""

from __future__ import annotations

import math
import random

import numpy as np
import pytest

from agentui.core.search import postings
from agentui.core.search.keys import BIGRAM, INITIALS, START1, START2, TRIGRAM, UNIGRAM, WORD, compact
from agentui.core.search.postings import BATCH, Pairs, PostingsBuilder


def _vocabulary(rng: random.Random, size: int) -> list[int]:
    """Keys of every kind: code-point keys, with and without the initials flag, and word hashes."""
    kinds = [UNIGRAM, BIGRAM, START1, START2, TRIGRAM]
    points = [rng.choice(kinds) | rng.choice((0, INITIALS)) | rng.getrandbits(42) for _ in range(size // 2)]
    words = [WORD | rng.choice((0, INITIALS)) | rng.getrandbits(56) for _ in range(size - size // 2)]
    return points + words


def _parts(rows: list[tuple[int, int, int]]) -> tuple[list[Pairs], list[Pairs]]:
    """(key, entry, level) rows as `add_batch` takes them: compact code-point keys, then words."""
    keys, owners, levels = (np.array(column, dtype=np.int64) for column in zip(*rows, strict=False))
    packed = postings.posting_codes(owners, levels)
    is_word = keys >> 59 == WORD >> 59
    return [(compact(keys[~is_word]), packed[~is_word])], [(keys[is_word], packed[is_word])]


@pytest.mark.parametrize("block", [BATCH, 2 * BATCH, postings.BLOCK], ids=["block=batch", "block=2batches", "default"])
def test_coverage_equals_a_brute_force_count(monkeypatch, block):
    """Entries spread over several blocks (and a last, partial batch); repeated pairs keep their
    best level; coverage is the idf-weighted share of the asked keys, at each entry's level, a key
    nobody holds counting as the rarest."""
    monkeypatch.setattr(postings, "BLOCK", block)
    rng = random.Random(5)
    n_docs = 5 * BATCH + 300
    vocabulary = _vocabulary(rng, 300)
    best: dict[tuple[int, int], int] = {}
    builder = PostingsBuilder()
    for first in range(0, n_docs, BATCH):
        size = min(BATCH, n_docs - first)
        rows = [(rng.choice(vocabulary[: rng.randint(5, 300)]), rng.randrange(size), rng.choice((45, 70, 90, 95, 100)))
                for _ in range(size * 8)]
        for key, owner, level in rows:
            best[key, first + owner] = max(best.get((key, first + owner), 0), level)
        builder.add_batch(first, *_parts(rows))
    frozen = builder.freeze(n_docs)
    holders: dict[int, dict[int, int]] = {}
    for (key, doc), level in best.items():
        holders.setdefault(key, {})[doc] = level
    asked = rng.sample(vocabulary, 12) + [12345]  # one key nobody holds
    held = [k for k in asked if k in holders and len(holders[k]) <= postings.COMMON_KEY * n_docs] or \
        [k for k in asked if k in holders]
    idf = {k: math.log1p(n_docs / len(holders[k])) for k in held}
    missing = sum(1 for k in set(asked) if k not in holders)  # held by nobody: the rarest possible
    total = sum(idf.values()) + missing * math.log1p(n_docs)
    expected = np.zeros(n_docs)
    for key in held:
        for doc, level in holders[key].items():
            expected[doc] += idf[key] / total * level / 100
    got = frozen.coverage(asked, n_docs)
    assert got is not None
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-7)
    assert frozen.coverage([12345], n_docs) is None


def test_a_unit_of_common_keys_reads_only_its_rarest():
    """`the`: every key is held by over half the KB. The rarest alone ranks the entries, for a
    fraction of the postings; and `factor` (what a match of the unit is worth) scales it."""
    n_docs = 10
    everywhere, most = BIGRAM | 1, BIGRAM | 2
    rows = [(everywhere, doc, 100) for doc in range(n_docs)] + [(most, doc, 45 if doc % 2 else 100) for doc in range(8)]
    builder = PostingsBuilder()
    builder.add_batch(0, *_parts(rows))
    frozen = builder.freeze(n_docs)
    expected = np.array([1.0, 0.45] * 4 + [0.0, 0.0])
    np.testing.assert_allclose(frozen.coverage([everywhere, most], n_docs), expected, rtol=1e-6)
    np.testing.assert_allclose(frozen.coverage([everywhere, most], n_docs, 0.9), 0.9 * expected, rtol=1e-6)


def test_words_alike_in_their_low_bits_keep_apart():
    """Words are sorted by their low 42 bits when no two of a batch's words share them; when two
    do, they must still get postings of their own."""
    twin = WORD | 12345
    keys = [twin, twin | 1 << 50, twin | INITIALS, BIGRAM | 7 << 21 | 8]
    rows = [(key, owner, level) for index, key in enumerate(keys) for owner, level in ((index, 100), (4, 45 + index))]
    builder = PostingsBuilder()
    builder.add_batch(0, *_parts(rows + [(twin, 4, 30)]))
    frozen = builder.freeze(5)
    assert sorted(frozen.keys.tolist()) == sorted(keys)
    block = frozen.blocks[0]
    held = {}
    for key in keys:
        slot = int(np.searchsorted(block.key_ids, frozen.key_ids[np.searchsorted(frozen.keys, key)]))
        start, end = block.offsets[slot], block.offsets[slot + 1]
        held[key] = list(zip(block.docs[start:end].tolist(), block.levels[start:end].tolist(), strict=False))
    assert held == {key: [(index, 100), (4, 45 + index)] for index, key in enumerate(keys)}


def test_a_word_many_entries_hold_is_asked_by_its_whole_word_key():
    """`forwarding` held as a word by thousands of entries: its bigrams would only add entries the
    whole word already ranks above. A rarer word (or a typo, held by nobody) keeps every key."""
    from agentui.core.search.keys import word_key
    from agentui.core.search.query import parse_query
    from agentui.core.search.query_keys import WORD_ENOUGH, key_groups, unit_keys
    from agentui.core.search.rules import SYNONYM

    parsed = parse_query("forwarding cancel")
    groups = key_groups(parsed, held=lambda keys: keys, holders=lambda key: WORD_ENOUGH)
    for (_, options), unit in zip(groups, parsed.units, strict=False):
        assert options[0] == (1.0, {word_key(unit.text)})
        assert all(keys == {word_key(v.text)} for (factor, keys), v in zip(options[1:], unit.variants, strict=False))
        assert all(factor == SYNONYM.value for factor, _ in options[1:1 + len(unit.variants)])
    groups = key_groups(parsed, held=lambda keys: keys, holders=lambda key: WORD_ENOUGH - 1)
    assert [options[0] for _, options in groups] == [(1.0, unit_keys(unit)) for unit in parsed.units]


def test_common_title_words_fill_every_candidate_slot():
    from agentui.core.search.index import CANDIDATES
    from agentui.core.search.query_keys import WORD_ENOUGH

    assert WORD_ENOUGH >= CANDIDATES
