"""Snapshots of the main layouts at 80×24 and 160×48 (fixture KB, no open case, fixed clock, so
nothing time-dependent is on screen). Regenerate with `pytest tests/ui --snapshot-update` and look
at the SVGs in tests/ui/__snapshots__ before committing them."""

from __future__ import annotations

import pytest

from .conftest import ready, settle


async def steady(pilot) -> None:
    """Settle, with cursors that do not blink: a snapshot taken 0.5 s later would lose them."""
    await settle(pilot)
    for screen in pilot.app.screen_stack:
        for widget in screen.query("Input, TextArea"):
            widget.cursor_blink = False
    await pilot.pause()


async def _search_and_open(pilot) -> None:
    await ready(pilot)
    await pilot.press(*"补卡", "enter")
    await steady(pilot)


async def _ready(pilot) -> None:
    await ready(pilot)
    await steady(pilot)


@pytest.mark.parametrize("size", [(80, 24), (160, 48)])
def test_main_with_article(snap_compare, app, size):
    assert snap_compare(app, terminal_size=size, run_before=_search_and_open)


@pytest.mark.parametrize("size", [(80, 24), (160, 48)])
def test_start_screen(snap_compare, app, size):
    assert snap_compare(app, terminal_size=size, run_before=_ready)


def test_scripts_pane(snap_compare, app):
    async def open_scripts(pilot) -> None:
        await _search_and_open(pilot)
        await pilot.press("f5")
        await steady(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=open_scripts)


def test_help(snap_compare, app):
    async def open_help(pilot) -> None:
        await _ready(pilot)
        await pilot.press("f1")
        await steady(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=open_help)


def test_history_empty(snap_compare, app):
    async def open_history(pilot) -> None:
        await _ready(pilot)
        await pilot.press("f4")
        await steady(pilot)

    assert snap_compare(app, terminal_size=(160, 48), run_before=open_history)
