"""Offline-first: the server dies or the network drops mid-typing, and nothing acknowledged is lost
or applied twice once it is back."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import caught_up, server_rows, wait_for
from proxy import DroppingProxy

from agentui.core.cases.model import Disposition
from agentui.core.cases.server.team_store import open_team_store


def _assert_on_server_once(url: str, case_id: str, notes: str, version: int, refs: list[str]) -> None:
    [(stored_notes, stored_version)] = server_rows(
        url, "SELECT doc->>'notes', version FROM agentui.cases WHERE id = %s", case_id
    )
    assert (stored_notes, stored_version) == (notes, version)
    got = [ref for (ref,) in server_rows(url, "SELECT ref FROM agentui.events WHERE kind = 'open' ORDER BY seq")]
    assert got == refs, "every record once, in order"


def test_server_killed_mid_typing_then_back_loses_nothing(pg_server, pg_url: str, tmp_path: Path) -> None:
    cluster = pg_server.cluster
    if cluster is None:
        pytest.skip("needs the fixture's own cluster to stop it (AGENTUI_TEST_PG_URL is set)")
    store = open_team_store(tmp_path / "data", pg_url, agent="wang")
    try:
        case = store.open_case()
        notes, refs = "", []
        for i in range(40):
            notes += f"第{i}句 "
            store.update(notes=notes)  # returned: the agent saw it saved
            store.record_event("open", f"entry-{i}", case_id=case.id)
            refs.append(f"entry-{i}")
            if i == 15:
                cluster.stop("immediate")
        offline = wait_for(store, lambda s: not s.online and s.waiting > 0)
        assert "PostgreSQL" in offline.problem
        cluster.start()
        status = wait_for(store, caught_up)
        assert status.caught_up_at
        _assert_on_server_once(pg_url, case.id, notes, store.active().version, refs)
    finally:
        _ensure_running(cluster)
        store.close_store()


def _ensure_running(cluster) -> None:
    """The session's other tests need the server whatever happened here."""
    try:
        cluster.wait_ready(timeout=0.5)
    except Exception:  # noqa: BLE001 - not running: start it
        cluster.start()


def test_dropped_connections_through_a_proxy_lose_nothing(pg_server, pg_url: str, tmp_path: Path) -> None:
    from psycopg.conninfo import conninfo_to_dict

    proxy = DroppingProxy(_tcp_port(pg_server))
    url = proxy.url(conninfo_to_dict(pg_url)["dbname"])
    store = open_team_store(tmp_path / "data", url, agent="li")
    try:
        case = store.open_case()
        notes, refs = "", []
        for i in range(30):
            notes += f"слово{i} "
            store.update(notes=notes)
            store.record_event("open", f"e{i}", case_id=case.id)
            refs.append(f"e{i}")
            if i in (5, 12):
                proxy.drop(refuse=False)  # cut: the next push reconnects
            if i == 20:
                proxy.drop(refuse=True)  # and stay cut for a while
        wait_for(store, lambda s: not s.online and s.waiting > 0)
        proxy.allow()
        wait_for(store, caught_up)
        _assert_on_server_once(pg_url, case.id, notes, store.active().version, refs)
        closed = store.close(Disposition.RESOLVED, "好")
        wait_for(store, caught_up)
        assert server_rows(pg_url, "SELECT closed_by, holder FROM agentui.cases WHERE id = %s", closed.id) == [
            ("li", None)
        ]
    finally:
        store.close_store()
        proxy.close()


def _tcp_port(pg_server) -> int:
    from psycopg.conninfo import conninfo_to_dict

    if pg_server.cluster is not None:
        return int(pg_server.cluster.port)
    return int(conninfo_to_dict(pg_server.admin_url).get("port") or 5432)


