"""Snapshots of the main layouts at 80×24, 120×36 and 200×50 (fixture KB, no open case, fixed clock,
so nothing time-dependent is on screen). Regenerate with `pytest tests/ui --snapshot-update` and look
at the SVGs in tests/ui/__snapshots__ before committing them."""

from __future__ import annotations

import pytest

from .conftest import ready, settle

SIZES = [(80, 24), (120, 36), (200, 50)]


async def steady(pilot) -> None:
    """Settle, with text cursors that do not blink (else a snapshot depends on its timing)."""
    await settle(pilot)
    for screen in pilot.app.screen_stack:
        for field in screen.query("Input, TextArea"):
            field.cursor_blink = False
    await settle(pilot)


async def _search_and_open(pilot) -> None:
    await ready(pilot)
    await pilot.press(*"补卡", "enter")
    await steady(pilot)


async def _ready(pilot) -> None:
    await ready(pilot)
    await steady(pilot)


@pytest.mark.parametrize("size", SIZES)
def test_main_with_article(snap_compare, app, size):
    assert snap_compare(app, terminal_size=size, run_before=_search_and_open)


@pytest.mark.parametrize("size", SIZES)
def test_start_screen(snap_compare, app, size):
    assert snap_compare(app, terminal_size=size, run_before=_ready)


def test_writing_notes_at_80x24(snap_compare, app):
    async def write(pilot) -> None:
        await _search_and_open(pilot)
        await pilot.press("f6")
        await steady(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=write)


@pytest.mark.parametrize("size", [(80, 24), (120, 36)])
def test_scripts_pane(snap_compare, app, size):
    async def open_scripts(pilot) -> None:
        await _search_and_open(pilot)
        await pilot.press("f5")
        await steady(pilot)

    assert snap_compare(app, terminal_size=size, run_before=open_scripts)


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

    assert snap_compare(app, terminal_size=(120, 36), run_before=open_history)
