"""What the agent sees without hunting, on the bundled KB (issue 14, points 9 and 10): whole titles
and an uncut search box at 120 columns, the copy strip above the fold with each item's operator
(the caller's first), and at 80×24 a readable title, steps and notes."""

from __future__ import annotations

import pytest
from rich.cells import cell_len
from textual.widgets import Input, OptionList, Select

from .conftest import ready, screen_text, settle
from .test_flow_cjk import pane_lines


@pytest.fixture
def app(bundled_app):
    return bundled_app


def row_room(results: OptionList) -> int:
    """Cells a result row has (the pane minus its scrollbar)."""
    return results.scrollable_content_region.width


@pytest.mark.parametrize("size", [(120, 36), (200, 50)])
async def test_every_bundled_title_fits_the_results_pane_and_the_search_box_is_whole(app, size):
    async with app.run_test(size=size) as pilot:
        await ready(pilot)
        results = app.main.results
        badges = app.strings.badges
        longest = max(app.kb.entries.values(), key=lambda e: cell_len(e.title))
        needed = max(cell_len(f"{badges[e.type.value]:<2} {e.title}") for e in app.kb.entries.values())
        assert row_room(results) >= needed, (row_room(results), longest.title)
        await pilot.press(*"保号卡线上")
        await settle(pilot)
        assert any(row.startswith(f"流程 {longest.title}") for row in pane_lines(results))  # painted whole
        search = app.main.search_bar
        assert search.content_region.width >= cell_len(search.placeholder)


async def test_the_copy_strip_is_above_the_fold_labelled_and_the_callers_operator_first(app):
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        await pilot.press(*"esim buka", "enter")
        await settle(pilot)
        article = app.main.article
        assert article.entry.id == "esim-replacement"
        strip = article.query_one("#copyables")
        assert strip.region.bottom <= article.content_region.bottom  # seen without scrolling
        text = "\n".join(pane_lines(strip))
        assert "[1] MTS +7 (495) 777-00-00" in text and "[2] MegaFon +7 (495) 988-88-88" in text
        assert "MTS App MTS Connect" in text and "MegaFon App MegaFon Online" in text
        await pilot.press("f2")
        await settle(pilot)
        app.main.query_one("#caller-operator", Select).value = "megafon"  # the caller is on MegaFon
        await settle(pilot)
        text = "\n".join(pane_lines(strip))
        assert "[1] MegaFon +7 (495) 988-88-88" in text and "[2] MegaFon App MegaFon Online" in text
        assert "[3] MTS +7 (495) 777-00-00" in text
        await pilot.press("ctrl+f", "escape")
        app.main.article.focus()
        await pilot.press("2")
        await settle(pilot)
        assert app.clipboard == "MegaFon Online"


async def test_at_80x24_the_pane_in_use_gets_the_room(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        main = app.main
        await pilot.press(*"保号卡线上")
        await settle(pilot)
        title = app.kb.get("number-keeping-sim-replacement-online").title
        assert any(row.startswith(f"流程 {title}") for row in pane_lines(main.results))  # a whole title
        search = main.search_bar
        assert search.content_region.width >= cell_len(search.placeholder)

        await pilot.press("enter")  # reading: the article gets the room, steps readable
        await settle(pilot)
        steps = main.query_one("#steps", OptionList)
        assert main.article.region.width >= 50 and steps.size.width >= 40
        assert steps.region.y < main.article.region.bottom - 3  # the first steps are on screen
        visible = "".join(pane_lines(main.article))
        assert "☐ 1." in visible and "☐ 2." in visible

        await pilot.press("f6", *"客户在国外丢了eSIM需要补卡")  # writing: the notes get the room
        await settle(pilot)
        notes = main.query_one("#notes")
        assert notes.size.width >= 40 and notes.size.height >= 8
        assert "客户在国外丢了eSIM需要补卡" in "".join(pane_lines(notes))
        await pilot.press("f6")  # F6 again: the notes fill the screen
        await settle(pilot)
        assert main.maximized is notes and notes.size.width >= 76
        await pilot.press("f6")
        await settle(pilot)
        assert main.maximized is None and app.focused is notes


async def test_the_search_placeholder_is_whole_at_80x24_in_english(bundled_settings, bundled_store):
    from dataclasses import replace

    from agentui.app import create_app

    from .conftest import fixed_clock

    settings = replace(bundled_settings, lang="en")
    app = create_app(settings, store=bundled_store, clock=fixed_clock, system_clipboard=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        search = app.main.query_one("#search", Input)
        assert search.content_region.width >= cell_len(search.placeholder)
        assert search.placeholder in screen_text(app)
