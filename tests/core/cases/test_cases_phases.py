"""Call phases: talk, hold (count and total) and after-call work are measured and kept."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from agentui.core.cases.model import Disposition
from agentui.core.cases.opening import open_store


class MovingClock:
    def __init__(self) -> None:
        self.now = datetime(2026, 3, 2, 10, 0, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: int) -> None:
        self.now += timedelta(seconds=seconds)


def test_talk_hold_and_wrap_up_are_measured_separately(data_dir: Path) -> None:
    clock = MovingClock()
    with open_store(data_dir, clock=clock) as store:
        store.open_case()
        clock.advance(60)
        assert store.set_hold(True).case.on_hold
        clock.advance(30)
        store.set_hold(False)
        clock.advance(20)
        store.set_hold(True)
        clock.advance(10)
        store.set_hold(False)
        clock.advance(40)
        store.end_talk()
        clock.advance(25)
        closed = store.close(Disposition.RESOLVED, "done")
    assert (closed.hold_count, closed.hold_s) == (2, 40)
    assert closed.talk_s == 60 + 20 + 40
    assert closed.wrap_s == 25
    assert closed.duration_s == 120 + 40 + 25, "handle time: talk + hold + wrap-up"


def test_a_hold_running_when_talk_ends_is_closed_at_that_moment(data_dir: Path) -> None:
    clock = MovingClock()
    with open_store(data_dir, clock=clock) as store:
        store.open_case()
        clock.advance(10)
        store.set_hold(True)
        clock.advance(15)
        ended = store.end_talk().case
        assert not ended.on_hold and ended.hold_s == 15
        assert store.set_hold(True).case.hold_count == 1, "no hold after the talk ended"
        clock.advance(5)
        closed = store.close(Disposition.CALLBACK, "")
    assert (closed.talk_s, closed.hold_s, closed.wrap_s) == (10, 15, 5)


def test_hold_survives_a_restart_and_repeating_a_toggle_changes_nothing(data_dir: Path) -> None:
    clock = MovingClock()
    with open_store(data_dir, clock=clock) as store:
        store.open_case()
        store.set_hold(True)
        store.set_hold(True)
    clock.advance(50)
    with open_store(data_dir, clock=clock) as store:
        active = store.active()
        assert active is not None and active.on_hold and active.hold_count == 1
        store.set_hold(False)
        store.set_hold(False)
        closed = store.close(Disposition.RESOLVED, "")
    assert (closed.hold_count, closed.hold_s, closed.talk_s, closed.wrap_s) == (1, 50, 0, 0)


def test_reopening_starts_a_new_talk_phase(data_dir: Path) -> None:
    clock = MovingClock()
    with open_store(data_dir, clock=clock) as store:
        store.open_case()
        clock.advance(30)
        store.end_talk()
        closed = store.close(Disposition.CALLBACK, "")
        reopened = store.reopen(closed.id)
    assert reopened.talk_ended_at is None and reopened.talk_s is None and reopened.wrap_s is None


def test_export_and_case_view_show_the_phases(data_dir: Path) -> None:
    import csv
    import io

    from agentui.cli.cases import CSV_COLUMNS, write_csv
    from agentui.core.cases.markdown import case_markdown

    clock = MovingClock()
    with open_store(data_dir, clock=clock) as store:
        store.open_case()
        clock.advance(250)
        store.set_hold(True)
        clock.advance(65)
        store.end_talk()
        clock.advance(40)
        closed = store.close(Disposition.RESOLVED, "")
    assert "Talk / hold / wrap-up: 4:10 / 1× 1:05 / 0:40" in case_markdown(closed)
    out = io.StringIO()
    write_csv([closed], out)
    row = dict(zip(CSV_COLUMNS, list(csv.reader(io.StringIO(out.getvalue().lstrip("\ufeff"))))[1], strict=True))
    assert (row["talk_s"], row["hold_count"], row["hold_s"], row["wrap_s"]) == ("250", "1", "65", "40")
