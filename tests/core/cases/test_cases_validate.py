"""Every field of every stored record is checked on read: a damaged field is repaired with a notice
naming the file, a record that cannot be a case is set aside, and nothing raises to the agent."""

from __future__ import annotations

import json
import math
import typing
from dataclasses import fields
from pathlib import Path
from typing import Any

import pytest

from agentui.cli import main
from agentui.core.cases.model import Caller, Case, Disposition
from agentui.core.cases.opening import open_store
from agentui.core.cases.reader import read_history
from agentui.core.cases.validate import from_stored

CASE_ID = "C260115-0930-7F3A"
OPENED = "2026-01-15T09:30:00+00:00"
CLOSED = "2026-01-15T09:40:00+00:00"


def good_record(*, closed: bool) -> dict[str, Any]:
    case = Case(id=CASE_ID, opened_at=OPENED, caller=Caller("王芳", "+7 916 123-45-67", "mts"), category="补卡",
                notes="客户要补卡", steps={"sim-replace": [1, 2]}, articles=["sim-replace"], scripts=["greeting"])
    if closed:
        case.closed_at, case.disposition, case.summary = CLOSED, "resolved", "已解决"
        case.duration_s, case.talk_s, case.wrap_s, case.hold_count, case.hold_s = 600, 540, 60, 1, 30
    return case.to_dict()


WRONG_TEXT = [123, 1.5, ["x"], {"a": 1}, None, True, "bad \ud800 text"]
WRONG_INSTANT = [12345, "abc", ["x"], {"a": 1}, True, "2026-13-45T00:00:00", "\ud800"]
WRONG_SECONDS = ["abc", -5, math.inf, [1], {"a": 1}, True, 1.5, 10**30, "\ud800"]
WRONG_LIST = ["abc", 123, None, {"a": 1}, [1, None, {"x": 2}], ["\ud800"], True]
WRONG_STEPS: list[Any] = [123, "x", ["p"], None, {"p": 1}, {"p": [math.inf]}, {"p": ["a"]}, {"p": [-1]},
                          {"p": [True]}, {"p": [1.5]}, {"p": None}, {"\ud800": [1]}]

FIELD_CASES: list[tuple[str, Any]] = [
    *(("caller", v) for v in [123, "x", ["a"], None, True]),
    *((f"caller.{name}", v) for name in ("name", "phone", "operator") for v in WRONG_TEXT),
    *((name, v) for name in ("category", "notes", "summary") for v in WRONG_TEXT),
    *(("steps", v) for v in WRONG_STEPS),
    *((name, v) for name in ("articles", "scripts") for v in WRONG_LIST),
    *(("closed_at", v) for v in WRONG_INSTANT),
    *(("disposition", v) for v in [123, "nonsense", ["x"], {"a": 1}, True, "\ud800"]),
    *((name, v) for name in ("duration_s", "talk_s", "wrap_s", "hold_count", "hold_s") for v in WRONG_SECONDS),
    *((name, v) for name in ("timer_from", "hold_started_at", "talk_ended_at") for v in WRONG_INSTANT),
    *(("opened_at", v) for v in [123, None, "garbage", ["x"], "\ud800"]),
]


def damaged(record: dict[str, Any], field: str, value: Any) -> dict[str, Any]:
    record = json.loads(json.dumps(record))
    if field.startswith("caller."):
        record["caller"][field.split(".", 1)[1]] = value
    else:
        record[field] = value
    return record


def assert_well_typed(case: Case, *, closed: bool) -> None:
    """Each field has its model's type, numbers are finite and in range, text is valid Unicode."""
    hints = typing.get_type_hints(Case)
    for f in fields(Case):
        value = getattr(case, f.name)
        if f.name == "caller":
            assert isinstance(value, Caller)
            for part in ("name", "phone", "operator"):
                text = getattr(value, part)
                assert isinstance(text, str)
                text.encode("utf-8")
            continue
        expected = hints[f.name]
        if value is None:
            assert type(None) in typing.get_args(expected), f"{f.name} may not be None"
            continue
        if isinstance(value, str):
            value.encode("utf-8")
        if isinstance(value, int):
            assert not isinstance(value, bool) and 0 <= value < 10**10, (f.name, value)
    assert case.steps == {str(k): sorted(set(v)) for k, v in case.steps.items()}
    assert all(type(n) is int and n >= 0 for v in case.steps.values() for n in v)
    assert all(isinstance(a, str) for a in [*case.articles, *case.scripts])
    for key in case.steps:
        key.encode("utf-8")
    for text in [*case.articles, *case.scripts]:
        text.encode("utf-8")
    assert (case.closed_at is not None) == closed
    if closed:
        assert case.disposition in {d.value for d in Disposition}


@pytest.mark.parametrize(("field", "value"), FIELD_CASES, ids=[f"{f}={v!r}"[:60] for f, v in FIELD_CASES])
@pytest.mark.parametrize("closed", [False, True], ids=["active", "history"])
def test_each_wrong_field_is_repaired_and_reported(field: str, value: Any, closed: bool) -> None:
    result = from_stored(damaged(good_record(closed=closed), field, value), closed=closed)
    assert result.case is not None, result.reason
    assert_well_typed(result.case, closed=closed)
    assert result.case.id == CASE_ID
    assert result.repairs, "a repaired record is always reported"
    assert any(field.split(".")[0] in message for message in result.repairs), result.repairs


@pytest.mark.parametrize("closed", [False, True], ids=["active", "history"])
def test_a_good_record_is_returned_unchanged_without_notices(closed: bool) -> None:
    record = good_record(closed=closed)
    result = from_stored(record, closed=closed)
    assert result.repairs == () and result.case is not None and result.case.to_dict() == record


