"""The case lifecycle as the console drives it, and that everything survives a restart."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from agentui.core.cases import CaseStore
from agentui.core.cases.errors import CaseAlreadyOpen, CaseNotFound, NoActiveCase, StoreError
from agentui.core.cases.model import Caller, Disposition
from agentui.core.cases.store import TinyCaseStore, open_store

UNICODE_NOTES = "客户：王小明 😀👨‍👩‍👧 e\u0301 ñ\u0303 Ёлка \"引号\" \\ 反斜杠\n第二行\t制表\u200b零宽"


def test_store_satisfies_the_protocol(store: TinyCaseStore) -> None:
    def use(cases: CaseStore) -> None:
        assert cases.active() is None

    use(store)
    protocol_methods = {name for name in vars(CaseStore) if not name.startswith("_")}
    assert protocol_methods <= set(dir(store))


def test_full_call_is_saved_and_comes_back_after_restart(data_dir: Path) -> None:
    store = open_store(data_dir)
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

    store = open_store(data_dir)  # a restart mid-call: the call is still there
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

    store = open_store(data_dir)
    assert store.active() is None
    [again] = store.history()
    assert again == closed
    assert store.get(case.id) == closed
    store.close_store()


def test_unicode_round_trips_byte_identical(data_dir: Path) -> None:
    store = open_store(data_dir)
    store.open_case()
    store.update(notes=UNICODE_NOTES, caller=Caller("Алёна 李", "", ""))
    store.close(Disposition.OTHER, "总结 🙂 e\u0301")
    store.open_case()
    store.update(notes=UNICODE_NOTES)
    store.close_store()

    store = open_store(data_dir)
    assert store.active().notes.encode("utf-8") == UNICODE_NOTES.encode("utf-8")
    [closed] = store.history()
    assert closed.notes.encode() == UNICODE_NOTES.encode()
    assert closed.caller.name == "Алёна 李" and closed.summary == "总结 🙂 e\u0301"
    store.close_store()
    raw = (data_dir / "cases" / "active.json").read_bytes()
    assert "王小明 😀".encode() in raw, "files keep real UTF-8 characters, not \\u escapes"
    assert json.loads(raw.decode("utf-8"))


def test_one_active_case_at_a_time(store: TinyCaseStore) -> None:
    with pytest.raises(NoActiveCase):
        store.update(notes="x")
    with pytest.raises(NoActiveCase):
        store.close(Disposition.RESOLVED, "")
    case = store.open_case()
    with pytest.raises(CaseAlreadyOpen, match=case.id):
        store.open_case()


def test_history_filters_and_order(store: TinyCaseStore) -> None:
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
    assert len(store.history(limit=2)) == 2
    assert store.history(text="no such thing") == []


def test_reopen_makes_a_closed_case_active_again(data_dir: Path) -> None:
    store = open_store(data_dir)
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

    store = open_store(data_dir)
    assert store.active().notes == "第一次\n回电后补充"
    closed = store.close(Disposition.RESOLVED, "done")
    assert [c.id for c in store.history()] == [case.id] and closed.notes.endswith("回电后补充")
    store.close_store()


def test_returned_cases_are_copies(store: TinyCaseStore) -> None:
    store.open_case()
    result = store.update(notes="kept")
    result.case.notes = "changed by the caller"
    store.active().articles.append("not saved")
    assert store.active().notes == "kept" and store.active().articles == []


def test_redaction_is_applied_before_writing_and_reported(data_dir: Path) -> None:
    store = open_store(data_dir)
    store.open_case()
    result = store.update(notes="卡号 4111 1111 1111 1111 CVV 123", caller=Caller("x", "5555555555554444", ""))
    assert result.case.notes == "卡号 [卡号已隐藏 ****1111] CVV [安全码已删除]"
    assert result.case.caller.phone == "[卡号已隐藏 ****4444]"
    assert any("备注" in m and "****1111" in m for m in result.redactions)
    assert any("来电号码" in m for m in result.redactions)
    assert store.update(notes="没有敏感信息").redactions == ()
    store.close(Disposition.RESOLVED, "客户念了卡号 4111-1111-1111-1111")
    assert any("小结" in m for m in store.last_redactions)
    store.close_store()
    everything = b"".join(p.read_bytes() for p in data_dir.rglob("*.json"))
    # Not a bare b"123": case ids and timestamps hold the clock's digits (a run at 01:23 failed).
    assert b"4111 1111" not in everything and b"4111-1111" not in everything and b"CVV 123" not in everything


def test_closed_store_refuses_use(data_dir: Path) -> None:
    store = open_store(data_dir)
    store.close_store()
    with pytest.raises(StoreError, match="closed"):
        store.open_case()
    open_store(data_dir).close_store()  # and the lock was released


def test_permissions_are_private(data_dir: Path) -> None:
    data_dir.mkdir(mode=0o755)
    store = open_store(data_dir)
    store.open_case()
    store.update(notes="x")
    store.close(Disposition.RESOLVED, "y")
    store.open_case()
    store.close_store()
    for path in [data_dir, *data_dir.rglob("*")]:
        mode = path.stat().st_mode & 0o777
        assert mode == (0o700 if path.is_dir() else 0o600), f"{path} is {oct(mode)}"


def test_files_made_public_by_hand_are_made_private_again(data_dir: Path) -> None:
    open_store(data_dir).close_store()
    store = open_store(data_dir)
    store.open_case()
    store.close_store()
    active = data_dir / "cases" / "active.json"
    active.chmod(0o644)
    open_store(data_dir).close_store()
    assert active.stat().st_mode & 0o777 == 0o600


def test_history_is_partitioned_so_autosave_never_rewrites_it(data_dir: Path) -> None:
    store = open_store(data_dir)
    store.open_case()
    store.close(Disposition.RESOLVED, "old")
    history_files = list((data_dir / "cases" / "history").glob("*.json"))
    assert len(history_files) == 1
    before = {p: p.stat().st_ino for p in history_files}
    store.open_case()
    for n in range(5):
        store.update(notes=f"autosave {n}")
    assert {p: p.stat().st_ino for p in history_files} == before  # replaced files get new inodes
    store.close_store()


def test_a_reopened_case_counts_talk_time_not_the_days_it_was_closed(data_dir: Path, monkeypatch) -> None:
    """Talked 2 min, closed, reopened 3 days later, talked 1 more min: the case lasted 3 min, and
    the header's timer resumes at 2:00 (also after a restart)."""
    import agentui.core.cases.store as store_module

    moments = iter([
        datetime(2026, 12, 1, 9, 0, 0, tzinfo=UTC),   # open
        datetime(2026, 12, 1, 9, 2, 0, tzinfo=UTC),   # close: 120 s
        datetime(2026, 12, 4, 15, 0, 0, tzinfo=UTC),  # reopen three days later
        datetime(2026, 12, 4, 15, 1, 0, tzinfo=UTC),  # close again: 60 s more
    ])

    class Clock(datetime):
        @classmethod
        def now(cls, tz=None):  # noqa: ANN001, ANN206 - the datetime.now signature
            return next(moments)

    monkeypatch.setattr(store_module, "datetime", Clock)
    store = open_store(data_dir)
    case = store.open_case()
    assert store.close(Disposition.CALLBACK, "回电").duration_s == 120
    reopened = store.reopen(case.id)
    assert reopened.timer_start == "2026-12-04T14:58:00+00:00" and reopened.opened_at == case.opened_at
    store.close_store()
    store = open_store(data_dir)
    assert store.active().timer_start == "2026-12-04T14:58:00+00:00"
    assert store.close(Disposition.RESOLVED, "done").duration_s == 180
    store.close_store()
