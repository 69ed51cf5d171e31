"""Fixtures for the console's tests: a small fixture KB, a real case store in a tmp dir, a fixed
clock, and helpers to wait for workers and read what is on screen."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from agentui.app import AgentApp, create_app
from agentui.config import Settings
from agentui.core.cases.opening import open_store

FIXTURE_KB = Path(__file__).parent / "fixtures" / "kb"
FIXED_NOW = datetime(2026, 1, 15, 9, 30, 0, tzinfo=UTC)


def fixed_clock() -> datetime:
    return FIXED_NOW


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(kb_dir=FIXTURE_KB, data_dir=tmp_path / "data", cache_dir=None, config_file=None)


@pytest.fixture
def store(settings: Settings) -> Iterator:
    store = open_store(settings.data_dir)
    yield store
    store.close_store()


@pytest.fixture
def app(settings: Settings, store) -> AgentApp:
    return create_app(settings, store=store, clock=fixed_clock, system_clipboard=False)


async def settle(pilot) -> None:
    """Let workers (search, saves, KB load) finish and the screen catch up."""
    app = pilot.app
    for _ in range(3):
        await _wait_workers(app)
        await pilot.pause()


async def _wait_workers(app) -> None:
    """Wait for workers that finish on their own (not one waiting for a prompt's answer)."""
    workers = [w for w in app.workers if w.group != "fill"]
    if workers:  # an empty list would mean "all workers"
        await app.workers.wait_for_complete(workers)


async def ready(pilot) -> None:
    """Wait until the KB is loaded, the first results are shown and the panes are built (on a
    warm start they come after the search)."""
    app = pilot.app
    for _ in range(200):
        if app.index is not None and app.main.shown_query is not None and app.main.panes_built:
            return
        await _wait_workers(app)
        await pilot.pause(0.01)
    raise AssertionError("the KB never loaded")


async def pump_until(pilot, predicate, timeout: float = 5.0) -> None:
    """`wait_until` without waiting for workers: a KB load a test holds back would hold it too."""
    import time

    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"condition not met within {timeout}s"
        await pilot.pause(0.02)


def screen_text(app) -> str:
    """Everything on the current screen, as the terminal would get it (without styles)."""
    strips = app.screen._compositor.render_strips()
    return "\n".join("".join(segment.text for segment in strip) for strip in strips)


async def wait_until(pilot, predicate, timeout: float = 5.0) -> float:
    """Pump the app until `predicate()` holds; returns the seconds it took (fails on timeout)."""
    import time

    started = time.monotonic()
    while not predicate():
        if time.monotonic() - started > timeout:
            raise AssertionError(f"condition not met within {timeout}s")
        await _wait_workers(pilot.app)
        await pilot.pause(0.02)
    return time.monotonic() - started


@pytest.fixture
def bundled_settings(tmp_path: Path) -> Settings:
    """The bundled KB: the flow tests use the real entries an agent searches."""
    from agentui.locations import bundled_kb_dir

    return Settings(kb_dir=bundled_kb_dir(), data_dir=tmp_path / "data", cache_dir=None, config_file=None)


@pytest.fixture
def bundled_store(bundled_settings: Settings) -> Iterator:
    store = open_store(bundled_settings.data_dir)
    yield store
    store.close_store()


@pytest.fixture
def bundled_app(bundled_settings: Settings, bundled_store) -> AgentApp:
    return create_app(bundled_settings, store=bundled_store, clock=fixed_clock, system_clipboard=False)
