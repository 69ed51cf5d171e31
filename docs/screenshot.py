"""Takes the README's screenshot (docs/screenshot.svg) with the real console, headless.

Run it after a change to the console's look: `.venv/bin/python docs/screenshot.py`. It plays a
moment of a call on the bundled KB in a throwaway data dir (a case open with the caller's details,
`esim 丢失` searched, the entry open with its first step ticked, two lines of notes) and saves
what a 120×36 terminal shows. The clock, the case id and the local time zone are fixed, so the
picture only changes when the console or the bundled KB does. No network; apart from the SVG,
nothing is written outside a temp dir.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from unittest import mock

from textual import events
from textual.pilot import Pilot

from agentui.app import create_app
from agentui.config import Settings
from agentui.core.cases.opening import open_store
from agentui.locations import bundled_kb_dir

SIZE = (120, 36)
OUT = Path(__file__).with_name("screenshot.svg")
CASE_ID = "C260115-0927-7F3A"
"""Case ids end in random characters; the picture holds a fixed one so that it stays the same."""
TIME_ZONE = "Asia/Shanghai"
"""The "saved at" stamp is local time: the desk's, not the machine's that runs the script."""


class CallClock:
    """A clock the script moves: the call opens at 09:27 UTC and the picture is taken 3:27 later."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@contextmanager
def local_time(zone: str) -> Iterator[None]:
    before = os.environ.get("TZ")
    os.environ["TZ"] = zone
    time.tzset()
    try:
        yield
    finally:
        if before is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = before
        time.tzset()


async def wait_for(pilot: Pilot[None], done: Callable[[], bool], what: str) -> None:
    """Pump the app until `done()` holds (KB loaded, search painted, notes saved)."""
    app = pilot.app
    for _ in range(500):
        if done():
            await pilot.pause()
            return
        workers = list(app.workers)
        if workers:
            await app.workers.wait_for_complete(workers)
        await pilot.pause(0.02)
    raise RuntimeError(f"the console never got there: {what} (focus: {app.focused!r})")


async def paste(pilot: Pilot[None], text: str) -> None:
    """Text goes in as a paste: one event instead of a keystroke (and a search) per character,
    and the pilot has no keys for full-width punctuation (，（）)."""
    focused = pilot.app.focused
    assert focused is not None, "nothing has focus to paste into"
    focused.post_message(events.Paste(text))
    await pilot.pause()


async def take_screenshot(out: Path = OUT) -> str:
    """Play the call, save the SVG to `out` and return it."""
    clock = CallClock(datetime(2026, 1, 15, 9, 27, 0, tzinfo=UTC))
    with tempfile.TemporaryDirectory(prefix="agentui-screenshot-") as temp, local_time(TIME_ZONE), \
            mock.patch("agentui.core.cases.store.new_case_id", return_value=CASE_ID):
        settings = Settings(kb_dir=bundled_kb_dir(), data_dir=Path(temp) / "data", cache_dir=None, config_file=None)
        store = open_store(settings.data_dir, clock=clock)
        try:
            app = create_app(settings, store=store, clock=clock, system_clipboard=False, signals=False)
            async with app.run_test(size=SIZE) as pilot:
                await wait_for(
                    pilot, lambda: app.index is not None and app.main.shown_query is not None, "the KB loaded"
                )
                await pilot.press("f2")  # the call starts; the cursor is in the caller's name
                await wait_for(pilot, lambda: store.active() is not None, "a case opened")
                await paste(pilot, "王芳")
                await pilot.press("tab")
                await paste(pilot, "+7 916 123-45-67")
                await pilot.press("tab", "m", "tab")  # `m` picks MTS
                await paste(pilot, "补卡")
                clock.now += timedelta(minutes=1, seconds=12)
                await pilot.press("f3")
                await paste(pilot, "esim 丢失")
                await wait_for(pilot, lambda: app.main.shown_query == "esim 丢失", "the results painted")
                await pilot.press("enter", "space")  # open the first hit and tick its first step
                await wait_for(pilot, lambda: app.main.article.entry is not None, "the entry opened")
                notes = "客户手机丢失，eSIM 需补办\n已核实身份（护照），号码归属 MTS"
                await pilot.press("f6")
                await paste(pilot, notes)
                clock.now += timedelta(minutes=2, seconds=15)
                await wait_for(pilot, lambda: (case := store.active()) is not None and case.notes == notes,
                               "the notes saved")
                app.clear_notifications()  # "case opened" toasts would hide the entry
                app.main.query_one("#header").refresh()  # its timer ticks once a second: show 03:27 now
                await pilot.pause()
                svg = app.export_screenshot(title="agentui")
        finally:
            store.close_store()
    out.write_text(svg, encoding="utf-8")
    return svg


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT, help=f"where to write the SVG (default: {OUT})")
    args = parser.parse_args()
    asyncio.run(take_screenshot(args.out))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
