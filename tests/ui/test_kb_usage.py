"""The empty-query list is the agent's own: this call's entries, pinned ones, then the most used
(issue 16 §4, issue 14 §18); F8 pins; the search CLI uses the same records."""

from __future__ import annotations

import json

from agentui.app import create_app
from agentui.cli import main
from agentui.core.cases.opening import open_store

from .conftest import fixed_clock, ready, screen_text, settle

SINCE = "2000-01-01T00:00:00+00:00"


async def open_by_search(pilot, text: str, entry_id: str) -> None:
    await pilot.press("ctrl+f", "ctrl+u", *text)
    await settle(pilot)
    assert pilot.app.main.results.highlighted_id == entry_id
    await pilot.press("enter")
    await settle(pilot)


async def close_call(pilot) -> None:
    await pilot.press("f10", "enter", "ctrl+s")  # resolved
    await settle(pilot)


def first_results(app, count: int) -> list[str]:
    results = app.main.results
    return [results.get_option_at_index(i).id for i in range(count)]


async def test_an_entry_opened_in_three_calls_leads_the_empty_query_list(bundled_app, bundled_settings, bundled_store):
    """Done when: after opening the same entry in three calls, it leads the empty-query list."""
    async with bundled_app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        assert first_results(bundled_app, 1) == ["esim-cancellation"]  # the fixed list: procedures by title
        assert "按类型排列" in screen_text(bundled_app)
        for call in range(3):
            await pilot.press("f2")
            await settle(pilot)
            await open_by_search(pilot, "备份", "faq-data-backup")
            if call == 2:
                await open_by_search(pilot, "esim buka", "esim-replacement")  # once, and later
            await close_call(pilot)
        assert len(bundled_store.history()) == 3
        assert bundled_app.main.search_bar.value == ""
        assert first_results(bundled_app, 2) == ["faq-data-backup", "esim-replacement"]
    bundled_store.close_store()
    # After a restart too: usage is read back from the store.
    store = open_store(bundled_settings.data_dir)
    app = create_app(bundled_settings, store=store, clock=fixed_clock, system_clipboard=False)
    try:
        async with app.run_test(size=(120, 36)) as pilot:
            await ready(pilot)
            assert first_results(app, 2) == ["faq-data-backup", "esim-replacement"]
            assert "最近与常用" in screen_text(app)
    finally:
        store.close_store()


async def test_this_calls_entries_come_back_first_when_the_box_is_cleared(bundled_app):
    async with bundled_app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        await pilot.press("f2")
        await open_by_search(pilot, "备份", "faq-data-backup")
        await open_by_search(pilot, "esim buka", "esim-replacement")
        await pilot.press("ctrl+f", "ctrl+u")
        await settle(pilot)
        assert first_results(bundled_app, 2) == ["esim-replacement", "faq-data-backup"]


async def test_f8_pins_the_open_entry_to_the_top_and_again_unpins_it(bundled_app, bundled_settings, bundled_store):
    async with bundled_app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        await pilot.press("f8")  # nothing open yet
        await settle(pilot)
        assert any("F8" in n.message for n in bundled_app._notifications)
        await open_by_search(pilot, "mts 热线", "contact-mts")
        await pilot.press("f8")
        await settle(pilot)
        assert "★ 已收藏" in screen_text(bundled_app)
        await pilot.press("ctrl+f", "ctrl+u")
        await settle(pilot)
        assert first_results(bundled_app, 1) == ["contact-mts"]
        # pinned also leads its ties in a typed search (`buka` matches five procedures equally)
        await open_by_search(pilot, "流量卡线下", "data-sim-replacement-offline")
        await pilot.press("f8")
        await pilot.press("ctrl+f", "ctrl+u", *"buka")
        await settle(pilot)
        assert bundled_app.main.results.highlighted_id == "data-sim-replacement-offline"
    assert [e.ref for e in bundled_store.events("pin", since=SINCE)] == ["contact-mts", "data-sim-replacement-offline"]
    bundled_store.close_store()
    store = open_store(bundled_settings.data_dir)
    app = create_app(bundled_settings, store=store, clock=fixed_clock, system_clipboard=False)
    try:
        async with app.run_test(size=(120, 36)) as pilot:
            await ready(pilot)
            assert first_results(app, 2) == ["contact-mts", "data-sim-replacement-offline"]  # pinned, by id
            await open_by_search(pilot, "mts 热线", "contact-mts")
            await pilot.press("f8")  # unpin
            await settle(pilot)
            assert "★ 已收藏" not in screen_text(app)
            await pilot.press("ctrl+f", "ctrl+u")
            await settle(pilot)
            assert first_results(app, 1) == ["data-sim-replacement-offline"]
    finally:
        store.close_store()


def test_the_search_cli_breaks_ties_by_the_agents_usage_unless_told_not_to(tmp_path, capsys):
    data = tmp_path / "data"
    store = open_store(data)
    for _ in range(3):
        store.record_event("open", "data-sim-replacement-offline")
    store.record_event("pin", "number-keeping-sim-replacement-online")
    # The console may hold the data dir: the CLI reads the records without its lock.
    assert main(["search", "--data", str(data), "--json", "buka"]) == 0
    used = [hit["id"] for hit in json.loads(capsys.readouterr().out)["results"]]
    assert main(["search", "--data", str(data), "--json", "--no-usage", "buka"]) == 0
    pure = [hit["id"] for hit in json.loads(capsys.readouterr().out)["results"]]
    store.close_store()
    assert used[:2] == ["number-keeping-sim-replacement-online", "data-sim-replacement-offline"]
    assert pure[:2] != used[:2] and sorted(pure[:5]) == sorted(used[:5])


async def test_usage_read_after_the_kb_is_in_still_orders_the_empty_list(bundled_settings, monkeypatch):
    """A slow store (a server, a busy disk) answers after the KB loaded: the list it gives is shown."""
    import asyncio
    import threading
    import time

    from agentui.core.cases import choose

    store = open_store(bundled_settings.data_dir)
    store.record_event("open", "faq-data-backup")
    store.close_store()
    gate = threading.Event()
    real_open = choose.open_case_store

    def slow_open(*args, **kwargs):
        gate.wait(10)
        return real_open(*args, **kwargs)

    monkeypatch.setattr(choose, "open_case_store", slow_open)
    app = create_app(bundled_settings, clock=fixed_clock, system_clipboard=False, signals=False)

    async def until(predicate) -> None:  # not `settle`: it would wait for the gated worker
        started = time.monotonic()
        while not predicate():
            assert time.monotonic() - started < 10, "condition not met"
            await asyncio.sleep(0.02)

    async with app.run_test(size=(120, 36)) as pilot:
        await until(lambda: app.index is not None and app.main.shown_query == "")
        assert first_results(app, 1) == ["esim-cancellation"]  # no usage read yet: the fixed list
        gate.set()
        await until(lambda: app.session.ready)
        await settle(pilot)
        assert first_results(app, 1) == ["faq-data-backup"]
        assert "最近与常用" in screen_text(app)
