"""The case store's contract, run against both backends: the embedded TinyDB store and the team
store on PostgreSQL. The console and the CLI never know which one they hold."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from backends import Backend

from agentui.core.cases import CaseReader, CaseStore
from agentui.core.cases.errors import CaseAlreadyOpen, CaseNotFound, NoActiveCase, StoreError
from agentui.core.cases.model import Caller, Disposition

UNICODE_NOTES = "客户：王小明 😀👨‍👩‍👧 e\u0301 ñ\u0303 Ёлка \"引号\" \\ 反斜杠\n第二行\t制表\u200b零宽"


class MovingClock:
    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime(2026, 3, 2, 10, 0, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: int) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture(params=["embedded", "server"])
def backend(request: pytest.FixtureRequest, tmp_path: Path):
    url = request.getfixturevalue("pg_url") if request.param == "server" else ""
    made = Backend(request.param, tmp_path, url)
    yield made
    made.close_all()


def test_store_satisfies_the_protocol(backend: Backend) -> None:
    store = backend.open()

    def use(cases: CaseStore) -> None:
        assert cases.active() is None

    use(store)
    protocol_members = {name for cls in (CaseStore, CaseReader) for name in vars(cls) if not name.startswith("_")}
    assert protocol_members <= set(dir(store))
    assert isinstance(store, CaseStore) and store.complete


def test_the_wrap_up_summary_draft_is_kept_until_the_close(backend: Backend) -> None:
    store = backend.open()
    store.open_case()
    assert store.update(summary="客户在国外，已告知").case.summary == "客户在国外，已告知"
    store.close_store()
    store = backend.open()
    active = store.active()
    assert active is not None and active.summary == "客户在国外，已告知"
    assert store.close(Disposition.RESOLVED, "客户在国外，已告知补卡时长").summary == "客户在国外，已告知补卡时长"


def test_full_call_is_saved_and_comes_back_after_restart(backend: Backend) -> None:
    store = backend.open()
    case = store.open_case()
    assert re.fullmatch(r"C\d{6}-\d{4}-[0-9A-HJKMNP-TV-Z]{4}", case.id)
    store.update(caller=Caller("张伟", "+7 (495) 777-00-00", "mts"), category="补卡")
    store.update(notes="客户丢失了 eSIM")
    store.tick_step("esim-replacement", 2, True)
    store.tick_step("esim-replacement", 1, True)
    store.tick_step("esim-replacement", 2, False)
    store.tick_step("esim-replacement", 3, True)
    store.record_article("esim-replacement")
    store.record_article("faq-replacement-fee")
    store.record_article("esim-replacement")
    store.record_script("script-greeting")
    store.close_store()

    store = backend.open()  # a restart mid-call: the call is still there
    active = store.active()
    assert active is not None and active.id == case.id and active.opened_at == case.opened_at
    assert active.caller == Caller("张伟", "+7 (495) 777-00-00", "mts")
    assert active.category == "补卡" and active.notes == "客户丢失了 eSIM"
    assert active.steps == {"esim-replacement": [1, 3]}
    assert active.articles == ["esim-replacement", "faq-replacement-fee"]
    assert active.scripts == ["script-greeting"]

    closed = store.close(Disposition.RESOLVED, "已补办")
    assert closed.closed_at is not None and closed.disposition == "resolved" and closed.summary == "已补办"
    assert isinstance(closed.duration_s, int) and closed.duration_s >= 0
    assert store.active() is None
    store.close_store()

    store = backend.open()
    assert store.active() is None
    [again] = store.history()
    assert again == closed
    assert store.get(case.id) == closed


def test_unicode_round_trips_byte_identical(backend: Backend) -> None:
    store = backend.open()
    store.open_case()
    store.update(notes=UNICODE_NOTES, caller=Caller("Алёна 李", "", ""))
    store.close(Disposition.OTHER, "总结 🙂 e\u0301")
    store.open_case()
    store.update(notes=UNICODE_NOTES)
    store.close_store()

    store = backend.open()
    assert store.active().notes.encode("utf-8") == UNICODE_NOTES.encode("utf-8")
    [closed] = store.history()
    assert closed.notes.encode() == UNICODE_NOTES.encode()
    assert closed.caller.name == "Алёна 李" and closed.summary == "总结 🙂 e\u0301"
    store.close_store()
    raw = (backend.data_dir / "cases" / "active.json").read_bytes()
    assert "王小明 😀".encode() in raw, "files keep real UTF-8 characters, not \\u escapes"
    assert json.loads(raw.decode("utf-8"))


def test_one_active_case_at_a_time(backend: Backend) -> None:
    store = backend.open()
    with pytest.raises(NoActiveCase):
        store.update(notes="x")
    with pytest.raises(NoActiveCase):
        store.close(Disposition.RESOLVED, "")
    case = store.open_case()
    with pytest.raises(CaseAlreadyOpen, match=case.id):
        store.open_case()


def test_history_filters_and_order(backend: Backend) -> None:
    store = backend.open()
    made = []
    for name, operator, disposition, notes in (
        ("甲", "mts", Disposition.RESOLVED, "eSIM 激活失败"),
        ("乙", "beeline", Disposition.ESCALATED, "补卡 需要护照"),
        ("丙", "mts", Disposition.CALLBACK, "ESIM 续费"),
    ):
        store.open_case()
        store.update(caller=Caller(name, "+7 (916) 123-45-6" + str(len(made)), operator), notes=notes)
        made.append(store.close(disposition, f"{name} 小结"))
    store.open_case()
    store.update(notes="esim open case is not history")

    assert [case.id for case in store.history()] == [case.id for case in reversed(made)]
    assert [c.caller.name for c in store.history(text="esim")] == ["丙", "甲"]  # case-insensitive
    assert [c.caller.name for c in store.history(operator="mts")] == ["丙", "甲"]
    assert [c.caller.name for c in store.history(disposition="escalated")] == ["乙"]
    assert [c.caller.name for c in store.history(text="9161234561")] == ["乙"]  # phone digits only
    assert [c.caller.name for c in store.history(text="乙 小结")] == ["乙"]
    assert [c.caller.name for c in store.history(text="补卡")] == ["乙"]  # two Chinese characters
    assert [c.caller.name for c in store.history(text="续")] == ["丙"]  # one
    assert [c.caller.name for c in store.history(text="激活失败")] == ["甲"]
    assert len(store.history(limit=2)) == 2
    assert store.history(text="no such thing") == []
    assert store.history(text="100%") == [] and store.history(text="_") == []


def test_reopen_makes_a_closed_case_active_again(backend: Backend) -> None:
    store = backend.open()
    case = store.open_case()
    store.update(notes="第一次")
    store.close(Disposition.CALLBACK, "回电")
    with pytest.raises(CaseNotFound):
        store.reopen("C000000-0000-XXXX")
    reopened = store.reopen(case.id)
    assert reopened.closed_at is None and reopened.disposition is None and reopened.notes == "第一次"
    assert store.history() == []
    store.update(notes="第一次\n回电后补充")
    store.close_store()

    store = backend.open()
    assert store.active().notes == "第一次\n回电后补充"
    closed = store.close(Disposition.RESOLVED, "done")
    assert [c.id for c in store.history()] == [case.id] and closed.notes.endswith("回电后补充")


def test_returned_cases_are_copies(backend: Backend) -> None:
    store = backend.open()
    store.open_case()
    result = store.update(notes="kept")
    result.case.notes = "changed by the caller"
    store.active().articles.append("not saved")
    assert store.active().notes == "kept" and store.active().articles == []


def test_redaction_is_applied_before_anything_is_stored_and_reported(backend: Backend) -> None:
    store = backend.open()
    store.open_case()
    result = store.update(notes="卡号 4111 1111 1111 1111 CVV 123", caller=Caller("x", "5555555555554444", ""))
    assert result.case.notes == "卡号 [卡号已隐藏 ****1111] CVV [安全码已删除]"
    assert result.case.caller.phone == "[卡号已隐藏 ****4444]"
    assert any("备注" in m and "****1111" in m for m in result.redactions)
    assert any("来电号码" in m for m in result.redactions)
    assert store.update(notes="没有敏感信息").redactions == ()
    store.close(Disposition.RESOLVED, "客户念了卡号 4111-1111-1111-1111")
    assert any("小结" in m for m in store.last_redactions)
    store.record_event("miss", "退款 4111 1111 1111 1111")
    assert store.events("miss", since="2000-01-01T00:00:00+00:00")[0].ref == "退款 [卡号已隐藏 ****1111]"
    store.close_store()
    everything = backend.stored_bytes()
    # Not a bare b"123": case ids and timestamps hold the clock's digits (a run at 01:23 failed).
    assert b"4111 1111" not in everything and b"4111-1111" not in everything and b"CVV 123" not in everything
    assert b"5555555555554444" not in everything


def test_closed_store_refuses_use(backend: Backend) -> None:
    store = backend.open()
    store.close_store()
    with pytest.raises(StoreError, match="closed"):
        store.open_case()
    backend.open().close_store()  # and the lock was released


def test_a_reopened_case_counts_talk_time_not_the_days_it_was_closed(backend: Backend) -> None:
    """Talked 2 min, closed, reopened 3 days later, talked 1 more min: the case lasted 3 min, and
    the header's timer resumes at 2:00 (also after a restart)."""
    clock = MovingClock(datetime(2026, 12, 1, 9, 0, 0, tzinfo=UTC))
    store = backend.open(clock=clock)
    case = store.open_case()
    clock.advance(120)
    assert store.close(Disposition.CALLBACK, "回电").duration_s == 120
    clock.now = datetime(2026, 12, 4, 15, 0, 0, tzinfo=UTC)
    reopened = store.reopen(case.id)
    assert reopened.timer_start == "2026-12-04T14:58:00+00:00" and reopened.opened_at == case.opened_at
    store.close_store()
    store = backend.open(clock=clock)
    assert store.active().timer_start == "2026-12-04T14:58:00+00:00"
    clock.advance(60)
    assert store.close(Disposition.RESOLVED, "done").duration_s == 180


