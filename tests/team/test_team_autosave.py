"""An autosave in team mode makes one durable write (the case file) and the pusher sends the case's
latest state: coalesced, in order with the outbox's entries, exactly once in effect, and safe
across a crash at any point between the save, the push and its acknowledgement."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers import server_rows
from proxy import DroppingProxy

from agentui.core.cases.model import Disposition
from agentui.core.cases.server.team_store import TeamCaseStore, open_team_store


@pytest.fixture
def store(pg_url: str, tmp_path: Path) -> Iterator[TeamCaseStore]:
    opened = open_team_store(tmp_path / "data", pg_url, agent="wang", push=False)
    opened.open_case()
    assert opened.sync_now()
    yield opened
    opened.close_store()


def _crash(store: TeamCaseStore) -> None:
    """The console killed: no close_store(), no last push, no tidy-up."""
    store.server.close()
    store.local.close_store()


def _case_row(url: str) -> list[tuple[Any, ...]]:
    return server_rows(url, "SELECT doc->>'notes', version, holder, closed_at IS NOT NULL FROM agentui.cases")


def test_an_autosave_flushes_the_case_file_only(store: TeamCaseStore, monkeypatch) -> None:
    """Two fsyncs (the file, its directory), not four: the outbox gets no file of its own for it."""
    flushed: list[int] = []
    real_fsync = os.fsync

    def counting_fsync(fd: int) -> None:
        flushed.append(fd)
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", counting_fsync)
    outbox_files = sorted(store.outbox.directory.iterdir())
    store.update(notes="客户说补卡")
    assert len(flushed) == 2
    assert sorted(store.outbox.directory.iterdir()) == outbox_files
    assert store.sync_status().waiting == 1, "the case's latest text waits to be pushed"
    assert store.sync_now()
    assert _case_row(store.server.url) == [("客户说补卡", store.active().version, "wang", False)]


def test_several_autosaves_are_pushed_as_one_change(store: TeamCaseStore) -> None:
    pushed: list[list[Any]] = []
    real_push = store.server.push
    store.server.push = lambda changes: (pushed.append(list(changes)), real_push(changes))[1]  # type: ignore[method-assign]
    for n in range(5):
        store.update(notes=f"客户说 {n}")
    assert store.sync_status().waiting == 1
    assert store.sync_now()
    assert [[c.case.notes for c in batch] for batch in pushed] == [["客户说 4"]]
    assert _case_row(store.server.url) == [("客户说 4", store.active().version, "wang", False)]
    assert store.sync_status().waiting == 0


def test_a_crash_before_the_push_sends_the_latest_text_at_the_next_start(
    store: TeamCaseStore, pg_url: str, tmp_path: Path
) -> None:
    store.outbox.tidy()  # the open is on the server and the outbox knows it
    for n in range(3):
        store.update(notes=f"第{n}句")
    version = store.active().version
    _crash(store)
    again = open_team_store(tmp_path / "data", pg_url, agent="wang", push=False)
    try:
        assert again.sync_status().waiting == 1
        assert again.sync_now() and again.outbox.refused_files() == []
        assert _case_row(pg_url) == [("第2句", version, "wang", False)]
    finally:
        again.close_store()


@pytest.mark.parametrize("tidied", [False, True], ids=["bookkeeping-never-written", "bookkeeping-older"])
def test_a_crash_between_push_and_acknowledgement_is_neither_refused_nor_lost(
    store: TeamCaseStore, pg_url: str, tmp_path: Path, tidied: bool
) -> None:
    """The server has the pushed text, sync.json an older version (or none): the next start pushes
    the case again from an older base; the server knows the version it holds came from this console
    and takes it, instead of refusing the agent's own text as stale."""
    if tidied:
        store.update(notes="早先")
        assert store.sync_now()
        store.outbox.tidy()
    store.update(notes="推送了，没确认")
    store.server.push(store.outbox.read(100))  # committed on the server ...
    _crash(store)  # ... and the console died before it heard back
    again = open_team_store(tmp_path / "data", pg_url, agent="wang", push=False)
    try:
        assert again.sync_now() and again.outbox.refused_files() == [] and again.sync_status().problem == ""
        again.update(notes="推送了，没确认；重启以后接着写")
        assert again.sync_now() and again.outbox.refused_files() == []
        assert _case_row(pg_url) == [("推送了，没确认；重启以后接着写", again.active().version, "wang", False)]
        assert server_rows(pg_url, "SELECT count(*) FROM agentui.refusals") == [(0,)]
    finally:
        again.close_store()


