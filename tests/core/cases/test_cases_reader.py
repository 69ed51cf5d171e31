"""The lock-free reader, racing a writer that closes and reopens cases: never a gap, never a double."""

from __future__ import annotations

import threading
from pathlib import Path

from agentui.core.cases.model import Disposition
from agentui.core.cases.opening import open_store
from agentui.core.cases.reader import read_history


def test_reader_racing_close_and_reopen_sees_every_case_exactly_once(data_dir: Path) -> None:
    store = open_store(data_dir)
    created: list[str] = []
    stop = threading.Event()
    failure: list[BaseException] = []

    def writer() -> None:
        try:
            n = 0
            while not stop.is_set():
                n += 1
                if n % 4 == 0 and created:
                    store.reopen(created[0])
                else:
                    case = store.open_case()
                    created.append(case.id)
                store.update(notes=f"第 {n} 次")
                store.close(Disposition.RESOLVED, str(n))
        except BaseException as exc:  # noqa: BLE001 - surfaced below
            failure.append(exc)

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        reads = 0
        while (reads < 150 or len(created) < 30) and reads < 20_000 and not failure:
            reads += 1
            known = list(created)  # every case made before this read began
            snapshot = read_history(data_dir)
            seen = [case.id for case in snapshot.all_cases()]
            assert snapshot.problems == []
            assert len(seen) == len(set(seen)), "a case was listed twice"
            missing = set(known) - set(seen)
            assert not missing, f"cases missing from a read: {missing}"
    finally:
        stop.set()
        thread.join()
        store.close_store()
    assert not failure, failure
    assert len(created) >= 30, "the writer must have raced the reads for a while"


def _interleave(monkeypatch, action, *, before_reading: bool) -> None:
    """Run `action` (a close or reopen by the console) once, in the middle of a read."""
    from agentui.core.cases import reader

    real = reader.read_month_readonly
    pending = [action]

    def racing(paths, month):
        if before_reading and pending:
            pending.pop()()
        result = real(paths, month)
        if not before_reading and pending:
            pending.pop()()
        return result

    monkeypatch.setattr(reader, "read_month_readonly", racing)


def test_case_closed_after_history_was_read_is_still_found(data_dir: Path, monkeypatch) -> None:
    store = open_store(data_dir)
    old = store.open_case()
    store.close(Disposition.RESOLVED, "old")
    closing = store.open_case()
    store.update(notes="正在结案")
    _interleave(monkeypatch, lambda: store.close(Disposition.RESOLVED, "x"), before_reading=False)
    snapshot = read_history(data_dir)
    assert snapshot.active is None
    assert {case.id for case in snapshot.closed} == {old.id, closing.id}
    store.close_store()


def test_case_reopened_while_history_is_read_is_still_found(data_dir: Path, monkeypatch) -> None:
    store = open_store(data_dir)
    case = store.open_case()
    store.close(Disposition.RESOLVED, "x")
    _interleave(monkeypatch, lambda: store.reopen(case.id), before_reading=True)
    snapshot = read_history(data_dir)
    assert snapshot.active is not None and snapshot.active.id == case.id and snapshot.closed == []
    store.close_store()
