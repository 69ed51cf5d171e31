"""F5 on the bundled KB as a call goes: the scripts for the moment first, typing filters the pane
(issue 14, points 7 and 8)."""

from __future__ import annotations

import pytest
from textual.widgets import Input, OptionList, Select

from agentui.screens.scripts import ScriptsScreen

from .conftest import ready, settle, wait_until


@pytest.fixture
def app(bundled_app):
    return bundled_app


def listed(screen: ScriptsScreen) -> list[str]:
    scripts = screen.query_one("#script-list", OptionList)
    return [o.id for o in (scripts.get_option_at_index(i) for i in range(scripts.option_count)) if o.id]


def chosen(screen: ScriptsScreen) -> str | None:
    return screen.current.id if screen.current is not None else None


async def open_scripts(pilot) -> ScriptsScreen:
    await pilot.press("f5")
    await settle(pilot)
    assert isinstance(pilot.app.screen, ScriptsScreen)
    return pilot.app.screen


async def test_a_replacement_call_offers_its_own_scripts_in_the_authors_order(app):
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        app.main.open_entry("esim-replacement")
        await settle(pilot)
        screen = await open_scripts(pilot)
        assert chosen(screen) == "script-verify-identity"  # was 注销 eSIM 前的确认 (sorted by id)
        assert listed(screen)[:4] == [
            "script-verify-identity", "script-replacement-documents", "script-waiting-time", "script-fee-disclosure",
        ]
        await pilot.press("f5")  # F5 again closes the pane
        app.main.open_entry("faq-replacement-duration")
        await settle(pilot)
        screen = await open_scripts(pilot)
        assert chosen(screen) == "script-waiting-time"  # was third


async def test_call_start_offers_the_greeting_and_wrap_up_the_closing(app):
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        await pilot.press("f2")
        await settle(pilot)
        screen = await open_scripts(pilot)
        assert chosen(screen) == "script-greeting"  # was fifth
        await pilot.press("escape", "ctrl+f", *"注销", "enter")
        await settle(pilot)
        await pilot.press("f10")  # the talk ends, the wrap-up begins
        await settle(pilot)
        await pilot.press("escape")  # back to the call to say goodbye
        await settle(pilot)
        screen = await open_scripts(pilot)
        assert chosen(screen) == "script-closing"
        assert listed(screen)[1] == "script-cancellation-confirm"  # then the open entry's own


async def test_typing_in_the_pane_filters_it_with_the_main_search(app):
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        await pilot.press("f2", *"Anna")
        app.main.query_one("#caller-operator", Select).value = "mts"
        await settle(pilot)
        screen = await open_scripts(pilot)
        assert app.focused is screen.query_one("#script-filter", Input)
        await pilot.press(*"dengdai")  # pinyin, as in the search box: 等待
        await wait_until(pilot, lambda: listed(screen) == ["script-waiting-time"])
        assert chosen(screen) == "script-waiting-time"
        await pilot.press("enter")
        await settle(pilot)
        assert app.clipboard.startswith("Anna，关于时间") and isinstance(app.screen, ScriptsScreen)  # pane stays
        await pilot.press(*["backspace"] * 7)
        await wait_until(pilot, lambda: listed(screen)[0] == "script-greeting")
        await pilot.press(*"ijk")  # letters are typed, never shortcuts
        await settle(pilot)
        assert screen.query_one("#script-filter", Input).value == "ijk"
        assert app.main.search_bar.value == ""
        await pilot.press("f5")
        await settle(pilot)
        assert app.screen is app.main and app.main.search_bar.value == ""


async def test_arrows_skip_headings_and_ctrl_n_inserts_into_notes(app):
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        await pilot.press("f2", *"Anna")
        app.main.query_one("#caller-operator", Select).value = "mts"
        await settle(pilot)
        app.main.open_entry("faq-replacement-duration")
        await settle(pilot)
        screen = await open_scripts(pilot)
        order = listed(screen)
        await pilot.press("down")
        assert chosen(screen) == order[1]
        await pilot.press("up", "up")
        assert chosen(screen) == order[0]
        await pilot.press("ctrl+n")
        await wait_until(pilot, lambda: app.screen is app.main)
        assert "Anna，关于时间我先跟您说明一下" in app.main.query_one("#notes").text
