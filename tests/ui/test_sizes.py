"""No crash at any terminal size down to 1×1, through a resize storm, on every screen."""

from __future__ import annotations

import random

import pytest

from .conftest import ready, screen_text, settle

SIZES = [(1, 1), (2, 1), (1, 2), (5, 3), (20, 6), (40, 10), (80, 24), (160, 48), (250, 70)]


@pytest.mark.parametrize("size", [(1, 1), (3, 2), (12, 4), (30, 8)])
async def test_starts_at_tiny_sizes(app, size):
    async with app.run_test(size=size) as pilot:
        await ready(pilot)
        await pilot.press(*"补卡", "enter", "space", "f6", *"x")
        await settle(pilot)
        assert app.is_running
        assert app.main.article.entry is not None
        screen_text(app)


async def test_resize_storm_on_every_screen(app):
    rng = random.Random(7)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press(*"补卡", "enter")
        for key in ("", "f1", "f5", "f4"):
            if key:
                await pilot.press("ctrl+f", key)
                await settle(pilot)
            for size in SIZES + [(rng.randint(1, 200), rng.randint(1, 60)) for _ in range(3)]:
                await pilot.resize_terminal(*size)
                await pilot.pause()
            await pilot.resize_terminal(80, 24)
            await settle(pilot)
            assert app.is_running
            assert "坐席" in screen_text(app) or key
        assert app.screen is not None
