"""History search on the server: the index keys, and paging through a common key's newest matches."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from agentui.core.cases.model import Caller, Case
from agentui.core.cases.server import remote
from agentui.core.cases.server.remote import _INSERT, CaseServer, _case_params
from agentui.core.cases.server.search_keys import keys_of, query_keys


def test_keys_are_pairs_of_chinese_and_triples_of_the_rest() -> None:
    assert keys_of("补卡 esim") == ["补卡", "esi", "sim"]
    assert keys_of("需要补卡2次") == ["需要", "要补", "补卡"], "no key crosses from Chinese to digits"
    assert keys_of("ok 卡") == [], "too short to index: found by a scan"
    long = query_keys("保号卡补办需要护照和身份证")
    every = keys_of("保号卡补办需要护照和身份证")
    assert len(long) == 6 and long[0] == every[0] and long[-1] == every[-1] and set(long) <= set(every)


@pytest.mark.parametrize("common", [False, True], ids=["rare-keys", "common-keys"])
def test_a_phrase_is_checked_exactly_among_cases_holding_its_keys(pg_url: str, common: bool, monkeypatch) -> None:
    """300 newer cases hold the keys of `补卡 护照` in another order; only the oldest holds the text.
    With rare keys every candidate is checked; with common ones (the planner's statistics say so)
    the newest `COMMON_BUDGET` candidates are, newest first."""
    if common:
        monkeypatch.setattr(remote, "RARE_KEY", -1)
    import psycopg

    now = datetime(2026, 3, 1, tzinfo=UTC)

    def case(n: int, notes: str) -> Case:
        opened = (now + timedelta(minutes=n)).isoformat(timespec="seconds")
        return Case(id=f"C260301-0000-{n:04d}", opened_at=opened, closed_at=opened, notes=notes,
                    caller=Caller("甲", "", "mts"), disposition="resolved", version=2)  # fmt: skip

    rows = [_case_params(case(0, "客户 补卡 护照 已核实"), "a")]
    rows += [_case_params(case(n, "护照 补卡"), "a") for n in range(1, 301)]
    with psycopg.connect(pg_url) as conn:
        conn.cursor().executemany(_INSERT, rows)
    server = CaseServer(pg_url, agent="a", client_id="t")
    try:
        found = server.history(text="补卡 护照", operator="", disposition="", limit=5, exclude_id="")
        assert [c.id for c in found] == ["C260301-0000-0000"]
        assert len(server.history(text="护照 补卡", operator="", disposition="", limit=0, exclude_id="")) == 300
        assert len(server.history(text="补卡", operator="mts", disposition="", limit=50, exclude_id="")) == 50
    finally:
        server.close()
