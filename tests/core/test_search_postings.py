"""Postings: what the blocks hold must be exactly the (key, entry, best level) pairs added."""

from __future__ import annotations

import math
import random

import numpy as np
import pytest

from agentui.core.search import postings
from agentui.core.search.postings import BATCH, PostingsBuilder


@pytest.mark.parametrize("block", [BATCH, 2 * BATCH, postings.BLOCK], ids=["block=batch", "block=2batches", "default"])
def test_coverage_equals_a_brute_force_count(monkeypatch, block):
    """Entries spread over several blocks (and a last, partial batch); repeated pairs keep their
    best level; coverage is the idf-weighted share of the asked keys, at each entry's level, a key
    nobody holds counting as the rarest."""
    monkeypatch.setattr(postings, "BLOCK", block)
    rng = random.Random(5)
    n_docs = 5 * BATCH + 300
    vocabulary = [rng.getrandbits(62) for _ in range(300)]
    best: dict[tuple[int, int], int] = {}
    builder = PostingsBuilder()
    for first in range(0, n_docs, BATCH):
        size = min(BATCH, n_docs - first)
        rows = [(rng.choice(vocabulary[: rng.randint(5, 300)]), rng.randrange(size), rng.choice((45, 70, 90, 95, 100)))
                for _ in range(size * 8)]
        for key, owner, level in rows:
            best[key, first + owner] = max(best.get((key, first + owner), 0), level)
        keys, owners, levels = (np.array(column, dtype=np.int64) for column in zip(*rows))
        builder.add_batch(first, keys, owners, levels)
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
