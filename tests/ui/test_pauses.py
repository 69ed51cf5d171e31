"""The old generation's garbage collection (40-50 ms with a big KB loaded) waits for the agent's pauses."""

from __future__ import annotations

import gc

from agentui.pauses import DUE, PauseCollector

from .conftest import ready


def test_old_generation_is_collected_only_when_asked_and_due():
    before = gc.get_threshold()
    collector = PauseCollector()
    collector.hold()
    try:
        assert gc.get_threshold()[:2] == before[:2]  # young generations as usual
        assert gc.get_threshold()[2] > 1_000_000  # the interpreter never starts the old one itself
        gc.collect()
        assert collector.collect_if_due() is False  # nothing due: a pause costs nothing
        for _ in range(DUE):
            gc.collect(1)  # young passes, each one more towards the old generation's
        assert collector.collect_if_due() is True
        assert gc.get_count()[2] == 0
    finally:
        collector.release()
    assert gc.get_threshold() == before


async def test_old_generation_waits_while_the_console_runs(app):
    before = gc.get_threshold()
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        assert gc.get_threshold()[2] > 1_000_000
        await pilot.press(*"buka")  # typing pushes the pending collection back
        assert app.main.search_bar.value == "buka"
    assert gc.get_threshold() == before
