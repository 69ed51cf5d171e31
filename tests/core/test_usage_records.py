"""An agent's usage from the store's records: counts, recent entries, pins (issue 16 §4)."""

from __future__ import annotations

from datetime import UTC, datetime

from agentui.core.cases.opening import open_store
from agentui.core.cases.records import Event
from agentui.core.cases.usage import UsageHistory, pinned_of, read_usage


def event(kind: str, ref: str, at: str, case_id: str = "") -> Event:
    return Event(kind=kind, ref=ref, at=at, agent="wang", case_id=case_id)


def test_pins_need_no_order_two_presses_in_one_second_unpin():
    same_second = "2026-03-02T10:00:00+00:00"
    later = "2026-03-02T10:01:00+00:00"
    pins = [event("pin", "a", same_second), event("pin", "b", same_second), event("pin", "a", later)]
    unpins = [event("unpin", "a", same_second), event("unpin", "b", same_second)]
    assert pinned_of(pins, unpins) == {"a"}


def test_recent_entries_are_the_open_calls_newest_first_and_counts_sum_every_kind():
    uses = [
        event("open", "faq-data-backup", "2026-03-01T09:00:00+00:00"),  # an earlier call
        event("open", "esim-replacement", "2026-03-01T10:00:00+00:00", "C2"),
        event("tick", "esim-replacement", "2026-03-01T10:01:00+00:00", "C2"),
        event("open", "faq-replacement-fee", "2026-03-01T10:02:00+00:00", "C2"),
        event("script", "script-greeting", "2026-03-01T10:02:30+00:00", "C2"),
        event("open", "esim-replacement", "2026-03-01T10:03:00+00:00", "C2"),
    ]
    history = UsageHistory.from_events(uses, case_id="C2")
    assert history.recent_entries() == ["esim-replacement", "faq-replacement-fee"]
    assert UsageHistory.from_events(uses).recent_entries() == []  # no call in progress
    assert history.counts == {"esim-replacement": 3, "faq-replacement-fee": 1, "script-greeting": 1,
                              "faq-data-backup": 1}
    assert UsageHistory().empty and not history.empty


def test_usage_is_read_back_from_the_store_within_its_window(tmp_path):
    now = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
    store = open_store(tmp_path / "data", agent="wang")
    store.record_event("open", "faq-old", at="2025-12-01T10:00:00+00:00")  # older than 90 days
    store.record_event("open", "esim-replacement", at="2026-05-30T10:00:00+00:00")
    store.record_event("pin", "contact-mts", at="2024-01-01T10:00:00+00:00")  # pins never expire
    history = read_usage(store, "wang", now)
    store.close_store()
    assert history.counts == {"esim-replacement": 1}
    assert history.pinned == {"contact-mts"}
