"""A warm start lists the rows the empty query listed last in its first frame, before the search
loads, and the search then lists the very same rows (the agent's cursor stays where it is)."""

from __future__ import annotations

import threading
from dataclasses import replace
from pathlib import Path

import pytest

from agentui.app import create_app
from agentui.core.search import cache as search_cache
from agentui.core.search.first_screen import read_first_rows, read_in_background
from agentui.screens import first_frame
from agentui.screens.main import MainScreen
from agentui.widgets.results import ResultsList

from .conftest import fixed_clock, pump_until, ready, screen_text, settle, wait_until


@pytest.fixture
def warm_settings(bundled_settings, tmp_path: Path):
    """The bundled KB with a cache dir, after one console run listed its first rows."""
    return replace(bundled_settings, cache_dir=tmp_path / "cache")


async def _first_run(settings, store) -> list[str]:
    """A console run as on the agent's machine before: what its empty query listed."""
    app = create_app(settings, store=store, clock=fixed_clock, system_clipboard=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await settle(pilot)
        return [app.main.results.get_option_at_index(i).id for i in range(app.main.results.option_count)]


def opened(app) -> str | None:
    """The entry open in the article pane (on a warm start the panes come after the search)."""
    entry = app.main.article.entry if app.main.panes_built else None
    return entry.id if entry is not None else None


@pytest.fixture
def held_kb(monkeypatch):
    """Once cleared, the KB load waits until the test sets it again, as a slow load would."""
    go = threading.Event()
    go.set()
    real = search_cache.open_search_trusted  # the console's start

    def slow_open_search(kb_dir, cache_dir=None, key=None):
        go.wait(10)
        return real(kb_dir, cache_dir, key)

    monkeypatch.setattr(search_cache, "open_search_trusted", slow_open_search)
    yield go
    go.set()


async def test_a_warm_start_lists_the_last_rows_before_the_kb_loads(warm_settings, bundled_store, held_kb):
    listed = await _first_run(warm_settings, bundled_store)
    assert len(listed) == 15
    assert read_first_rows(warm_settings.kb_dir, warm_settings.cache_dir) is not None
    held_kb.clear()
    app = create_app(warm_settings, store=bundled_store, clock=fixed_clock, system_clipboard=False,
                     first_rows=read_in_background(warm_settings.kb_dir, warm_settings.cache_dir))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        results = app.main.query_one(ResultsList)
        assert app.index is None, "the KB is still loading"
        assert [results.get_option_at_index(i).id for i in range(results.option_count)] == listed
        assert "按类型排列 · 前 15 条" in screen_text(app)
        before = screen_text(app)
        await pilot.press("down", "down", "down")  # the agent reads down the list meanwhile
        assert results.highlighted == 2
        held_kb.set()
        await ready(pilot)
        await settle(pilot)
        assert [results.get_option_at_index(i).id for i in range(results.option_count)] == listed
        assert results.highlighted == 2, "the KB's own rows are the same: the cursor stays"
        assert app.main.shown_query == ""
        assert before.splitlines()[3:20] == screen_text(app).splitlines()[3:20]


async def test_enter_on_a_first_row_opens_it_when_the_kb_has_loaded(warm_settings, bundled_store, held_kb):
    listed = await _first_run(warm_settings, bundled_store)
    held_kb.clear()
    app = create_app(warm_settings, store=bundled_store, clock=fixed_clock, system_clipboard=False,
                     first_rows=read_in_background(warm_settings.kb_dir, warm_settings.cache_dir))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert app.index is None
        await pilot.press("down", "down", "enter")
        await pilot.pause()
        held_kb.set()
        await wait_until(pilot, lambda: opened(app) is not None)
        assert opened(app) == listed[1]


async def test_typing_over_the_first_rows_says_the_kb_is_loading_then_searches(warm_settings, bundled_store,
                                                                               held_kb):
    await _first_run(warm_settings, bundled_store)
    held_kb.clear()
    app = create_app(warm_settings, store=bundled_store, clock=fixed_clock, system_clipboard=False,
                     first_rows=read_in_background(warm_settings.kb_dir, warm_settings.cache_dir))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press(*"补卡")
        await pilot.pause()
        assert "正在加载知识库" in screen_text(app), "the rows listed are not the typed query's"
        held_kb.set()
        await wait_until(pilot, lambda: app.main.shown_query == "补卡")
        assert "「补卡」" in screen_text(app)
        await ready(pilot)
        assert app.main.results.highlighted_id == "esim-replacement"


async def test_enter_after_a_query_typed_before_the_kb_loads_opens_its_top_result(warm_settings, bundled_store,
                                                                                    held_kb):
    """The agent types the caller's words and Enter at once: the top result opens when it can."""
    await _first_run(warm_settings, bundled_store)
    held_kb.clear()
    app = create_app(warm_settings, store=bundled_store, clock=fixed_clock, system_clipboard=False,
                     first_rows=read_in_background(warm_settings.kb_dir, warm_settings.cache_dir))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press(*"补卡", "enter")
        await pilot.pause()
        assert app.index is None and opened(app) is None
        held_kb.set()
        await wait_until(pilot, lambda: opened(app) is not None)
        assert opened(app) == "esim-replacement"
        assert app.main.shown_query == "补卡"


async def test_a_cold_start_says_the_kb_is_loading(warm_settings, bundled_store, held_kb):
    """No rows listed before (or a KB changed since): nothing is listed until the KB is loaded."""
    held_kb.clear()
    app = create_app(warm_settings, store=bundled_store, clock=fixed_clock, system_clipboard=False,
                     first_rows=read_in_background(warm_settings.kb_dir, warm_settings.cache_dir))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert app.main.results.option_count == 0
        assert "正在加载知识库" in screen_text(app)
        held_kb.set()
        await ready(pilot)
        assert app.main.results.option_count == 15


class HeldPanes:
    """Holds the panes' build (right after the first frame) until `release()`, without blocking
    any message loop, as a slow machine would delay it."""

    def __init__(self, real):
        self.real = real
        self.held: list[MainScreen] = []

    async def build(self, screen: MainScreen) -> None:
        self.held.append(screen)

    def release(self) -> None:
        for screen in self.held:
            screen.call_later(self.real, screen)
        self.held = []


@pytest.fixture
def held_panes(monkeypatch):
    held = HeldPanes(MainScreen._build_panes)

    async def held_build(screen: MainScreen) -> None:
        await held.build(screen)

    monkeypatch.setattr(MainScreen, "_build_panes", held_build)
    return held


async def test_quitting_on_the_first_frame_exits_cleanly(bundled_app, held_panes):
    """The first rows invite keys at once: Ctrl+Q before the panes exist used to crash the console."""
    async with bundled_app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert not bundled_app.main.panes_built
        await pilot.press("ctrl+q")
        held_panes.release()  # the build, queued before the key, runs while the console closes
        await pilot.pause()
    assert bundled_app.return_code == 0


async def test_f6_on_the_first_frame_goes_to_the_notes_once_they_exist(bundled_app, held_panes):
    async with bundled_app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert not bundled_app.main.panes_built
        await pilot.press("f6")
        held_panes.release()
        await wait_until(pilot, lambda: bundled_app.main.panes_built)
        await settle(pilot)
        assert bundled_app.focused is bundled_app.main.query_one("#notes")


async def test_the_first_rows_are_laid_out_in_the_width_class_of_the_terminal(bundled_app, monkeypatch):
    """Textual sets `-wide` on its first resize, after the first frame: the first rows would be
    painted 88 columns wide at 120 columns, then cut to 50. They are listed in the final layout."""
    seen: list[set[str]] = []
    real = MainScreen.show_first_rows

    def spy(screen: MainScreen, rows) -> None:
        seen.append(set(screen.classes))
        real(screen, rows)

    monkeypatch.setattr(MainScreen, "show_first_rows", spy)
    async with bundled_app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        assert seen and "-wide" in seen[0] and "-narrow" not in seen[0], seen
        assert bundled_app.main.has_class("-wide")


@pytest.fixture
def panes_wait_long(monkeypatch):
    """The panes would wait a minute for the search: what builds them sooner is what is tested."""
    monkeypatch.setattr(first_frame, "PANES_AT_LATEST", 60.0)


def _spied_order(monkeypatch) -> list[str]:
    order: list[str] = []
    real_build, real_show = MainScreen._build_panes, MainScreen.show_results

    async def build(screen: MainScreen) -> None:
        order.append("panes")
        await real_build(screen)

    def show(screen: MainScreen, query: str, hits) -> None:
        order.append(f"results {query!r}")
        real_show(screen, query, hits)

    monkeypatch.setattr(MainScreen, "_build_panes", build)
    monkeypatch.setattr(MainScreen, "show_results", show)
    return order


async def test_a_warm_start_paints_the_search_before_it_builds_the_panes(warm_settings, bundled_store, monkeypatch,
                                                                       panes_wait_long):
    """The panes' build and paints came first and the search loaded after them: the first query
    typed on a warm start was answered ~600 ms after the first frame. The panes cannot show an
    entry before the KB is loaded: they now come right after the search's first results."""
    await _first_run(warm_settings, bundled_store)
    order = _spied_order(monkeypatch)
    app = create_app(warm_settings, store=bundled_store, clock=fixed_clock, system_clipboard=False,
                     first_rows=read_in_background(warm_settings.kb_dir, warm_settings.cache_dir))
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: app.main.panes_built)
        await ready(pilot)
    assert order[:2] == ["results ''", "panes"]


