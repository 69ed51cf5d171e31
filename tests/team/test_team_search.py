"""History search on the server: the index keys, and paging through a common key's newest matches."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from agentui.core.cases.model import Caller, Case
from agentui.core.cases.server.remote import _INSERT, CaseServer, _case_params
from agentui.core.cases.server.search_keys import keys_of, query_keys


def test_keys_are_pairs_of_chinese_and_triples_of_the_rest() -> None:
    assert keys_of("补卡 esim") == ["补卡", "esi", "sim"]
    assert keys_of("需要补卡2次") == ["需要", "要补", "补卡"], "no key crosses from Chinese to digits"
    assert keys_of("ok 卡") == [], "too short to index: found by a scan"
    long = query_keys("保号卡补办需要护照和身份证")
    every = keys_of("保号卡补办需要护照和身份证")
    assert len(long) == 6 and long[0] == every[0] and long[-1] == every[-1] and set(long) <= set(every)


def test_a_long_query_pages_past_newer_cases_that_hold_its_keys_but_not_its_text(pg_url: str) -> None:
    """300 newer cases hold the keys of `补卡 护照` in another order; the one case holding the text
    is older than a page of them, and is still found."""
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
