"""The console on a server store: the header's sync status, and the supervisor's floor screen (F9)."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime
from pathlib import Path

from agentui.app import create_app
from agentui.config import Settings
from agentui.core.cases.model import Caller, Case
from agentui.core.cases.protocol import SyncStatus
from agentui.core.cases.server.floor import AgentRow
from agentui.core.cases.server.team_store import open_team_store
from agentui.screens.floor import FloorScreen, row_cells, sync_text
from agentui.strings import strings_for

FIXTURE_KB = Path(__file__).parents[1] / "ui" / "fixtures" / "kb"


def test_sync_text_says_what_waits_and_when_it_caught_up() -> None:
    assert sync_text(SyncStatus(online=False, waiting=3), "en") == "offline · 3 changes waiting"
    assert sync_text(SyncStatus(online=False, waiting=3), "zh") == "离线 · 3 条更改待发送"
    stamp = datetime(2026, 3, 2, 10, 42, tzinfo=UTC)
    local = stamp.astimezone().strftime("%H:%M")
    assert sync_text(SyncStatus(online=True, waiting=0, caught_up_at=stamp.isoformat()), "en") == f"caught up {local}"


def test_the_floor_names_operators_and_dispositions_in_the_screens_language() -> None:
    """A supervisor reads "MegaFon" and "已解决:2", not the stored ids "megafon" and "resolved:2"."""
    now = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)
    case = Case(id="C1", opened_at=now.isoformat(), caller=Caller(operator="megafon"))
    row = AgentRow(agent="wang", case=case, last_activity=now.isoformat(), calls_today=3,
                   dispositions={"resolved": 2, "callback": 1})  # fmt: skip
    zh = [cell.plain for cell in row_cells(row, now, strings_for("zh").dispositions)]
    assert zh[2] == "MegaFon" and zh[-1] == "已解决:2 需回电:1"
    en = [cell.plain for cell in row_cells(row, now, strings_for("en").dispositions)]
    assert en[2] == "MegaFon" and en[-1] == "Resolved:2 Call back:1"


async def _until(pilot, predicate, timeout: float = 10.0) -> None:  # noqa: ANN001
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        await pilot.pause(0.05)
        await asyncio.sleep(0)


async def test_a_supervisor_console_shows_sync_status_and_the_floor(pg_url: str, tmp_path: Path) -> None:
    settings = Settings(kb_dir=FIXTURE_KB, data_dir=tmp_path / "data", cache_dir=None, config_file=None,
                        lang="en", store=pg_url, agent="lead", role="supervisor")  # fmt: skip
    store = open_team_store(settings.data_dir, pg_url, agent="lead")
    agent = open_team_store(tmp_path / "wang", pg_url, agent="wang")
    app = create_app(settings, store=store, system_clipboard=False, signals=False)
    try:
        async with app.run_test(size=(120, 36)) as pilot:
            await _until(pilot, lambda: app.main.header.sync != "")
            case = agent.open_case()
            agent.sync_now()
            await pilot.press("f9")
            assert isinstance(app.screen, FloorScreen)
            await _until(pilot, lambda: any(row.agent == "wang" for row in app.screen._rows))
            assert any(r.case is not None and r.case.id == case.id for r in app.screen._rows)
            await pilot.press("escape")
            assert not isinstance(app.screen, FloorScreen)
    finally:
        agent.close_store()
        store.close_store()


async def test_an_agent_console_has_no_floor_key(pg_url: str, tmp_path: Path) -> None:
    settings = Settings(kb_dir=FIXTURE_KB, data_dir=tmp_path / "data", cache_dir=None, config_file=None,
                        lang="en", store=pg_url, agent="wang")  # fmt: skip
    store = open_team_store(settings.data_dir, pg_url, agent="wang")
    app = create_app(settings, store=store, system_clipboard=False, signals=False)
    try:
        async with app.run_test(size=(120, 36)) as pilot:
            await pilot.press("f9")
            await pilot.pause()
            assert not isinstance(app.screen, FloorScreen)
    finally:
        store.close_store()