async def test_a_search_slow_to_load_holds_the_panes_back_a_moment_only(warm_settings, bundled_store, held_kb,
                                                                        monkeypatch):
    await _first_run(warm_settings, bundled_store)
    monkeypatch.setattr(first_frame, "PANES_AT_LATEST", 0.05)
    held_kb.clear()
    app = create_app(warm_settings, store=bundled_store, clock=fixed_clock, system_clipboard=False,
                     first_rows=read_in_background(warm_settings.kb_dir, warm_settings.cache_dir))
    async with app.run_test(size=(120, 40)) as pilot:
        await pump_until(pilot, lambda: app.main.panes_built)
        assert app.index is None
        held_kb.set()
        await ready(pilot)


async def test_f6_while_the_search_loads_builds_the_panes_at_once(warm_settings, bundled_store, held_kb,
                                                                 panes_wait_long):
    await _first_run(warm_settings, bundled_store)
    held_kb.clear()
    app = create_app(warm_settings, store=bundled_store, clock=fixed_clock, system_clipboard=False,
                     first_rows=read_in_background(warm_settings.kb_dir, warm_settings.cache_dir))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert not app.main.panes_built
        await pilot.press("f6")
        await pump_until(pilot, lambda: app.main.panes_built)
        await pilot.pause()
        assert app.index is None
        assert app.focused is app.main.query_one("#notes")
        held_kb.set()
        await ready(pilot)