@pytest.mark.parametrize(
    "record",
    [123, "x", None, [], {"opened_at": OPENED}, {"id": 123, "opened_at": OPENED}, {"id": "", "opened_at": OPENED},
     {"id": "C\ud800", "opened_at": OPENED}, {"id": "C1\x1b[2J", "opened_at": OPENED},
     {"id": "not-a-case-id", "opened_at": "garbage"}],
)
def test_a_record_without_a_usable_id_is_not_a_case(record: Any) -> None:
    result = from_stored(record, closed=True)
    assert result.case is None and result.reason


def test_an_unusable_opened_at_is_rebuilt_from_the_case_id() -> None:
    result = from_stored(damaged(good_record(closed=True), "opened_at", "garbage"), closed=True)
    assert result.case is not None and result.case.opened_at == OPENED


def write_active(data_dir: Path, record: dict[str, Any]) -> Path:
    path = data_dir / "cases" / "active.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"active": {"1": record}}), encoding="utf-8")
    return path


def write_month(data_dir: Path, records: list[dict[str, Any]]) -> Path:
    path = data_dir / "cases" / "history" / "2026-01.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"cases": {str(i): r for i, r in enumerate(records, 1)}}), encoding="utf-8")
    return path


ISSUE_ACTIVE = [("notes", 123), ("category", ["x"]), ("timer_from", 12345), ("steps", {"p": [math.inf]}),
                ("summary", None), ("articles", ["ok", "\ud800"])]


@pytest.mark.parametrize(("field", "value"), ISSUE_ACTIVE, ids=[f for f, _ in ISSUE_ACTIVE])
def test_console_starts_on_a_damaged_active_case_and_keeps_saving(tmp_path: Path, field: str, value: Any) -> None:
    data_dir = tmp_path / "data"
    path = write_active(data_dir, damaged(good_record(closed=False), field, value))
    original = path.read_bytes()
    store = open_store(data_dir)
    try:
        case = store.active()
        assert case is not None and case.id == CASE_ID
        assert_well_typed(case, closed=False)
        [note] = store.recovery_notes
        assert "active.json" in note and field in note
        [kept] = path.parent.glob("active.json.before-repair-*")
        assert kept.read_bytes() == original, "the damaged file is kept as it was"
        assert kept.name in note
        store.update(notes="继续打字")  # the first autosave works
        store.record_article("esim")
        closed = store.close(Disposition.RESOLVED, "done")
        assert closed.notes == "继续打字"
    finally:
        store.close_store()
    store = open_store(data_dir)
    assert store.recovery_notes == [], "the repair was written: the next start is quiet"
    store.close_store()


ISSUE_HISTORY = [("duration_s", "abc"), ("summary", None), ("notes", 123), ("caller", ["x"]),
                 ("steps", {"p": [math.inf]}), ("disposition", 7), ("closed_at", None)]


@pytest.mark.parametrize(("field", "value"), ISSUE_HISTORY, ids=[f for f, _ in ISSUE_HISTORY])
def test_history_with_a_damaged_record_still_lists_searches_and_exports(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], field: str, value: Any
) -> None:
    data_dir = tmp_path / "data"
    other = good_record(closed=True) | {"id": "C260116-1000-ABCD", "opened_at": "2026-01-16T10:00:00+00:00"}
    month = write_month(data_dir, [damaged(good_record(closed=True), field, value), other])

    snapshot = read_history(data_dir)  # the CLI's reader: repairs in memory, changes nothing
    assert [c.id for c in snapshot.closed] == ["C260116-1000-ABCD", CASE_ID]
    for case in snapshot.closed:
        assert_well_typed(case, closed=True)
    assert any("2026-01.json" in note and field in note for note in snapshot.repairs)
    for argv in (["list"], ["show", CASE_ID], ["export"], ["export", "--format", "csv"],
                 ["export", "--format", "md"], ["export", "--mask"]):
        code = main(["cases", *argv, "--data", str(data_dir)])
        out, err = capsys.readouterr()
        assert code == 0, err
        assert CASE_ID in out and "Traceback" not in err and "2026-01.json" in err

    store = open_store(data_dir)
    try:
        assert [c.id for c in store.history()] == ["C260116-1000-ABCD", CASE_ID]
        assert store.get(CASE_ID) is not None
        assert store.history(text="客户") and store.history(text="zzz") == []
        assert any("2026-01.json" in note and field in note for note in store.recovery_notes)
        store.reopen(CASE_ID)  # the repaired case can be worked on again
        store.close(Disposition.OTHER, "again")
    finally:
        store.close_store()
    assert list(month.parent.glob("2026-01.json.before-repair-*")), "the damaged version is kept"


def test_text_with_lone_surrogates_never_makes_a_save_fail(tmp_path: Path) -> None:
    """Entry ids come from file names, which may not be UTF-8; text from a broken paste."""
    store = open_store(tmp_path / "data")
    try:
        store.open_case()
        store.record_article("补卡\udcb2\udcb9")
        store.record_script("greet\ud800")
        store.tick_step("proc\udfff", 1, True)
        result = store.update(caller=Caller("王\ud800", "+7\udc00", "mts\ud800"), category="\ud800", notes="a\ud83d")
        assert result.case.notes == "a\ufffd" and result.redactions
        closed = store.close(Disposition.RESOLVED, "好\ud800")
        assert closed.summary == "好\ufffd" and closed.articles == ["补卡\ufffd\ufffd"]
        assert closed.scripts == ["greet\ufffd"] and closed.steps == {"proc\ufffd": [1]}
        assert store.get(closed.id) == closed
    finally:
        store.close_store()
