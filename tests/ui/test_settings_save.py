"""Theme and language choices made together are both kept; a save that fails is shown, not lost."""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path

from agentui import config
from agentui.app import create_app
from agentui.config import Settings

from .conftest import FIXTURE_KB, fixed_clock, ready, settle


async def pump_until(pilot, predicate, timeout: float = 5.0) -> None:
    """Like `wait_until`, without waiting on workers: a superseded settings writer is cancelled."""
    for _ in range(int(timeout / 0.02)):
        if predicate():
            return
        await pilot.pause(0.02)
    raise AssertionError("condition not met")


def settings_with_file(tmp_path: Path) -> Settings:
    return Settings(kb_dir=FIXTURE_KB, data_dir=tmp_path / "data", cache_dir=None,
                    config_file=tmp_path / "config" / "settings.json")


async def test_theme_and_language_changed_together_are_both_saved(tmp_path, store):
    settings = settings_with_file(tmp_path)
    app = create_app(settings, store=store, clock=fixed_clock, system_clipboard=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        app.theme = "nord"
        app._switch_language()
        await pump_until(pilot, lambda: settings.config_file.exists()
                         and json.loads(settings.config_file.read_text())["lang"] == "en")
        saved = json.loads(settings.config_file.read_text(encoding="utf-8"))
        assert (saved["theme"], saved["lang"]) == ("nord", "en")
        assert (app.settings.theme, app.settings.lang) == ("nord", "en")
        # The screen is composed again in English and its panes rebuilt: not torn down mid-build
        # (Pilot's teardown leaves the screen attached while it removes it, so a build then fails).
        await pump_until(pilot, lambda: app.main.panes_built and app.main.case_pane.strings.lang == "en")
        await settle(pilot)


async def test_a_settings_save_that_fails_is_shown(tmp_path, store, monkeypatch):
    settings = settings_with_file(tmp_path)

    def disk_full(path: Path, data: bytes) -> None:
        raise config.StoreError(os.strerror(errno.ENOSPC))

    monkeypatch.setattr(config, "atomic_write", disk_full)
    app = create_app(settings, store=store, clock=fixed_clock, system_clipboard=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        app.theme = "nord"
        await pump_until(pilot, lambda: any(os.strerror(errno.ENOSPC) in n.message for n in app._notifications))
        assert app.settings.theme == "nord", "the choice holds for this session"
