"""A team save writes its outbox entry while the local store writes the active file (three flushes
of the agent's disk one after another instead of four), and still queues a change only once the
data dir has it: a failed or interrupted save leaves nothing in the outbox the data dir has not got."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import server_rows

from agentui.core.cases import storage as storage_module
from agentui.core.cases.atomic import is_temp_name
from agentui.core.cases.errors import StoreError
from agentui.core.cases.outbox import Outbox
from agentui.core.cases.server.team_store import TeamCaseStore, open_team_store


@pytest.fixture
def store(pg_url: str, tmp_path: Path) -> Iterator[TeamCaseStore]:
    opened = open_team_store(tmp_path / "data", pg_url, agent="wang", push=False)
    opened.open_case()
    opened.update(notes="客户说")
    yield opened
    opened.close_store()


def _temps(directory: Path) -> list[str]:
    return [name for name in os.listdir(directory) if is_temp_name(name)]


def test_the_outbox_entry_is_written_while_the_active_file_is(store: TeamCaseStore, monkeypatch) -> None:
    """The local write of active.json waits (up to 10 s) until the outbox entry's temp file is on
    disk: written one after the other, it never would be, and the save would fall through."""
    outbox_dir = store.outbox.directory
    seen_meanwhile: list[bool] = []
    real_write = storage_module.atomic_write

    def write_when_the_entry_is_there(path: Path, data: bytes) -> None:
        if path.name == "active.json":
            appeared = threading.Event()
            for _ in range(1000):
                if _temps(outbox_dir):
                    appeared.set()
                    break
                appeared.wait(0.01)
            seen_meanwhile.append(appeared.is_set())
        real_write(path, data)

    monkeypatch.setattr(storage_module, "atomic_write", write_when_the_entry_is_there)
    waiting = store.outbox.waiting
    store.update(notes="客户说补卡")
    assert seen_meanwhile == [True]
    assert store.outbox.waiting == waiting + 1
    assert _temps(outbox_dir) == []
    assert store.sync_now()
    assert server_rows(store.server.url, "SELECT doc->>'notes' FROM agentui.cases") == [("客户说补卡",)]


def test_a_save_the_data_dir_refused_queues_nothing_and_leaves_no_file(store: TeamCaseStore, monkeypatch) -> None:
    """The entry was written beside a local save that then failed (disk full): it is thrown away,
    not queued, so the server never gets notes the agent's own data dir does not hold."""
    outbox_dir = store.outbox.directory
    before = sorted(os.listdir(outbox_dir))
    waiting = store.outbox.waiting

    def disk_full(path: Path, data: bytes) -> None:
        raise StoreError(f"Could not save {path.name} (no space left on device).")

    monkeypatch.setattr(storage_module, "atomic_write", disk_full)
    with pytest.raises(StoreError):
        store.update(notes="客户说补卡，没保存")
    monkeypatch.undo()
    assert sorted(os.listdir(outbox_dir)) == before
    assert store.outbox.waiting == waiting
    store.update(notes="客户说补卡，保存了")
    assert store.sync_now()
    assert server_rows(store.server.url, "SELECT doc->>'notes' FROM agentui.cases") == [("客户说补卡，保存了",)]


def test_an_entry_written_but_not_queued_is_gone_after_a_crash(pg_url: str, tmp_path: Path) -> None:
    """Killed between the entry's write and its queueing: the restart removes the temp file and
    queues what the data dir holds, once."""
    store = open_team_store(tmp_path / "data", pg_url, agent="wang", push=False)
    store.open_case()
    store.update(notes="客户说")
    case = store.active()
    assert case is not None
    store.outbox.prepare_case(case)  # a save cut off here: written, not queued
    store.close_store()
    assert _temps(store.outbox.directory)

    again = open_team_store(tmp_path / "data", pg_url, agent="wang", push=False)
    try:
        assert _temps(again.outbox.directory) == []
        assert again.outbox.waiting == 0
        assert again.sync_now()
        rows = server_rows(again.server.url, "SELECT doc->>'notes', version FROM agentui.cases")
        assert rows == [("客户说", case.version)]
    finally:
        again.close_store()


def test_a_prepared_entry_is_not_queued_once_the_queue_moved_on(tmp_path: Path) -> None:
    """Another change queued after the entry was prepared: its seq is taken, so committing it
    would reuse a seq; it is thrown away and the caller queues the case afresh."""
    from agentui.core.cases.model import Case

    outbox = Outbox(tmp_path)
    first = Case(id="C1", opened_at="2026-12-06T09:00:00+00:00", notes="客户说", version=1)
    prepared = outbox.prepare_case(first)
    outbox.add_case(Case(id="C2", opened_at="2026-12-06T09:00:00+00:00", version=1))
    assert outbox.commit(prepared) is None
    assert _temps(outbox.directory) == []
    assert [entry.case.id for entry in outbox.read(10) if entry.case] == ["C2"]
