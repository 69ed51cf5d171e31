"""Saves that fail (a full data disk): the pending save retries by itself and says when it worked;
Ctrl+Q asks; signals write a rescue file and exit non-zero; the next start offers to restore it."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from agentui.app import create_app
from agentui.core.cases import atomic
from agentui.core.cases.opening import open_store
from agentui.core.cases.rescue import find_rescues, write_rescue
from agentui.safe_exit import RESCUE_EXIT_CODE
from agentui.screens.rescue import QuitPrompt, RestorePrompt

from .conftest import fixed_clock, ready, settle, wait_until
from .faults import FullDisk


@pytest.fixture
def disk(settings, monkeypatch, tmp_path: Path) -> FullDisk:
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path / "run"))
    (tmp_path / "run").mkdir(mode=0o700)
    full = FullDisk(settings.data_dir)
    monkeypatch.setattr(atomic, "os", full)
    return full


def stored_notes(settings) -> str:
    store = open_store(settings.data_dir)
    try:
        return store.active().notes
    finally:
        store.close_store()


async def type_into_a_failing_disk(pilot, disk: FullDisk, store) -> None:
    app = pilot.app
    await pilot.press("f2")
    await settle(pilot)
    await pilot.press("f6", *"saved ")
    await wait_until(pilot, lambda: store.active().notes == "saved ")
    disk.failing = True
    await pilot.press(*"typed on a full disk")
    await wait_until(pilot, lambda: app.flow.save_failure is not None)


async def test_a_failed_save_retries_by_itself_and_says_when_it_worked(app, store, disk):
    told: list[str] = []
    tell = app.tell
    app.tell = lambda message, severity="information": (told.append(message), tell(message, severity))
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await type_into_a_failing_disk(pilot, disk, store)
        assert app.main.case_pane.status.startswith("保存失败")
        assert "自动重试" in app.main.case_pane.status
        failures = disk.failures
        await wait_until(pilot, lambda: disk.failures > failures, timeout=5)  # retried, no keystroke
        disk.failing = False
        await wait_until(pilot, lambda: app.flow.save_failure is None, timeout=10)
        assert store.active().notes == "saved typed on a full disk"
        assert app.main.case_pane.status.startswith("已保存")
        assert any("保存已恢复" in message for message in told)  # (a notice may have expired already)


async def test_ctrl_q_while_saves_fail_asks_and_can_write_a_rescue_file(app, store, disk, tmp_path):
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await type_into_a_failing_disk(pilot, disk, store)
        await pilot.press("ctrl+q")
        await settle(pilot)
        assert app.is_running and isinstance(app.screen, QuitPrompt)
        await pilot.press("r")  # retry: the disk is still full, so it asks again
        await settle(pilot)
        assert app.is_running and isinstance(app.screen, QuitPrompt)
        await pilot.press("escape")  # back to the console, nothing lost
        await settle(pilot)
        assert app.is_running and app.screen is app.main
        await pilot.press("ctrl+q", "q")
        await settle(pilot)
    assert app.return_code == RESCUE_EXIT_CODE
    [rescue] = find_rescues(app.settings.data_dir)
    assert rescue.path.parent == tmp_path / "run" / "agentui", "the full data disk is skipped"
    assert str(rescue.path) in app.exit_message
    assert rescue.fields["notes"] == "saved typed on a full disk"
    assert stat.S_IMODE(rescue.path.stat().st_mode) == 0o600


async def test_ctrl_q_retry_quits_once_the_disk_has_room(app, store, disk):
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await type_into_a_failing_disk(pilot, disk, store)
        await pilot.press("ctrl+q")
        await settle(pilot)
        disk.failing = False
        await pilot.press("r")
        await settle(pilot)
    assert app.return_code == 0
    assert stored_notes(app.settings) == "saved typed on a full disk"
    assert find_rescues(app.settings.data_dir) == []


async def test_a_signal_while_saves_fail_writes_a_rescue_file_and_exits_non_zero(app, store, disk):
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await type_into_a_failing_disk(pilot, disk, store)
        app.save_and_exit()  # what SIGTERM and SIGHUP run
        await pilot.pause()
    assert app.return_code == RESCUE_EXIT_CODE
    [rescue] = find_rescues(app.settings.data_dir)
    assert str(rescue.path) in app.exit_message
    assert rescue.fields["notes"] == "saved typed on a full disk"


async def test_the_next_start_offers_the_rescue_and_restores_it(settings, store):
    case = store.open_case()
    store.update(notes="saved ")
    write_rescue(settings.data_dir, case_id=case.id, fields={"notes": "saved and rescued", "name": "Anna"}, reason="x")
    app = create_app(settings, store=store, clock=fixed_clock, system_clipboard=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await wait_until(pilot, lambda: isinstance(app.screen, RestorePrompt))
        await pilot.press("enter")
        await wait_until(pilot, lambda: store.active().notes == "saved and rescued", timeout=15)
        await wait_until(pilot, lambda: find_rescues(settings.data_dir) == [], timeout=15)
        assert store.active().caller.name == "Anna"
        assert app.main.query_one("#notes").text == "saved and rescued"


async def test_a_rescue_put_off_is_offered_again_and_one_deleted_is_gone(settings, store):
    write_rescue(settings.data_dir, case_id=None, fields={"notes": "rescued"}, reason="x")
    for key, left in (("escape", 1), ("d", 0)):
        app = create_app(settings, store=store, clock=fixed_clock, system_clipboard=False, signals=False)
        async with app.run_test(size=(120, 40)) as pilot:
            await ready(pilot)
            await wait_until(pilot, lambda app=app: isinstance(app.screen, RestorePrompt))
            await pilot.press(key)
            await settle(pilot)
            assert store.active() is None
        assert len(find_rescues(settings.data_dir)) == left