def test_replay_after_a_crash_between_push_and_acknowledgement_changes_nothing(pg_url: str, tmp_path: Path) -> None:
    store = open_team_store(tmp_path / "data", pg_url, agent="wang", push=False)
    case = store.open_case()
    store.update(notes="一")
    store.record_event("open", "esim-replacement", case_id=case.id)
    entries = store.outbox.read(100)
    store.server.push(entries)  # the server committed ...
    store.server.close()
    store.local.close_store()  # ... and the console died before acknowledging: the outbox still has it
    entry_files = [e for e in entries if not e.latest]  # the open case's latest text has none: its file has it
    assert len(list((tmp_path / "data" / "cases" / "outbox").glob("*.json"))) == len(entry_files) == 2

    store = open_team_store(tmp_path / "data", pg_url, agent="wang", push=False)
    try:
        assert store.outbox.waiting == len(entries)
        assert store.sync_now()
        assert store.outbox.waiting == 0 and store.outbox.refused_files() == []
        assert server_rows(pg_url, "SELECT count(*) FROM agentui.events") == [(1,)]
        assert server_rows(pg_url, "SELECT version FROM agentui.cases") == [(store.active().version,)]
    finally:
        store.close_store()


def test_restarting_offline_restores_the_case_from_the_outbox(pg_server, pg_url: str, tmp_path: Path) -> None:
    proxy = DroppingProxy(_tcp_port(pg_server))
    from psycopg.conninfo import conninfo_to_dict

    url = proxy.url(conninfo_to_dict(pg_url)["dbname"])
    proxy.drop(refuse=True)
    store = open_team_store(tmp_path / "data", url, agent="wang")
    try:
        assert any("offline" in note.lower() for note in store.recovery_notes)
        case = store.open_case()
        store.update(notes="离线时记的")
        store.close_store()
        store = open_team_store(tmp_path / "data", url, agent="wang")  # restarted, still offline
        assert store.active().id == case.id and store.active().notes == "离线时记的"
        assert store.sync_status().waiting >= 2
        proxy.allow()  # back, with nothing typed since the restart: the outbox still goes out
        wait_for(store, caught_up)
        assert server_rows(pg_url, "SELECT doc->>'notes' FROM agentui.cases") == [("离线时记的",)]
    finally:
        store.close_store()
        proxy.close()


def test_a_save_cut_short_before_it_was_queued_is_queued_at_the_next_start(pg_url: str, tmp_path: Path) -> None:
    store = open_team_store(tmp_path / "data", pg_url, agent="wang", push=False)
    store.open_case()
    store.local.update(notes="saved locally, the outbox never heard of it")  # a crash right after
    store.server.close()
    store.local.close_store()
    store = open_team_store(tmp_path / "data", pg_url, agent="wang", push=False)
    try:
        assert store.sync_now()
        assert server_rows(pg_url, "SELECT doc->>'notes' FROM agentui.cases") == [
            ("saved locally, the outbox never heard of it",)
        ]
    finally:
        store.close_store()


def test_a_console_that_reached_the_server_at_start_says_online(pg_url: str, tmp_path: Path) -> None:
    store = open_team_store(tmp_path / "data", pg_url, agent="wang")
    try:
        assert store.sync_status().online and store.sync_status().waiting == 0
    finally:
        store.close_store()


def test_history_after_a_server_restart_comes_from_the_server(pg_server, pg_url: str, tmp_path: Path) -> None:
    """An idle console's connections died with the server; the first read after it reconnects
    instead of answering from the data dir alone (which would miss the floor's cases)."""
    cluster = pg_server.cluster
    if cluster is None:
        pytest.skip("needs the fixture's own cluster to restart it (AGENTUI_TEST_PG_URL is set)")
    wang = open_team_store(tmp_path / "wang", pg_url, agent="wang")
    li = open_team_store(tmp_path / "li", pg_url, agent="li")
    try:
        wang.open_case()
        closed = wang.close(Disposition.RESOLVED, "补卡完成")
        wait_for(wang, caught_up)
        assert [c.id for c in li.history(text="补卡")] == [closed.id]
        cluster.stop("immediate")
        cluster.start()
        assert [c.id for c in li.history(text="补卡")] == [closed.id]
    finally:
        _ensure_running(cluster)
        wang.close_store()
        li.close_store()
