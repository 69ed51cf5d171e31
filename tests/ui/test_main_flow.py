"""Search, results, the article and ticking steps, with the real case store."""

from __future__ import annotations

from agentui.widgets.article import StepsList
from agentui.widgets.results import ResultsList

from .conftest import ready, screen_text, settle


async def test_search_box_has_focus_at_start_and_typing_searches(app):
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        assert app.focused is app.main.search_bar
        await pilot.press(*"补卡")
        await settle(pilot)
        results = app.main.query_one(ResultsList)
        assert results.highlighted_id == "esim-replacement"
        assert app.main.shown_query == "补卡"
        assert "「补卡」" in screen_text(app)


async def test_enter_opens_top_result_and_space_ticks_a_saved_step(app, store):
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press(*"eSIM 补卡")
        await pilot.press("enter")
        await settle(pilot)
        assert app.main.article.entry.id == "esim-replacement"
        steps = app.main.query_one(StepsList)
        assert app.focused is steps
        await pilot.press("f2")  # the call starts (a tick without a case waits for one: test_keys_flow)
        await settle(pilot)
        app.main.article.focus_body()
        await pilot.press("space")
        await settle(pilot)
        case = store.active()
        assert case.steps == {"esim-replacement": [1]}
        assert case.articles == ["esim-replacement"], "the entry opened before the case is recorded in it"
        assert steps.border_title == "步骤 1/4"
        await pilot.press("down", "space", "space")  # tick and untick step 2
        await settle(pilot)
        assert store.active().steps == {"esim-replacement": [1]}
        await pilot.press("space")
        await settle(pilot)
        assert store.active().steps == {"esim-replacement": [1, 2]}


async def test_space_in_search_box_types_a_space(app, store):
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("e", "space", "s")
        assert app.main.search_bar.value == "e s"
        assert store.active() is None


async def test_down_moves_into_results_and_up_returns(app):
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("down")
        assert isinstance(app.focused, ResultsList)
        await pilot.press("up")
        assert app.focused is app.main.search_bar


async def test_stale_results_never_overwrite_newer_query(app):
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press(*"MTS")
        await settle(pilot)
        top_for_mts = app.main.results.highlighted_id
        assert top_for_mts == app.index.search("MTS", limit=1)[0].id != "esim-replacement"
        hits_for_old = app.index.search("补卡", limit=30)
        app.main.show_results("补卡", hits_for_old)  # a late result for an older query
        assert app.main.shown_query == "MTS"
        assert app.main.results.highlighted_id == top_for_mts
        assert "「MTS」" in screen_text(app) and "「补卡」" not in screen_text(app)
