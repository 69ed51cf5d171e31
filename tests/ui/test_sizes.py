"""No crash at any terminal size down to 1×1, through a resize storm, on every screen."""

from __future__ import annotations

import random

import pytest
from rich.cells import cell_len

from agentui.screens.help import HelpScreen
from agentui.screens.history import HistoryScreen
from agentui.screens.main import MainScreen
from agentui.screens.scripts import ScriptsScreen
from agentui.strings_zh import ZH

from .conftest import ready, screen_text, settle, wait_until

SIZES = [(1, 1), (2, 1), (1, 2), (5, 3), (20, 6), (40, 10), (80, 24), (160, 48), (250, 70)]


@pytest.mark.parametrize("size", [(1, 1), (3, 2), (12, 4), (30, 8)])
async def test_starts_at_tiny_sizes(app, store, size):
    async with app.run_test(size=size) as pilot:
        await ready(pilot)
        await pilot.press(*"补卡", "enter", "space", "f6", *"x")
        await settle(pilot)
        assert app.is_running
        assert app.main.article.entry is not None
        await wait_until(pilot, lambda: store.active() is not None and store.active().notes == "x")
        assert store.active().steps == {"esim-replacement": [1]}
        lines = screen_text(app).split("\n")
        width, height = size
        assert len(lines) == height and all(cell_len(line) == width for line in lines)


async def test_resize_storm_on_every_screen(app):
    rng = random.Random(7)
    screens = [
        ("", MainScreen, ZH.app_title),
        ("f1", HelpScreen, ZH.help_close),
        ("f5", ScriptsScreen, ZH.scripts_hint.split(" · ")[0]),
        ("f4", HistoryScreen, ZH.history_title),
    ]
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press(*"补卡", "enter")
        for key, screen_type, marker in screens:
            if key:
                await pilot.press("ctrl+f", key)
                await settle(pilot)
            assert isinstance(app.screen, screen_type)
            for size in SIZES + [(rng.randint(1, 200), rng.randint(1, 60)) for _ in range(3)]:
                await pilot.resize_terminal(*size)
                await pilot.pause()
            await pilot.resize_terminal(80, 24)
            await settle(pilot)
            assert app.is_running and isinstance(app.screen, screen_type)
            assert marker in screen_text(app), (key, screen_text(app))