def test_call_phases_are_measured_and_kept(backend: Backend) -> None:
    clock = MovingClock()
    store = backend.open(clock=clock)
    store.open_case()
    clock.advance(60)
    assert store.set_hold(True).case.on_hold
    clock.advance(30)
    store.set_hold(False)
    store.set_hold(False)
    clock.advance(40)
    store.end_talk()
    clock.advance(25)
    closed = store.close(Disposition.RESOLVED, "done")
    assert (closed.hold_count, closed.hold_s, closed.talk_s, closed.wrap_s) == (1, 30, 100, 25)
    assert store.get(closed.id) == closed


def test_every_case_says_who_opened_edited_and_closed_it(backend: Backend) -> None:
    store = backend.open(agent="wang")
    opened = store.open_case()
    assert opened.opened_by == "wang" and opened.edited_by == [] and opened.version == 1
    first = store.update(notes="a").case
    second = store.update(notes="b").case
    assert second.version == first.version + 1 and second.edited_by == ["wang"]
    assert store.update(notes="b").case.version == second.version, "a save that changes nothing is no write"
    closed = store.close(Disposition.RESOLVED, "")
    assert closed.closed_by == "wang" and closed.version == second.version + 1
    store.close_store()
    store = backend.open(agent="li")
    reopened = store.reopen(closed.id)
    assert reopened.closed_by == "" and reopened.version == closed.version + 1
    edited = store.update(notes="b c").case
    assert edited.edited_by == ["wang", "li"] and edited.opened_by == "wang"
    assert store.close(Disposition.CALLBACK, "").closed_by == "li"


