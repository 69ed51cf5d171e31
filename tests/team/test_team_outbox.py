"""The agent's save never waits on the pusher (its network round trip or its own bookkeeping on
disk), a push costs the agent's disk no durable write, and the bookkeeping written later (or not
at all, after a crash) loses nothing and applies nothing twice."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers import server_rows

from agentui.core.cases import outbox as outbox_module
from agentui.core.cases.model import Disposition
from agentui.core.cases.server.team_store import TeamCaseStore, open_team_store


@pytest.fixture
def store(pg_url: str, tmp_path: Path) -> Iterator[TeamCaseStore]:
    opened = open_team_store(tmp_path / "data", pg_url, agent="wang", push=False)
    opened.open_case()
    opened.update(notes="客户说")
    yield opened
    opened.close_store()


def _stuck_in_background(step: Callable[[], object]) -> tuple[threading.Thread, list[BaseException]]:
    """Run a pusher's step in its own thread, as the pusher does; errors are kept for the test."""
    errors: list[BaseException] = []

    def run() -> None:
        try:
            step()
        except BaseException as exc:  # noqa: BLE001 - handed to the test
            errors.append(exc)

    thread = threading.Thread(target=run, name="test-pusher", daemon=True)
    thread.start()
    return thread, errors


def _save_finishes(store: TeamCaseStore, notes: str, within: float = 5.0) -> bool:
    """The agent's autosave, from its own thread; True if it returned while the pusher is stuck."""
    done = threading.Event()
    threading.Thread(target=lambda: (store.update(notes=notes), done.set()), daemon=True).start()
    return done.wait(within)


def test_a_save_goes_through_while_the_pusher_writes_its_bookkeeping(store: TeamCaseStore, monkeypatch) -> None:
    """The pusher's durable write of sync.json (and the deletes after it) can take tens of ms on a
    busy disk; the agent's save must not queue behind it on the outbox's lock."""
    entered, release = threading.Event(), threading.Event()
    real_write = outbox_module.atomic_write

    def slow_write(path: Path, data: bytes) -> None:
        if path.name == "sync.json" and threading.current_thread().name == "test-pusher":
            entered.set()
            release.wait(30)
        real_write(path, data)

    monkeypatch.setattr(outbox_module, "atomic_write", slow_write)

    def push_and_tidy() -> None:  # what the pusher's loop does after a change
        store.sync_now()
        store.outbox.tidy()

    pusher, errors = _stuck_in_background(push_and_tidy)
    try:
        assert entered.wait(30), "the pusher wrote its bookkeeping"
        assert _save_finishes(store, "客户说补卡"), "the save waited for the pusher's disk write"
    finally:
        release.set()
        pusher.join(30)
    assert not errors
    assert store.sync_now()
    assert server_rows(store.server.url, "SELECT doc->>'notes' FROM agentui.cases") == [("客户说补卡",)]


def test_a_save_goes_through_while_a_push_waits_on_the_network(store: TeamCaseStore) -> None:
    entered, release = threading.Event(), threading.Event()
    real_push = store.server.push

    def slow_push(changes: Any) -> Any:
        entered.set()
        release.wait(30)
        return real_push(changes)

    store.server.push = slow_push  # type: ignore[method-assign]
    pusher, errors = _stuck_in_background(store.sync_now)
    try:
        assert entered.wait(30)
        assert _save_finishes(store, "客户说补卡，网络很慢"), "the save waited for the server"
    finally:
        release.set()
        pusher.join(30)
    assert not errors
    assert store.sync_now()
    assert server_rows(store.server.url, "SELECT doc->>'notes' FROM agentui.cases") == [("客户说补卡，网络很慢",)]


