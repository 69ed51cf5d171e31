"""`agentui kb gaps`' grouping: one topic per question, however it was typed (issue 16 §1)."""

from __future__ import annotations

import itertools
import random

from agentui.core.cases.records import Event
from agentui.core.gaps import Offered, group_misses, similarity, topic_tokens, with_offered


def miss(query: str, at: str = "2026-03-02T10:00:00+00:00", kind: str = "miss", agent: str = "wang") -> Event:
    return Event(kind=kind, ref=query, at=at, agent=agent)


def test_word_order_spacing_and_case_do_not_split_a_topic():
    assert topic_tokens("注销流量卡") == topic_tokens("流量卡注销") == topic_tokens("流量卡 注销")
    assert topic_tokens("怎么注销流量卡？") == topic_tokens("注销流量卡")
    assert topic_tokens("Cancel data card") == topic_tokens("data card cancel")
    assert topic_tokens("esim 国外") != topic_tokens("esim")


def test_the_two_forms_of_one_question_are_one_gap_with_count_two():
    gaps = group_misses([miss("注销流量卡", "2026-03-02T10:00:00+00:00"),
                         miss("流量卡注销", "2026-03-02T10:05:00+00:00", kind="zero")])  # fmt: skip
    assert len(gaps) == 1
    gap = gaps[0]
    assert (gap.count, gap.found_nothing, gap.last_seen) == (2, 1, "2026-03-02T10:05:00+00:00")
    assert set(gap.forms) == {"注销流量卡", "流量卡注销"} and gap.topic == "流量卡注销"  # equal counts: latest


def test_a_typo_joins_its_topic_but_short_different_queries_stay_apart():
    gaps = group_misses([miss("注销流量卡"), miss("注销流量卡"), miss("注消流量卡"), miss("mts"), miss("mtc"),
                         miss("esim"), miss("esim 国外")])  # fmt: skip
    by_topic = {gap.topic: gap for gap in gaps}
    assert by_topic["注销流量卡"].count == 3 and "注消流量卡" in by_topic["注销流量卡"].forms
    assert {"mts", "mtc", "esim", "esim 国外"} <= set(by_topic)


def test_most_asked_first_then_most_recent_and_agents_counted():
    gaps = group_misses([
        miss("退款", "2026-03-01T09:00:00+00:00", agent="li"), miss("退款", "2026-03-01T09:30:00+00:00"),
        miss("国外漫游", "2026-03-02T09:00:00+00:00"), miss("发票", "2026-03-03T09:00:00+00:00"),
    ])  # fmt: skip
    assert [gap.topic for gap in gaps] == ["退款", "发票", "国外漫游"]
    assert gaps[0].agents == 2 and gaps[1].agents == 1


def test_grouping_is_the_same_as_comparing_every_pair():
    """The prefix filter that avoids comparing every pair of topics finds every similar pair."""
    rng = random.Random(7)
    alphabet = "注销流量卡补国外费"
    queries = {"".join(rng.choice(alphabet) for _ in range(rng.randint(2, 7))) for _ in range(300)}
    gaps = group_misses(miss(q) for q in queries)
    # reference: union-find over every pair
    keys = {q: topic_tokens(q) for q in queries}
    parent = {q: q for q in queries}

    def root(q: str) -> str:
        while parent[q] != q:
            q = parent[q]
        return q

    for a, b in itertools.combinations(sorted(queries), 2):
        if similarity(keys[a], keys[b]) >= 0.8:
            parent[root(a)] = root(b)
    expected = {frozenset(q for q in queries if root(q) == r) for r in {root(q) for q in queries}}
    assert {frozenset(gap.forms) for gap in gaps} == expected


def test_each_gap_says_what_the_search_offers_for_it():
    gaps = with_offered(group_misses([miss("注销流量卡")]),
                        lambda topic: Offered("data-sim-replacement-online", "流量卡线上补卡", False))
    assert gaps[0].offered == Offered("data-sim-replacement-online", "流量卡线上补卡", False)