def test_a_close_after_several_autosaves_arrives_once_with_the_final_text(store: TeamCaseStore, pg_url: str) -> None:
    pushed: list[Any] = []
    real_push = store.server.push
    store.server.push = lambda changes: (pushed.extend(changes), real_push(changes))[1]  # type: ignore[method-assign]
    for n in range(4):
        store.update(notes=f"客户说 {n}")
    closed = store.close(Disposition.RESOLVED, "补卡完成")
    assert store.sync_now() and store.outbox.refused_files() == []
    assert [c.case.version for c in pushed] == [closed.version], "the close carries every autosave before it"
    assert _case_row(pg_url) == [("客户说 3", closed.version, None, True)]


def test_a_close_is_not_overtaken_by_an_older_autosave_in_flight(store: TeamCaseStore, pg_url: str) -> None:
    """The pusher took the open case's text for a push that is still on its way when the agent
    types on and closes the call: the close goes out after it, and is taken."""
    store.update(notes="旧的")
    entered, release = threading.Event(), threading.Event()
    real_push = store.server.push

    def slow_push(changes: Any) -> Any:
        entered.set()
        release.wait(30)
        return real_push(changes)

    store.server.push = slow_push  # type: ignore[method-assign]
    pusher = threading.Thread(target=store.sync_now, daemon=True)
    pusher.start()
    try:
        assert entered.wait(30)
        store.update(notes="新的，最后的")
        closed = store.close(Disposition.RESOLVED, "好")
    finally:
        release.set()
        pusher.join(30)
    assert store.sync_now() and store.outbox.refused_files() == [] and store.sync_status().problem == ""
    assert _case_row(pg_url) == [("新的，最后的", closed.version, None, True)]


def test_offline_the_header_counts_queued_entries_and_the_open_cases_text(
    pg_server, pg_url: str, tmp_path: Path
) -> None:
    """`offline · N changes waiting`: N is what will be pushed, so it is the same after a restart:
    each queued entry (the open, a record) and one for the open case's latest text, however many
    autosaves it holds."""
    from psycopg.conninfo import conninfo_to_dict

    port = pg_server.cluster.port if pg_server.cluster else conninfo_to_dict(pg_server.admin_url).get("port", 5432)
    proxy = DroppingProxy(int(port))
    url = proxy.url(conninfo_to_dict(pg_url)["dbname"])
    proxy.drop(refuse=True)
    store = open_team_store(tmp_path / "data", url, agent="wang", push=False)
    try:
        case = store.open_case()
        assert store.sync_status().waiting == 1
        for n in range(5):
            store.update(notes=f"离线 {n}")
        store.record_event("open", "esim-replacement", case_id=case.id)
        assert store.sync_status().waiting == 3
        assert not store.sync_now()
        store.close_store()
        store = open_team_store(tmp_path / "data", url, agent="wang", push=False)
        assert store.sync_status().waiting == 3
        assert store.active().notes == "离线 4"
        proxy.allow()
        assert store.sync_now() and store.sync_status().waiting == 0
        assert _case_row(pg_url) == [("离线 4", store.active().version, "wang", False)]
        assert server_rows(pg_url, "SELECT ref FROM agentui.events") == [("esim-replacement",)]
    finally:
        store.close_store()
        proxy.close()