def test_a_push_costs_the_agents_disk_no_durable_write(store: TeamCaseStore, monkeypatch) -> None:
    """Each acknowledgement used to rewrite sync.json durably (two fsyncs and a rename) and delete
    the pushed file: with a save a second, that nearly doubled the flushes on the agent's disk.
    The bookkeeping is now written once per batch, before the pushed files are deleted; and an
    autosave writes no outbox file at all (the case file holds what is pushed)."""
    writes: list[str] = []
    real_write = outbox_module.atomic_write

    def counting_write(path: Path, data: bytes) -> None:
        writes.append(path.name)
        real_write(path, data)

    monkeypatch.setattr(outbox_module, "atomic_write", counting_write)
    outbox_dir = store.outbox.directory
    queued = len(list(outbox_dir.glob("*.json")))  # the fixture's open and first save
    for n in range(20):
        store.update(notes=f"客户说 {n}")
        assert store.sync_now()
    assert "sync.json" not in writes, "no bookkeeping written per push"
    assert writes == [], "no outbox file per autosave"
    assert len(list(outbox_dir.glob("*.json"))) == queued == 1, "the pushed open waits for the batched tidy-up"
    store.outbox.tidy()
    assert writes.count("sync.json") == 1
    assert list(outbox_dir.glob("*.json")) == []


@pytest.mark.parametrize("tidied", [False, True], ids=["crash-before-bookkeeping", "crash-after-tidy"])
def test_a_crash_after_pushes_loses_nothing_and_reuses_no_seq(pg_url: str, tmp_path: Path, tidied: bool) -> None:
    """Killed after the server acknowledged but before (or after) the bookkeeping reached the disk:
    the next start pushes the acknowledged changes again (the server skips them by seq) and the
    next save gets a seq the server has not seen, so it is applied, not taken for a replay."""
    store = open_team_store(tmp_path / "data", pg_url, agent="wang", push=False)
    case = store.open_case()
    for n in range(3):
        store.update(notes=f"第{n}次")
        store.record_event("open", f"entry-{n}", case_id=case.id)
        assert store.sync_now()
    if tidied:
        store.outbox.tidy()
    last_seq = store.outbox._next - 1
    store.server.close()
    store.local.close_store()  # killed: no close_store(), no tidy-up

    store = open_team_store(tmp_path / "data", pg_url, agent="wang", push=False)
    try:
        assert store.sync_now() and store.outbox.waiting == 0 and store.outbox.refused_files() == []
        assert server_rows(pg_url, "SELECT doc->>'notes', version FROM agentui.cases") == [
            ("第2次", store.active().version)
        ]
        store.update(notes="重启以后")
        store.record_event("open", "after-restart", case_id=case.id)
        assert store.outbox._next - 1 > last_seq
        assert store.sync_now() and store.outbox.refused_files() == []
        assert server_rows(pg_url, "SELECT doc->>'notes', version FROM agentui.cases") == [
            ("重启以后", store.active().version)
        ]
        refs = server_rows(pg_url, "SELECT ref FROM agentui.events ORDER BY seq")
        assert refs == [("entry-0",), ("entry-1",), ("entry-2",), ("after-restart",)]
    finally:
        store.close_store()


def test_a_push_that_lands_while_a_case_is_being_closed_does_not_lose_the_close(
    store: TeamCaseStore, pg_url: str
) -> None:
    """The pusher forgets the server version of cases no longer in play; a push acknowledged
    between the local close and its queueing used to forget the closing case's version too, so
    the close went out with base 0 and the server refused it (the floor never saw the call end)."""
    assert store.sync_now()
    real_close = store.local.close

    def close_then_a_push_lands(*args: Any, **kwargs: Any) -> Any:
        closed = real_close(*args, **kwargs)
        store.pusher.drain()  # the pusher's thread, scheduled right here
        return closed

    store.local.close = close_then_a_push_lands  # type: ignore[method-assign]
    store.update(notes="客户说补卡，已办好")
    closed = store.close(Disposition.RESOLVED, "补卡完成")
    assert store.sync_now()
    assert store.outbox.refused_files() == [] and store.sync_status().problem == ""
    assert server_rows(pg_url, "SELECT closed_at IS NOT NULL, version, holder FROM agentui.cases") == [
        (True, closed.version, None)
    ]
