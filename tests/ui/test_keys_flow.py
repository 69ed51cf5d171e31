"""Where the cursor and the keys go during a call (issue 14 §1-§7): the agent never presses a key
only to move focus, and nothing typed is dropped."""

from __future__ import annotations

from textual.widgets import DataTable, Input, OptionList, Select

from agentui.app import create_app
from agentui.screens.history import HistoryScreen
from agentui.screens.scripts import ScriptsScreen
from agentui.screens.wrapup import WrapUpScreen
from agentui.widgets.article import StepsList
from agentui.widgets.results import ResultsList

from .conftest import fixed_clock, pump_until, ready, screen_text, settle, wait_until


# --- §1 the cursor lands at the end of the text --------------------------------------------------
async def test_f6_puts_the_cursor_after_the_stored_notes(settings, store):
    store.open_case()
    store.update(notes="HUPTEST\n挂断")
    app = create_app(settings, store=store, clock=fixed_clock, system_clipboard=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("f6", *"TERM")  # after the stored notes, on a line of its own
        assert app.main.query_one("#notes").text == "HUPTEST\n挂断\nTERM"
        await pilot.press("ctrl+home", "A", "ctrl+end", "Z")
        assert app.main.query_one("#notes").text == "AHUPTEST\n挂断\nTERMZ"


async def test_the_summary_cursor_starts_after_the_draft(app, store):
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press(*"补卡", "enter", "f2")
        await settle(pilot)
        await pilot.press("f10")
        await settle(pilot)
        assert isinstance(app.screen, WrapUpScreen)
        draft = app.screen.query_one("#summary").text
        assert draft
        await pilot.press("tab", *"OK")
        assert app.screen.query_one("#summary").text == draft + "OK"


# --- §2 typing in the article or the results goes to the search box ------------------------------
async def test_typing_in_the_article_or_the_results_goes_to_the_search_box(app):
    """In an opened entry, typing starts the caller's next question (the finished query is
    replaced, as a launcher selects it); in the results list it refines the query on screen."""
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press(*"补卡", "enter")
        await settle(pilot)
        assert isinstance(app.focused, StepsList)
        await pilot.press(*"fee")
        assert app.focused is app.main.search_bar
        assert app.main.search_bar.value == "fee"
        await pilot.press("down")
        assert isinstance(app.focused, ResultsList)
        await pilot.press("x")
        assert app.focused is app.main.search_bar and app.main.search_bar.value == "feex"


async def test_keys_bound_in_the_article_keep_their_meaning(app):
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press(*"补卡", "enter")
        await settle(pilot)
        await pilot.press("1")  # copy the first phone
        await settle(pilot)
        assert app.clipboard == "+7 (495) 777-00-00"
        assert app.main.search_bar.value == "补卡"


# --- §3 back and forward over opened entries ------------------------------------------------------
async def test_alt_left_and_right_go_back_and_forward_over_opened_entries(app):
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press(*"补卡", "enter")
        await settle(pilot)
        app.main.open_entry("faq-replacement-fee")  # as from the related list
        app.main.open_entry("contact-mts")
        await pilot.press("alt+left")
        assert app.main.article.entry.id == "faq-replacement-fee"
        await pilot.press("alt+left")
        assert app.main.article.entry.id == "esim-replacement"
        await pilot.press("alt+left")  # nothing before the first: stays
        assert app.main.article.entry.id == "esim-replacement"
        await pilot.press("alt+right")
        assert app.main.article.entry.id == "faq-replacement-fee"
        app.main.open_entry("esim-activation")  # a new entry drops what was ahead
        await pilot.press("alt+right")
        assert app.main.article.entry.id == "esim-activation"


# --- §4 F4: typing filters ----------------------------------------------------------------------
async def test_f4_typing_filters_and_the_filter_is_kept(app, store):
    from agentui.core.cases.model import Caller, Disposition

    for phone in ("+7 916 123 45 67", "+7 903 000 00 00"):
        store.open_case()
        store.update(caller=Caller(phone=phone))
        store.close(Disposition.RESOLVED, "")
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("f4")
        await settle(pilot)
        await pilot.press(*"916")
        await settle(pilot)
        assert isinstance(app.screen, HistoryScreen)
        assert app.screen.query_one("#history-text", Input).value == "916"
        assert app.screen.query_one(DataTable).row_count == 1
        await pilot.press("escape", "f4")
        await settle(pilot)
        assert app.screen.query_one("#history-text", Input).value == "916"
        assert app.screen.query_one(DataTable).row_count == 1
        await pilot.press("down", "enter")  # into the table, open the case
        await settle(pilot)
        assert "916" in screen_text(app)


# --- §5 the operator: type-ahead and pre-selection -------------------------------------------------
async def test_the_operator_select_takes_type_ahead(app):
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("f2")
        await settle(pilot)
        operator = app.main.query_one("#caller-operator", Select)
        for typed, expected in (("m", "mts"), ("meg", "megafon"), ("мт", "mts"), ("麦", "megafon"), ("b", "beeline")):
            operator.focus()
            await pilot.pause(1.1)  # a pause ends the previous word
            await pilot.press(*typed)
            assert operator.value == expected, typed
            assert not operator.expanded


async def test_the_operator_is_preselected_from_the_entry_or_the_query(app):
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("f2")
        await settle(pilot)
        operator = app.main.query_one("#caller-operator", Select)
        await pilot.press("f3", *"激活", "enter")  # eSIM activation: MTS only
        await settle(pilot)
        assert operator.value == "mts"
        operator.value = Select.NULL
        await pilot.press("f3", "ctrl+a", *"megafon 补卡", "enter")  # the entry names two; the query one
        await settle(pilot)
        assert operator.value == "megafon"


# --- §6 a tick while browsing does not start a call ---------------------------------------------
async def test_a_tick_without_a_case_is_kept_and_carried_into_the_next_case(app, store):
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press(*"补卡", "enter", "space")
        await settle(pilot)
        assert store.active() is None, "ticking while browsing started a call"
        assert app.main.header.case_id == ""
        assert app.main.query_one(StepsList).ticked == {1}
        app.main.open_entry("faq-replacement-fee")
        app.main.open_entry("esim-replacement")
        assert app.main.query_one(StepsList).ticked == {1}
        await pilot.press("f2")
        await wait_until(pilot, lambda: store.active() is not None and store.active().steps != {})
        assert store.active().steps == {"esim-replacement": [1]}


# --- §7 the scripts pane's keys -------------------------------------------------------------------
async def test_scripts_pane_keys_are_consistent_and_on_screen(app, store):
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("f2")
        await settle(pilot)
        await pilot.press("f5")
        await settle(pilot)
        assert isinstance(app.screen, ScriptsScreen)
        text = screen_text(app)
        for key in ("Enter", "Ctrl+N", "F5", "Esc"):
            assert key in text, key
        scripts = app.screen.query_one("#script-list", OptionList)
        scripts.highlighted = scripts.get_option_index("script-closing")
        await pilot.press("enter")  # copies, says so (a notice), stays open
        await wait_until(pilot, lambda: any("已复制" in n.message for n in app._notifications))
        assert isinstance(app.screen, ScriptsScreen)
        assert app.clipboard.startswith("您的案例编号是")
        await pilot.press("f5")  # toggles closed
        await settle(pilot)
        assert app.screen is app.main
        await pilot.press("f5")
        await settle(pilot)
        scripts = app.screen.query_one("#script-list", OptionList)
        scripts.highlighted = scripts.get_option_index("script-closing")
        await pilot.press("ctrl+n")  # inserts into the notes and closes
        await wait_until(pilot, lambda: app.screen is app.main and "感谢来电" in app.main.query_one("#notes").text)
        assert app.main.search_bar.value == ""
        assert app.focused.id == "notes"


async def test_letters_typed_in_the_scripts_pane_filter_it_and_never_reach_the_search_box(app, store):
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("f2")
        await settle(pilot)
        await pilot.press("f3", "f5")
        await settle(pilot)
        await pilot.press(*"Ii")
        await settle(pilot)
        assert isinstance(app.screen, ScriptsScreen)
        assert app.screen.query_one("#script-filter").value == "Ii"
        await pilot.press("escape")
        await settle(pilot)
        assert app.main.search_bar.value == ""
        assert app.main.query_one("#notes").text == ""


async def test_f5_while_the_kb_loads_opens_the_pane_once_loaded_and_leaves_no_letter_behind(app, monkeypatch):
    """F5 right at start said "loading" and the `i` typed next landed in the search box."""
    import threading

    from agentui.core.search import cache

    loaded = threading.Event()
    real_open = cache.open_search_trusted  # the console's start

    def slow_open(*args, **kwargs):
        loaded.wait(10)
        return real_open(*args, **kwargs)

    # on the cache module: set on the package, the attribute stays there after the test
    monkeypatch.setattr(cache, "open_search_trusted", slow_open)
    async with app.run_test(size=(120, 40)) as pilot:
        await pump_until(pilot, lambda: bool(app.main.query("#case")) and app.main.case_pane.built)
        assert app.index is None, "the KB is still loading"
        await pilot.press("f5", "i")
        assert app.main.search_bar.value == ""
        loaded.set()
        await wait_until(pilot, lambda: isinstance(app.screen, ScriptsScreen))
        assert app.main.search_bar.value == ""
