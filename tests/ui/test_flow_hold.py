"""Hold (F7) and the end of talk (F10): a second timer in the header, phases on the case, shown in
the case view in either language (issue 14, point 19)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from agentui.app import create_app
from agentui.core.cases.model import Disposition
from agentui.core.cases.opening import open_store
from agentui.screens.history import CaseViewScreen
from agentui.screens.wrapup import WrapUpScreen

from .conftest import ready, screen_text, settle


class MovingClock:
    def __init__(self) -> None:
        self.now = datetime(2026, 3, 2, 10, 0, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: int) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock() -> MovingClock:
    return MovingClock()


@pytest.fixture
def store(settings, clock):
    store = open_store(settings.data_dir, clock=clock)
    yield store
    store.close_store()


def header(app) -> str:
    return app.main.header.render().plain


async def test_f7_holds_and_resumes_with_a_second_timer_and_f10_ends_the_talk(settings, store, clock):
    app = create_app(settings, store=store, clock=clock, system_clipboard=False)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        await pilot.press("f7")
        await settle(pilot)
        assert any("没有进行中的案例" in n.message for n in app._notifications)
        await pilot.press("f2")
        await settle(pilot)
        clock.advance(60)
        await pilot.press(*"Anna", "f7")  # from a text field: F7 is never typed
        await settle(pilot)
        assert store.active().on_hold and store.active().hold_count == 1
        assert app.main.header.has_class("-on-hold")
        clock.advance(30)
        assert "01:30" in header(app) and "⏸ 保持 00:30" in header(app)
        await pilot.press("f7")
        await settle(pilot)
        active = store.active()
        assert (active.on_hold, active.hold_count, active.hold_s) == (False, 1, 30)
        assert "保持 1× 0:30" in header(app) and not app.main.header.has_class("-on-hold")
        assert app.main.query_one("#caller-name").value == "Anna"

        clock.advance(20)
        await pilot.press("f7")  # on hold again when the wrap-up begins: F10 ends the hold
        await settle(pilot)
        clock.advance(10)
        await pilot.press("f10")
        await settle(pilot)
        assert isinstance(app.screen, WrapUpScreen)
        active = store.active()
        assert active.talk_ended_at is not None and (active.hold_count, active.hold_s) == (2, 40)
        clock.advance(25)
        assert "整理 00:25" in header(app)
        await pilot.press("escape", "f7")
        await settle(pilot)
        assert any("通话已结束" in n.message for n in app._notifications)
        assert not store.active().on_hold

        await pilot.press("f10", "enter", "ctrl+s")  # 已解决
        await settle(pilot)
        closed = store.history()[0]
        assert (closed.talk_s, closed.hold_count, closed.hold_s, closed.wrap_s) == (80, 2, 40, 25)


@pytest.mark.parametrize(
    ("lang", "label"),
    [("zh", "通话 / 保持 / 整理: 1:20 / 2× 0:40 / 0:25"), ("en", "Talk / hold / wrap-up: 1:20 / 2× 0:40 / 0:25")],
)
async def test_the_case_view_shows_the_phases_in_the_consoles_language(settings, store, clock, lang, label):
    store.open_case()
    clock.advance(30)
    store.set_hold(True)
    clock.advance(30)
    store.set_hold(False)
    store.set_hold(True)
    clock.advance(10)
    store.set_hold(False)
    clock.advance(50)
    store.end_talk()
    clock.advance(25)
    closed = store.close(Disposition.RESOLVED, "")
    from dataclasses import replace

    app = create_app(replace(settings, lang=lang), store=store, clock=clock, system_clipboard=False)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        app.push_screen(CaseViewScreen(app.strings, closed))
        await settle(pilot)
        assert label in screen_text(app)
