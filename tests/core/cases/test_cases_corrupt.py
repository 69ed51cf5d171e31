"""Damaged files are moved aside and reported; the rest of the history still loads; nothing vanishes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import temp_files

from agentui.core.cases.model import Disposition
from agentui.core.cases.opening import open_store
from agentui.core.cases.reader import read_history


def two_months(data_dir: Path) -> tuple[Path, Path]:
    """One closed case in each of two months (the second written by hand in the store's format)."""
    store = open_store(data_dir)
    store.open_case()
    store.update(notes="本月的案子")
    store.close(Disposition.RESOLVED, "ok")
    store.close_store()
    history = data_dir / "cases" / "history"
    [this_month] = history.glob("*.json")
    old = history / "2025-01.json"
    case = {"id": "C250115-0900-ABCD", "opened_at": "2025-01-15T09:00:00+00:00", "notes": "去年的案子",
            "closed_at": "2025-01-15T09:10:00+00:00", "disposition": "resolved", "summary": "old"}
    old.write_text(json.dumps({"cases": {"1": case}}, ensure_ascii=False), encoding="utf-8")
    return this_month, old


@pytest.mark.parametrize(
    "damage",
    [b'{"cases": {"1": {"id": "C25', b"\xff\xfe not utf-8", b"[1, 2, 3]", b'{"cases": [1]}'],
    ids=["truncated-json", "not-utf8", "not-tables", "table-not-dict"],
)
def test_corrupt_month_is_moved_aside_and_the_rest_loads(data_dir: Path, damage: bytes) -> None:
    this_month, old = two_months(data_dir)
    old.write_bytes(damage)

    snapshot = read_history(data_dir)  # the lock-free reader reports it but changes nothing
    assert [c.notes for c in snapshot.closed] == ["本月的案子"]
    assert len(snapshot.problems) == 1 and "2025-01.json" in snapshot.problems[0]
    assert old.read_bytes() == damage

    store = open_store(data_dir)
    if damage != b'{"cases": [1]}':  # damage visible at the file's ends is reported by open itself
        assert len(store.recovery_notes) == 1
    assert [c.notes for c in store.history(limit=0)] == ["本月的案子"]
    [note] = store.recovery_notes
    assert "2025-01.json" in note and "moved aside" in note
    [aside] = old.parent.glob("2025-01.json.corrupt-*")
    assert aside.read_bytes() == damage, "the damaged file is kept byte for byte"
    assert aside.name in note
    assert not old.exists()
    store.close_store()
    assert read_history(data_dir).problems == []


def test_corrupt_active_file_is_moved_aside_and_reported(data_dir: Path) -> None:
    store = open_store(data_dir)
    store.open_case()
    store.update(notes="进行中")
    store.close_store()
    active = data_dir / "cases" / "active.json"
    damaged = active.read_bytes()[:-7]
    active.write_bytes(damaged)

    store = open_store(data_dir)
    assert store.active() is None
    [note] = store.recovery_notes
    assert "active.json" in note and "moved aside" in note and "not valid JSON" in note
    [aside] = active.parent.glob("active.json.corrupt-*")
    assert aside.read_bytes() == damaged
    store.open_case()  # the console keeps working
    store.close_store()


def test_unreadable_record_is_reported_and_kept(data_dir: Path) -> None:
    this_month, _ = two_months(data_dir)
    tables = json.loads(this_month.read_text(encoding="utf-8"))
    tables["cases"]["99"] = {"not": "a case"}
    this_month.write_text(json.dumps(tables, ensure_ascii=False), encoding="utf-8")

    store = open_store(data_dir)
    assert len(store.history(limit=0)) == 2
    assert any("record 99" in note for note in store.recovery_notes)
    store.open_case()
    store.close(Disposition.OTHER, "new")  # rewrites the month file...
    store.close_store()
    assert json.loads(this_month.read_text(encoding="utf-8"))["cases"]["99"] == {"not": "a case"}  # ...keeping it


def test_leftover_temp_files_are_removed_on_open(data_dir: Path) -> None:
    two_months(data_dir)
    leftovers = [
        data_dir / "cases" / ".active.json.tmp-123-abcd",
        data_dir / "cases" / "history" / ".2025-01.json.tmp-123-ef01",
    ]
    for path in leftovers:
        path.write_bytes(b'{"half": ')
    assert len(read_history(data_dir).closed) == 2  # readers never look at them
    store = open_store(data_dir)
    assert temp_files(data_dir) == [] and store.recovery_notes == []
    assert len(store.history(limit=0)) == 2
    store.close_store()


def test_crash_between_the_two_writes_of_close_settles_to_closed(data_dir: Path) -> None:
    store = open_store(data_dir)
    case = store.open_case()
    store.update(notes="关闭时断电")
    active_bytes = (data_dir / "cases" / "active.json").read_bytes()
    store.close(Disposition.RESOLVED, "done")
    store.close_store()
    (data_dir / "cases" / "active.json").write_bytes(active_bytes)  # as if the second write never happened

    snapshot = read_history(data_dir)
    assert snapshot.active is None and [c.id for c in snapshot.closed] == [case.id]
    store = open_store(data_dir)
    assert store.active() is None and [c.id for c in store.history()] == [case.id]
    assert any(case.id in note for note in store.recovery_notes)
    store.close_store()


def test_edits_after_a_failed_close_win_over_the_half_closed_copy(data_dir: Path) -> None:
    store = open_store(data_dir)
    case = store.open_case()
    store.close(Disposition.RESOLVED, "done")
    store.reopen(case.id)
    store.update(notes="失败的结案之后又写的")
    active_bytes = (data_dir / "cases" / "active.json").read_bytes()
    store.close_store()
    store = open_store(data_dir)
    store.close(Disposition.RESOLVED, "again")
    store.close_store()
    (data_dir / "cases" / "active.json").write_bytes(active_bytes)
    month = next((data_dir / "cases" / "history").glob("*.json"))
    tables = json.loads(month.read_text(encoding="utf-8"))
    doc = next(iter(tables["cases"].values()))
    doc["notes"] = ""  # the history copy predates the edit
    month.write_text(json.dumps(tables, ensure_ascii=False), encoding="utf-8")

    snapshot = read_history(data_dir)
    assert snapshot.active is not None and snapshot.active.notes == "失败的结案之后又写的" and snapshot.closed == []
    store = open_store(data_dir)
    assert store.active().notes == "失败的结案之后又写的" and store.history() == []
    store.close_store()