def test_a_refused_autosave_is_kept_and_the_next_one_is_refused_and_kept_too(
    pg_url: str, tmp_path: Path
) -> None:
    """A supervisor released the case and another agent took it: each push of this console's text
    is refused, kept in outbox-refused/ with its text, and not retried until the agent types again."""
    wang = open_team_store(tmp_path / "wang", pg_url, agent="wang", push=False)
    li = open_team_store(tmp_path / "li", pg_url, agent="li", push=False)
    try:
        case = wang.open_case()
        wang.update(notes="first")
        assert wang.sync_now()
        li.release(case.id)
        li.reopen(case.id)
        wang.update(notes="first, second")
        assert wang.sync_now()
        assert "changed on the server" in wang.sync_status().problem and wang.sync_status().waiting == 0
        assert wang.sync_now() and len(wang.outbox.refused_files()) == 1, "not pushed again unchanged"
        wang.update(notes="first, second, third")
        assert wang.sync_now()
        kept = sorted(p.read_text(encoding="utf-8") for p in wang.outbox.refused_files())
        assert len(kept) == 2 and any("first, second, third" in k for k in kept)
        assert any('"first, second"' in k for k in kept)
        assert server_rows(pg_url, "SELECT doc->>'notes', holder FROM agentui.cases") == [("first", "li")]
        assert server_rows(pg_url, "SELECT count(*) FROM agentui.refusals") == [(2,)]
    finally:
        wang.close_store()
        li.close_store()


@pytest.mark.parametrize("tidied", [False, True], ids=["open-entry-still-queued", "open-in-sync-json"])
def test_a_close_cut_short_before_its_entry_is_pushed_at_the_next_start(
    store: TeamCaseStore, pg_url: str, tmp_path: Path, tidied: bool
) -> None:
    """The data dir closed the case, the console died before the close's outbox entry was written:
    the open's entry (or sync.json) still names the case, so the next start finds the close."""
    store.update(notes="办好了")
    assert store.sync_now()
    if tidied:
        store.outbox.tidy()
    closed = store.local.close(Disposition.RESOLVED, "补卡完成")  # the team store never heard of it
    _crash(store)
    again = open_team_store(tmp_path / "data", pg_url, agent="wang", push=False)
    try:
        assert again.sync_now() and again.outbox.refused_files() == []
        assert _case_row(pg_url) == [("办好了", closed.version, None, True)]
        again.open_case()
        assert again.sync_now() and again.sync_status().problem == "", "the next call's open is taken"
    finally:
        again.close_store()


def test_a_desk_that_died_with_unpushed_text_cannot_overwrite_the_desk_that_took_over(
    pg_url: str, tmp_path: Path
) -> None:
    """The version the server holds was written by another console (the agent moved desks), so
    the dead desk's text, pushed from its old base at its next start, is refused and kept."""
    desk = open_team_store(tmp_path / "desk", pg_url, agent="wang", push=False)
    desk.open_case()
    desk.update(notes="工位一")
    assert desk.sync_now()
    desk.update(notes="工位一，没推送")
    _crash(desk)
    other = open_team_store(tmp_path / "other", pg_url, agent="wang", push=False)
    try:
        assert other.active().notes == "工位一"
        version = other.update(notes="工位一，工位二继续").case.version
        assert other.sync_now()
    finally:
        other.close_store()
    desk = open_team_store(tmp_path / "desk", pg_url, agent="wang", push=False)
    try:
        assert desk.sync_now() and "changed on the server" in desk.sync_status().problem
        [kept] = desk.outbox.refused_files()
        assert "工位一，没推送" in kept.read_text(encoding="utf-8")
        assert _case_row(pg_url) == [("工位一，工位二继续", version, "wang", False)]
    finally:
        desk.close_store()


def test_the_server_never_takes_an_older_state_of_its_own_writer(store: TeamCaseStore, pg_url: str) -> None:
    """The writer rule lets a lagging base through, never a state older than the one it holds
    (a data dir restored from a backup would otherwise overwrite newer text, unseen)."""
    from dataclasses import replace

    from agentui.core.cases.outbox import Entry

    old = store.update(notes="旧").case
    store.update(notes="新")
    assert store.sync_now()
    result = store.server.push([Entry(seq=0, case=replace(old, notes="旧"), base=0, latest=True)])
    assert [r.case_id for r in result.refused] == [old.id] and "newer on the server" in result.refused[0].reason
    assert _case_row(pg_url) == [("新", store.active().version, "wang", False)]