async def test_a_cold_start_builds_the_panes_at_once(bundled_settings, bundled_store, held_kb, panes_wait_long):
    """No rows kept (a first start, a changed KB): the KB is parsed, seconds at 10k entries."""
    held_kb.clear()
    app = create_app(bundled_settings, store=bundled_store, clock=fixed_clock, system_clipboard=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await pump_until(pilot, lambda: app.main.panes_built)
        assert app.index is None
        held_kb.set()
        await ready(pilot)


async def test_a_kb_that_fails_to_load_builds_the_panes_at_once(warm_settings, bundled_store, monkeypatch,
                                                               panes_wait_long):
    await _first_run(warm_settings, bundled_store)

    def broken(kb_dir, cache_dir=None, key=None):
        raise OSError("disk gone")

    monkeypatch.setattr(search_cache, "open_search", broken)
    app = create_app(warm_settings, store=bundled_store, clock=fixed_clock, system_clipboard=False,
                     first_rows=read_in_background(warm_settings.kb_dir, warm_settings.cache_dir))
    async with app.run_test(size=(120, 40)) as pilot:
        await pump_until(pilot, lambda: app.main.panes_built)
        assert app.index is None


async def test_a_warm_start_loads_the_index_under_the_key_its_first_rows_took(warm_settings, bundled_store,
                                                                             monkeypatch):
    """Stat'ing a 10k-entry KB's files again took the KB worker 70-90 ms, milliseconds after the
    first rows had done it."""
    listed = await _first_run(warm_settings, bundled_store)
    monkeypatch.setattr(search_cache, "stat_key", lambda kb_dir: pytest.fail("the KB files were stat'ed again"))
    app = create_app(warm_settings, store=bundled_store, clock=fixed_clock, system_clipboard=False,
                     first_rows=read_in_background(warm_settings.kb_dir, warm_settings.cache_dir))
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        results = app.main.results
        assert [results.get_option_at_index(i).id for i in range(results.option_count)] == listed


async def test_f2_on_the_first_frame_takes_the_caller_without_waiting_for_the_search(warm_settings, bundled_store,
                                                                                     held_kb, monkeypatch):
    """F2 right at start while the search loads: the caller's name went to the search box (`张`)
    because the case pane waited for the search's first results before it was built."""
    from textual.widgets import Input

    await _first_run(warm_settings, bundled_store)
    monkeypatch.setattr(first_frame, "PANES_AT_LATEST", 60.0)  # only a key may bring the panes early
    held_kb.clear()
    app = create_app(warm_settings, store=bundled_store, clock=fixed_clock, system_clipboard=False,
                     first_rows=read_in_background(warm_settings.kb_dir, warm_settings.cache_dir))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert not app.main.panes_built and app.index is None
        await pilot.press("f2")
        await wait_until(pilot, lambda: app.focused is not None and app.focused.id == "caller-name")
        assert app.index is None, "the search is still loading"
        await pilot.press(*"张先生")
        assert app.main.query_one("#caller-name", Input).value == "张先生"
        assert app.main.search_bar.value == ""
        held_kb.set()
        await wait_until(pilot, lambda: app.index is not None)  # not torn down while the search arrives
        await settle(pilot)
        assert app.main.query_one("#caller-name", Input).value == "张先生"


async def test_a_key_that_arrives_before_the_first_frame_has_the_panes_built_once(bundled_app, held_panes):
    """F2 or F6 typed as the console starts reach it before its first frame is done: the panes
    were asked for twice and the console crashed (DuplicateIds: 'article')."""
    async with bundled_app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        main = bundled_app.main
        assert not main.panes_built
        held_panes.held.clear()
        main._panes_asked = False  # as before the first frame: nothing asked the panes yet
        main.when_built(bundled_app.action_focus_notes)  # the key
        main._after_first_frame()  # then the first frame's own step
        main.search_painted()
        await pilot.pause()  # the builds asked for are queued (and held)
        held_panes.release()
        await wait_until(pilot, lambda: main.panes_built)
        await settle(pilot)
        assert len(main.query("#article")) == 1 and len(main.query("#case")) == 1
        assert bundled_app.focused is main.query_one("#notes")
