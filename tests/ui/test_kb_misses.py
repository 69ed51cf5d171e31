"""Searches the KB could not answer are kept and listed by `agentui kb gaps` (issue 16 §1); the
results say when no entry holds every word (issue 14 §13)."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from agentui.app import create_app
from agentui.cli import main
from agentui.core.cases.choose import open_event_reader
from agentui.core.misses import SETTLE_S

from .conftest import fixed_clock, ready, screen_text, settle

SINCE = "2000-01-01T00:00:00+00:00"


class Seconds:
    """The miss tracker's clock: a test says how long the agent read the results."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def read(self) -> None:
        self.now += SETTLE_S + 1


async def search(pilot, text: str) -> None:
    await pilot.press("ctrl+f", "ctrl+u", *text)
    await settle(pilot)


@pytest.mark.parametrize(("lang", "line"), [("zh", "没有同时包含「注销」「流量卡」的条目"),
                                            ("en", "No entry has all of “注销” “流量卡”")])  # fmt: skip
async def test_results_say_when_no_entry_holds_every_word(bundled_settings, bundled_store, lang, line):
    app = create_app(replace(bundled_settings, lang=lang), store=bundled_store, clock=fixed_clock,
                     system_clipboard=False)  # fmt: skip
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        await search(pilot, "注销流量卡")
        assert line in screen_text(app)
        lacking = app.main.query_one("#results-lacking")
        assert lacking.region.bottom <= app.main.results.region.y  # the line, then the closest entries
        assert app.main.results.highlighted_id == "data-sim-replacement-online"
        await search(pilot, "eSIM 补卡")  # an entry holds both words: no line
        assert line not in screen_text(app)


async def test_a_search_given_up_twice_in_two_forms_is_one_gap_counted_twice(
    bundled_app, bundled_settings, bundled_store, capsys
):
    """Done when: search for something the KB lacks, give up, search again in another form; then
    `agentui kb gaps` lists it once with count 2."""
    seconds = Seconds()
    bundled_app.session.misses.clock = seconds
    async with bundled_app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        await pilot.press("f2")
        await search(pilot, "注销流量卡")
        seconds.read()
        await search(pilot, "流量卡注销")  # another form: the first search ended unopened
        seconds.read()
        await pilot.press("ctrl+u")  # gives up
        await settle(pilot)
        case_id = bundled_app.session.case.id
    misses = bundled_store.events("miss", since=SINCE)
    assert [(e.ref, e.case_id) for e in misses] == [("注销流量卡", case_id), ("流量卡注销", case_id)]
    assert main(["kb", "gaps", "--data", str(bundled_settings.data_dir), "--format", "json"]) == 0
    gaps = json.loads(capsys.readouterr().out)["gaps"]
    assert len(gaps) == 1
    assert gaps[0]["count"] == 2 and set(gaps[0]["forms"]) == {"注销流量卡", "流量卡注销"}
    assert gaps[0]["offered"] == {"id": "data-sim-replacement-online", "title": "流量卡线上补卡（官网申请，新卡邮寄）",
                                  "all_words": False}  # fmt: skip


async def test_keystrokes_and_opened_results_are_no_misses(bundled_app, bundled_store):
    seconds = Seconds()
    bundled_app.session.misses.clock = seconds
    async with bundled_app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        await search(pilot, "esim buka")
        seconds.read()
        await pilot.press("enter")  # found it
        await settle(pilot)
        await search(pilot, "MTS")  # typed and cleared before reading anything
        await pilot.press("ctrl+u")
        await settle(pilot)
    assert bundled_store.events("miss", since=SINCE) == []
    assert [e.ref for e in bundled_store.events("open", since=SINCE)] == ["esim-replacement"]


async def test_a_result_opened_for_words_no_entry_holds_is_still_a_miss(bundled_app, bundled_store):
    async with bundled_app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        await search(pilot, "注销流量卡")
        await pilot.press("enter")  # the agent makes do with the closest entry
        await settle(pilot)
    assert [e.ref for e in bundled_store.events("miss", since=SINCE)] == ["注销流量卡"]


async def test_a_search_that_found_nothing_is_kept_as_zero_redacted(bundled_app, bundled_settings):
    seconds = Seconds()
    bundled_app.session.misses.clock = seconds
    async with bundled_app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        await search(pilot, "qqzx 4111111111111111")
        assert bundled_app.main.results.option_count == 0
        seconds.read()
        await pilot.press("ctrl+q")  # quitting ends the search too
        await settle(pilot)
    [zero] = open_event_reader(bundled_settings.data_dir).events("zero", since=SINCE)  # the store is closed
    assert "4111111111111111" not in zero.ref and zero.ref.startswith("qqzx ")


async def test_results_shown_again_by_a_kb_reload_are_no_new_search(bundled_app, bundled_store):
    """A reload paints the same query's results again: the agent asked nothing new (seen in tmux: a
    query whose result was opened came back as a miss after the KB reloaded)."""
    seconds = Seconds()
    bundled_app.session.misses.clock = seconds
    async with bundled_app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        await search(pilot, "esim buka")
        await pilot.press("enter")  # found it
        await settle(pilot)
        bundled_app.reload_knowledge()
        await settle(pilot)
        assert bundled_app.main.search_bar.value == "esim buka"
        seconds.read()
        await pilot.press("ctrl+q")
        await settle(pilot)
    assert open_event_reader(bundled_app.settings.data_dir).events("miss", since=SINCE) == []
