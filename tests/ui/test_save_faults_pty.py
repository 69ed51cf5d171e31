"""End to end on a pty, with the data dir's disk full on demand: SIGTERM and SIGHUP write a rescue
file (0600, where there is room) and exit non-zero naming it; the next start restores it; once the
disk has room again, the pending save goes through by itself."""

from __future__ import annotations

import signal
import stat
import sys
from pathlib import Path

import pytest

from agentui.safe_exit import RESCUE_EXIT_CODE
from agentui.strings_zh import ZH

from . import faults
from .pty_console import CASE_OPENED, CTRL_Q, F2, F6, start_console, stored_case

SAVED = ZH.saved_at.split("{")[0].encode()
FAILED = ZH.save_failed.split("{")[0].encode()
RESTORE = ZH.restore_title.encode()


def start_on_a_disk_that_fills(tmp_path: Path, switch: Path):
    return start_console(
        tmp_path, program=[sys.executable, faults.__file__], env={faults.SWITCH_ENV: str(switch)}
    )


def type_until_saves_fail(app, switch: Path) -> None:
    app.send(F2)
    app.wait_for(CASE_OPENED)
    app.send(F6)
    mark = len(app.output)
    app.type("saved-")
    app.wait_for(SAVED, since=mark)
    switch.touch()
    mark = len(app.output)
    app.type("rescued")
    app.wait_for(FAILED, since=mark)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP])
def test_a_signal_while_the_disk_is_full_rescues_and_the_next_start_restores(tmp_path: Path, sig: int) -> None:
    switch = tmp_path / "disk-full"
    app = start_on_a_disk_that_fills(tmp_path, switch)
    try:
        type_until_saves_fail(app, switch)
        app.signal(sig)
        assert app.finish() == RESCUE_EXIT_CODE
    finally:
        app.kill()
    [rescue] = list((tmp_path / "runtime" / "agentui").iterdir())
    assert stat.S_IMODE(rescue.stat().st_mode) == 0o600
    assert str(rescue).encode() in app.output.replace(b"\r\n", b"")
    assert stored_case(tmp_path).notes == "saved-"

    switch.unlink()
    again = start_console(tmp_path)
    try:
        again.wait_for(RESTORE)
        mark = len(again.output)
        again.send("\r")  # Enter: restore
        # The notice's first words: a toast wraps long text at the terminal's width.
        again.wait_for(ZH.restored[:6].encode(), since=mark)
        again.send(CTRL_Q)
        assert again.finish() == 0
    finally:
        again.kill()
    assert stored_case(tmp_path).notes == "saved-rescued"
    assert not rescue.exists()


def test_once_the_disk_has_room_the_pending_save_goes_through_by_itself(tmp_path: Path) -> None:
    switch = tmp_path / "disk-full"
    app = start_on_a_disk_that_fills(tmp_path, switch)
    try:
        type_until_saves_fail(app, switch)
        mark = len(app.output)
        switch.unlink()  # no keystroke after this
        app.wait_for(ZH.save_recovered.split("{")[0].encode(), since=mark, timeout=10)
        assert stored_case_notes_while_running(tmp_path) == "saved-rescued"
        app.send(CTRL_Q)
        assert app.finish() == 0
    finally:
        app.kill()


def stored_case_notes_while_running(tmp_path: Path) -> str:
    """The active case as a reader sees it, without taking the running console's lock."""
    from agentui.core.cases.reader import read_history

    snapshot = read_history(tmp_path / "data")
    assert snapshot.active is not None
    return snapshot.active.notes