def test_usage_and_miss_records_are_kept_and_queried_by_time(backend: Backend) -> None:
    store = backend.open(agent="wang")
    store.record_event("open", "esim-replacement", case_id="C1", at="2026-03-01T10:00:00+00:00")
    store.record_event("open", "faq-fee", at="2026-03-02T10:00:00Z")
    store.record_event("miss", "注销流量卡", at="2026-03-02T11:00:00+00:00")
    store.close_store()
    store = backend.open(agent="wang")
    opens = store.events("open", since="2026-03-01T00:00:00+00:00")
    assert [(e.ref, e.agent, e.case_id) for e in opens] == [("esim-replacement", "wang", "C1"), ("faq-fee", "wang", "")]
    assert [e.ref for e in store.events("open", since="2026-03-02T00:00:00+00:00")] == ["faq-fee"]
    assert [e.ref for e in store.events("open", since="2026-03-01T00:00:00+00:00",
                                        until="2026-03-02T00:00:00+00:00")] == ["esim-replacement"]  # fmt: skip
    assert store.events("open", since="2026-03-01T00:00:00+00:00", agent="li") == []
    assert [e.at for e in store.events("miss", since="2026-03-01T00:00:00+00:00")] == ["2026-03-02T11:00:00+00:00"]
    with pytest.raises(StoreError, match="kind"):
        store.record_event("nonsense", "x")


