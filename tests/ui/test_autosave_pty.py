"""End to end: an agent who never pauses loses at most the last ~1 s of typing to a `kill -9`.

The console runs on a pty; a character is typed every ~0.1 s for 10+ s; the console is killed
with SIGKILL at a random moment; a restarted console must hold everything typed up to 1.5 s
before the kill, in the notes, in a caller field and in the wrap-up summary."""

from __future__ import annotations

import random
import signal
from pathlib import Path

from .pty_console import CASE_OPENED, CTRL_Q, F2, F6, F10, TAB, SteadyTyping, start_console, stored_case

MAX_MISSING_S = 1.5


def kill_while_typing(tmp_path: Path, before_typing, read_back, *, interval: float, seconds: tuple[float, float]):
    seed = random.randrange(1 << 30)
    run_for = random.Random(seed).uniform(*seconds)
    app = start_console(tmp_path)
    try:
        before_typing(app)
        typing = SteadyTyping(app, interval)
        killed_at = typing.type_for(run_for)
        app.signal(signal.SIGKILL)
        app.finish()
    finally:
        app.kill()
    # Restart the console on the same data dir: it starts, shows the case, and quits cleanly.
    again = start_console(tmp_path)
    try:
        again.send(CTRL_Q)
        assert again.finish(timeout=20) == 0
    finally:
        again.kill()
    case = stored_case(tmp_path)
    assert case is not None
    stored = read_back(case)
    missing = typing.missing_seconds(stored, killed_at)
    assert missing <= MAX_MISSING_S, (
        f"seed {seed}: killed after {run_for:.1f}s of typing, {len(typing.text) - len(stored)} characters "
        f"({missing:.2f}s of typing) lost; {len(stored)} of {len(typing.text)} kept"
    )


def test_notes_typed_without_a_pause_survive_kill_9(tmp_path: Path) -> None:
    def open_notes(app):
        app.send(F2)
        app.wait_for(CASE_OPENED)
        app.send(F6)

    kill_while_typing(tmp_path, open_notes, lambda case: case.notes, interval=0.1, seconds=(10, 13))


def test_a_caller_field_typed_without_a_pause_survives_kill_9(tmp_path: Path) -> None:
    def open_case(app):
        app.send(F2)  # the caller's name field has focus
        app.wait_for(CASE_OPENED)

    # The name field holds 100 characters: ~90 are typed.
    kill_while_typing(tmp_path, open_case, lambda case: case.caller.name, interval=0.12, seconds=(10, 11))


def test_the_summary_typed_without_a_pause_survives_kill_9(tmp_path: Path) -> None:
    def open_wrapup(app):
        app.send(F2)
        app.wait_for(CASE_OPENED)
        mark = len(app.output)
        app.send(F10)
        app.wait_for(b"Ctrl+S", since=mark)
        app.send(TAB)  # from the dispositions to the summary (the draft of an empty case is empty)

    kill_while_typing(tmp_path, open_wrapup, lambda case: case.summary, interval=0.1, seconds=(10, 13))
