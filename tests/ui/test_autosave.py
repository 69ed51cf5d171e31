"""Autosave while the agent types without a pause: a save at least once a second (a debounce with
a maximum wait), for the notes, the caller fields and the wrap-up summary."""

from __future__ import annotations

import time

from agentui.widgets.autosave import MAX_WAIT

from .conftest import ready, settle


async def type_steadily(pilot, seconds: float, interval: float = 0.1) -> None:
    started = time.monotonic()
    n = 0
    while time.monotonic() - started < seconds:
        await pilot.press("abcdefghijklmnopqrstuvwxyz"[n % 26])
        n += 1
        await pilot.pause(interval)


async def test_notes_typed_without_a_pause_reach_the_store_every_second(app, store):
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("f2")
        await settle(pilot)
        await pilot.press("f6")
        seen: list[int] = []
        for _ in range(4):
            await type_steadily(pilot, MAX_WAIT + 0.3)
            seen.append(len(store.active().notes))
        typed = len(app.main.query_one("#notes").text)
        assert seen == sorted(seen) and len(set(seen)) == len(seen), f"saves stalled: {seen}"
        assert seen[-1] >= typed - 15, (seen, typed)  # at most ~1.5 s of typing not on disk


async def test_a_caller_field_typed_without_a_pause_reaches_the_store_every_second(app, store):
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("f2")
        await settle(pilot)
        assert app.focused.id == "caller-name"
        await type_steadily(pilot, MAX_WAIT + 0.5)
        assert store.active().caller.name, "nothing saved while the agent kept typing"


async def test_the_summary_draft_is_autosaved_and_offered_again(settings, store):
    from agentui.app import create_app
    from agentui.screens.wrapup import WrapUpScreen

    from .conftest import fixed_clock

    first = create_app(settings, store=store, clock=fixed_clock, system_clipboard=False)
    async with first.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("f2")
        await settle(pilot)
        await pilot.press("f10", "tab")
        await type_steadily(pilot, MAX_WAIT + 0.5)
        typed = first.screen.query_one("#summary").text
        assert store.active().summary, "the summary was not saved while the agent typed"
        assert typed.startswith(store.active().summary)
        await pilot.press("escape")  # cancelling the wrap-up keeps the draft
        await settle(pilot)
        assert store.active().summary == typed
    # A new console (as after a crash) offers the typed draft, not a freshly drafted summary.
    second = create_app(settings, store=store, clock=fixed_clock, system_clipboard=False)
    async with second.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("f10")
        await settle(pilot)
        assert isinstance(second.screen, WrapUpScreen)
        assert second.screen.query_one("#summary").text == typed


async def test_a_debounce_fires_by_its_deadline_when_calls_never_pause():
    """Calls every 0.1 s, and now and then the event loop is busy past the deadline: a save still
    comes every time. (A zero-length timer, made once the deadline had passed, never fired:
    Textual's Timer divides by its interval when it runs late.)"""
    import asyncio

    from textual.app import App

    from agentui.widgets.autosave import Debounce

    saves: list[float] = []

    class Host(App[None]):
        pass

    host = Host()
    async with host.run_test():
        debounce = Debounce(host, lambda: saves.append(time.monotonic()), delay=0.5, max_wait=0.6)
        started = time.monotonic()
        for n in range(30):
            debounce.changed()
            if n % 6 == 3:
                time.sleep(0.7)  # the UI thread busy (a long paint, a GC pass) past the deadline
            await asyncio.sleep(0.1)
        ended = time.monotonic()
    gaps = [b - a for a, b in zip([started, *saves, ended], [*saves, ended], strict=False)]
    assert max(gaps) < 0.6 + 0.7 + 0.3, gaps
