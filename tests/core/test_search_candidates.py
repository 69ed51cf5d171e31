"""The candidate stage of KBs above the exact limit: it must keep what a full scan ranks first."""

from __future__ import annotations

from pathlib import Path

import pytest

from agentui.core.search import SearchIndex
from agentui.core.search import index as index_module

ROOT = Path(__file__).parents[2]


@pytest.fixture(scope="module")
def big_index(lookalike_kb) -> SearchIndex:
    """The look-alike KB searched through the candidate stage, as KBs above the exact limit are."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(index_module, "EXACT_LIMIT", 0)
        built = SearchIndex.build(list(lookalike_kb.entries.values()))
    assert not built.is_exact
    return built


HARD = [
    "gx", "ftd", "hfcz", "bhk", "xhzw",  # initials, also inside longer initials (变更学生 -> bgxs)
    "азмена", "перенсо", "neable", "chnage", "esmi",  # a swapped or dropped letter
    "zhuanwangbanli", "xiehaozhuanwang", "liu liang ka",  # long and spaced pinyin
]
"""Forms where n-gram overlap alone picks the wrong candidates in a KB of look-alikes."""


def _queries() -> list[str]:
    rows = (ROOT / "tests" / "data" / "queries-dev.tsv").read_text(encoding="utf-8").splitlines()
    return [line.split("\t")[0] for line in rows if line.strip() and not line.startswith("#")] + HARD


def test_candidates_keep_the_exhaustive_best(big_index):
    """For every dev query the indexed search finds a first hit as good as the full scan's, and
    (ties counted) on average 9 of the scan's top 10."""
    misses = []
    recalls = []
    for query in _queries():
        reference = big_index.search_exhaustive(query, 10)
        hits = big_index.search(query, 10)
        if not reference:
            assert not hits, query
            continue
        if not hits or hits[0].score < reference[0].score:
            first = f"{hits[0].id} {hits[0].score}" if hits else "nothing"
            misses.append(f"{query!r}: first {first} < {reference[0].id} {reference[0].score}")
        floor = reference[-1].score
        recalls.append(min(len(reference), sum(1 for h in hits if h.score >= floor)) / len(reference))
    assert not misses, "\n".join(misses)
    assert sum(recalls) / len(recalls) >= 0.9, recalls


def test_bundled_answers_still_come_first_among_lookalikes(big_index):
    """Synthetic look-alikes never push the desk's real procedure out of the top 3."""
    assert big_index.search("esim丢了", 3)[0].id.startswith("esim")
    assert "esim-replacement" in [h.id for h in big_index.search("eSIM 补卡", 5)]


TYPED = [
    "beeline", "megafon", "билайн", "мегафон", "replacement", "activation", "renewal", "cancel", "roaming",
    "passport", "hotline", "xufei", "zhuxiao", "liuliangka", "baohaoka", "manyou", "jihuo", "huzhao", "tuiding",
]
"""Words the agent types one key at a time: each prefix from 4 letters on is searched as it stands."""


def test_a_word_being_typed_finds_its_completions(big_index):
    """`beel` must list Beeline's entries, not those of a KB word one typo away (`bel`): a prefix
    holds every bigram of its completion but not the whole word, which a typo does not."""
    low = []
    for word in TYPED:
        for end in range(4, len(word) + 1):
            query = word[:end]
            reference = big_index.search_exhaustive(query, 10)
            if not reference:
                continue
            floor = reference[-1].score
            hits = big_index.search(query, 10)
            recall = min(len(reference), sum(1 for h in hits if h.score >= floor)) / len(reference)
            if recall < 0.6:
                low.append(f"{query!r}: {recall:.1f} of the scan's top 10 ({len(hits)} hits)")
    assert not low, "\n".join(low)
