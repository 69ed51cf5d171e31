"""Disk faults (ENOSPC, EIO) at every write, fsync and rename of an operation: the previous state
survives, the agent gets a clear StoreError, and trying again works."""

from __future__ import annotations

import errno
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import temp_files

from agentui.core.cases import atomic
from agentui.core.cases.errors import SaveNotConfirmed, StoreError
from agentui.core.cases.model import Disposition
from agentui.core.cases.opening import open_store
from agentui.core.cases.reader import read_history
from agentui.core.cases.store import TinyCaseStore


class FaultyOS:
    """The `os` module as the atomic writer sees it, with call number `fail_at` of `target` failing."""

    def __init__(self, target: str, fail_at: int, code: int) -> None:
        self.target, self.fail_at, self.code = target, fail_at, code
        self.calls = 0
        self.fired = False

    def __getattr__(self, name: str) -> Any:
        real = getattr(os, name)
        if name != self.target:
            return real

        def faulty(*args: Any, **kwargs: Any) -> Any:
            self.calls += 1
            if self.calls == self.fail_at:
                self.fired = True
                raise OSError(self.code, os.strerror(self.code))
            return real(*args, **kwargs)

        return faulty


def visible_state(data_dir: Path) -> tuple[Any, list[Any]]:
    """What a fresh reader (and so the next start of the console) sees."""
    snapshot = read_history(data_dir)
    assert snapshot.problems == []
    active = snapshot.active.to_dict() if snapshot.active else None
    return active, [case.to_dict() for case in snapshot.closed]


def live_state(store: TinyCaseStore) -> tuple[Any, list[Any]]:
    active = store.active()
    return (active.to_dict() if active else None), [case.to_dict() for case in store.history(limit=0)]


def prepare(data_dir: Path, with_active: bool) -> TinyCaseStore:
    store = open_store(data_dir)
    for n in range(2):
        store.open_case()
        store.update(notes=f"旧案 {n} 😀")
        store.close(Disposition.RESOLVED, f"小结 {n}")
    if with_active:
        store.open_case()
        store.update(notes="进行中的通话")
    return store


def op_update(store: TinyCaseStore) -> None:
    store.update(notes="进行中的通话\n新的一行 e\u0301")


def op_open(store: TinyCaseStore) -> None:
    store.open_case()


def op_close(store: TinyCaseStore) -> None:
    store.close(Disposition.ESCALATED, "升级处理")


def op_reopen(store: TinyCaseStore) -> None:
    store.reopen(store.history(limit=0)[-1].id)


def done_update(active: Any, closed: list[Any]) -> bool:
    return active is not None and active["notes"].endswith("新的一行 e\u0301") and len(closed) == 2


def done_open(active: Any, closed: list[Any]) -> bool:
    return active is not None and active["notes"] == "" and len(closed) == 2


def done_close(active: Any, closed: list[Any]) -> bool:
    return active is None and len(closed) == 3 and closed[0]["disposition"] == "escalated"


def done_reopen(active: Any, closed: list[Any]) -> bool:
    return active is not None and active["notes"] == "旧案 0 😀" and len(closed) == 1


OPERATIONS: dict[str, tuple[bool, Callable[[TinyCaseStore], None], Callable[..., bool]]] = {
    "update": (True, op_update, done_update),
    "open_case": (False, op_open, done_open),
    "close": (True, op_close, done_close),
    "reopen": (False, op_reopen, done_reopen),
}


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EIO], ids=["ENOSPC", "EIO"])
@pytest.mark.parametrize("target", ["write", "fsync", "replace"])
@pytest.mark.parametrize("operation", list(OPERATIONS))
def test_fault_at_every_call_keeps_the_previous_state(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, operation: str, target: str, code: int
) -> None:
    with_active, run, is_done = OPERATIONS[operation]
    for fail_at in range(1, 50):
        data_dir = tmp_path / f"{target}-{fail_at}"
        store = prepare(data_dir, with_active)
        before = visible_state(data_dir)
        assert live_state(store) == before
        faulty = FaultyOS(target, fail_at, code)
        monkeypatch.setattr(atomic, "os", faulty)
        try:
            run(store)
        except StoreError as exc:
            error: StoreError | None = exc
        else:
            error = None
        finally:
            monkeypatch.setattr(atomic, "os", os)

        if not faulty.fired:
            assert error is None
            assert is_done(*visible_state(data_dir))
            assert fail_at > 1, "the operation must write at least once"
            store.close_store()
            return

        assert error is not None, f"fault at {target} #{fail_at} was swallowed"
        assert os.strerror(code) in str(error), str(error)
        assert temp_files(data_dir) == []
        after = visible_state(data_dir)
        assert live_state(store) == after, "memory must match the disk after a failure"
        after_rename = target == "fsync" and fail_at % 2 == 0  # each save: fsync file, rename, fsync dir
        if isinstance(error, SaveNotConfirmed):
            assert after_rename, "only a failed directory fsync may leave the new version in place"
            assert is_done(*after)
        else:
            assert after == before, f"fault at {target} #{fail_at} changed what is on disk"
            assert "intact" in str(error) or "still open" in str(error) or "stays closed" in str(error)
            run(store)  # trying again works
            assert is_done(*visible_state(data_dir))
            assert live_state(store) == visible_state(data_dir)
        store.close_store()
        store = open_store(data_dir)  # and the next start agrees with what the agent was shown
        assert live_state(store) == visible_state(data_dir)
        assert store.recovery_notes == [] or all("moved aside" not in note for note in store.recovery_notes)
        store.close_store()
    pytest.fail("operation never completed")
