"""Usage-aware ranking: what the agent uses breaks ties of equal text matches, never more; the
empty query lists pinned, recent and most used entries."""

from __future__ import annotations

import random

import pytest

from agentui.core.search import SearchIndex, Usage
from agentui.core.search import index as index_module

REPLACEMENTS = ["esim-replacement", "number-keeping-sim-replacement-offline", "data-sim-replacement-offline",
                "data-sim-replacement-online", "number-keeping-sim-replacement-online"]
"""The procedures `buka` matches equally (full pinyin of 补卡 in their titles)."""


@pytest.fixture(scope="module")
def index(bundled_kb) -> SearchIndex:
    return SearchIndex.build(list(bundled_kb.entries.values()))


def _ids(hits) -> list[str]:
    return [hit.id for hit in hits]


def test_the_most_used_of_equal_matches_comes_first(index):
    pure = _ids(index.search("buka", 5))
    assert sorted(pure) == sorted(REPLACEMENTS)
    usage = Usage(counts={"data-sim-replacement-online": 3, "number-keeping-sim-replacement-online": 7})
    ranked = _ids(index.search("buka", 5, usage=usage))
    assert ranked[:2] == ["number-keeping-sim-replacement-online", "data-sim-replacement-online"]
    assert _ids(index.search("buka", 5, usage=usage)) == ranked  # deterministic for a given usage


def test_usage_never_overrides_a_better_text_match(index):
    """The duration FAQ matches `buka` as well but ranks lower (a procedure's prior); used a
    thousand times it still stays below every replacement procedure."""
    usage = Usage(counts={"faq-replacement-duration": 1000, "contact-mts": 1000})
    assert _ids(index.search("buka", 5, usage=usage)) == _ids(index.search("buka", 5))
    assert _ids(index.search("补卡", 1, usage=usage)) == ["esim-replacement"]  # its alias is the query


def test_a_pinned_entry_leads_its_ties(index):
    usage = Usage(counts={"data-sim-replacement-online": 50}, pinned=frozenset({"esim-replacement"}))
    assert _ids(index.search("buka", 2, usage=usage)) == ["esim-replacement", "data-sim-replacement-online"]
    pinned_only = Usage(pinned=frozenset({"data-sim-replacement-offline"}))
    assert _ids(index.search("buka", 1, usage=pinned_only)) == ["data-sim-replacement-offline"]


def test_without_usage_the_ranking_is_the_pure_one(index):
    for query in ("buka", "zx", "esim", "注销"):
        assert index.search(query, 10, usage=Usage()) == index.search(query, 10) == index.search(query, 10, None)


@pytest.fixture(scope="module")
def lookalikes(lookalike_kb) -> SearchIndex:
    return SearchIndex.build(list(lookalike_kb.entries.values()))


def test_the_exact_stage_with_usage_is_the_full_scan_with_usage(lookalikes):
    """The bounds take usage into the rank key too: the exact stage still gives the full scan's
    results, with thousands of equal matches to order."""
    rng = random.Random(16)
    ids = [record[0] for record in lookalikes.records]
    usage = Usage(counts={i: rng.randint(1, 9) for i in rng.sample(ids, 300)}, pinned=frozenset(rng.sample(ids, 20)))
    for query in ("buka", "bk", "esim", "mts 补卡", "流量卡", "zx", "续费", "replacement", "беline"):
        assert lookalikes.search(query, 20, usage=usage) == lookalikes.search_exhaustive(query, 20, usage=usage), query


def test_the_candidate_stage_keeps_the_used_among_many_ties(lookalike_kb):
    """Above the exact limit the candidates are a choice among thousands of equal matches: the
    used entries holding the query's keys join them, so usage orders them there too."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(index_module, "EXACT_LIMIT", 0)
        built = SearchIndex.build(list(lookalike_kb.entries.values()))
    top = built.search_exhaustive("buka", len(built))
    tied = [hit.id for hit in top if (hit.score, hit.type) == (top[0].score, top[0].type)]
    assert len(tied) > index_module.CANDIDATES
    chosen = tied[-1]  # the last of the ties: no key overlap puts it among the candidates by chance
    assert built.search("buka", 1, usage=Usage(counts={chosen: 2}))[0].id == chosen


def test_the_empty_query_lists_pinned_recent_and_most_used_first(index):
    usage = Usage(counts={"faq-replacement-fee": 9, "contact-mts": 4, "script-closing": 0},
                  pinned=frozenset({"script-greeting"}))
    recent = ["faq-data-backup", "esim-renewal", "faq-data-backup", "no-such-entry"]
    listed = _ids(index.starting_list(8, recent=recent, usage=usage))
    assert listed[:5] == ["script-greeting", "faq-data-backup", "esim-renewal", "faq-replacement-fee", "contact-mts"]
    assert len(listed) == 8 == len(set(listed))
    assert "script-closing" not in listed[:5]  # never used: only the fixed list may bring it
    assert _ids(index.starting_list(8)) == _ids(index.search("", 8))  # nothing used: the fixed list
    assert _ids(index.starting_list(2, recent=recent, usage=usage)) == ["script-greeting", "faq-data-backup"]