def test_call_records_hold_what_a_report_needs(backend: Backend) -> None:
    clock = MovingClock()
    store = backend.open(agent="wang", clock=clock)
    store.open_case()
    store.update(caller=Caller("甲", "", "mts"), category="补卡")
    store.record_article("esim-replacement")
    store.record_script("script-greeting")
    clock.advance(90)
    first = store.close(Disposition.RESOLVED, "")
    clock.advance(3600)
    store.open_case()
    clock.advance(30)
    second = store.close(Disposition.ESCALATED, "")
    records = store.call_records(since="2026-03-02T00:00:00+00:00")
    assert [r.id for r in records] == [first.id, second.id]
    assert records[0].agent == "wang" and records[0].operator == "mts" and records[0].category == "补卡"
    assert records[0].articles == ("esim-replacement",) and records[0].scripts == ("script-greeting",)
    assert (records[0].talk_s, records[0].duration_s, records[0].disposition) == (90, 90, "resolved")
    assert [r.id for r in store.call_records(since="2026-03-02T10:30:00+00:00")] == [second.id]
    assert store.call_records(since="2026-03-02T00:00:00+00:00", until="2026-03-02T10:02:00+00:00")[0].id == first.id
    assert store.call_records(since="2026-03-02T00:00:00+00:00", agent="li") == []


def test_pins_and_uses_are_kept_per_agent_and_read_without_the_consoles_lock(backend: Backend) -> None:
    """Pins and uses go through the protocol on both stores; `agentui kb gaps` and `agentui search`
    read them with `open_event_reader` while the console holds the store (issue 16 §4)."""
    from agentui.core.cases.choose import open_event_reader
    from agentui.core.cases.usage import read_usage

    store = backend.open(agent="wang")
    store.record_event("pin", "contact-mts", at="2026-03-01T10:00:00+00:00")
    store.record_event("pin", "faq-fee", at="2026-03-01T10:00:00+00:00")
    store.record_event("unpin", "faq-fee", at="2026-03-01T10:00:00+00:00")  # the same second
    store.record_event("open", "esim-replacement", case_id="C1", at="2026-03-01T10:00:00+00:00")
    store.record_event("miss", "注销流量卡", at="2026-03-01T10:01:00+00:00")
    now = datetime(2026, 3, 2, tzinfo=UTC)
    assert read_usage(store, "wang", now).pinned == {"contact-mts"}
    if backend.kind == "server":
        assert hasattr(store, "sync_now") and store.sync_now()
    reader = open_event_reader(backend.data_dir, store_url=backend.url, agent="wang")  # the store is still open
    try:
        history = read_usage(reader, "wang", now)
        misses = reader.events("miss", since="2026-03-01T00:00:00+00:00")
    finally:
        reader.close_store()
    assert history.pinned == {"contact-mts"} and history.counts == {"esim-replacement": 1}
    assert [(e.ref, e.agent) for e in misses] == [("注销流量卡", "wang")]
