"""End to end: the real `agentui` on a pty. Typing is autosaved; SIGTERM saves and exits 0; a
second console on the same data dir exits with the store's message."""

from __future__ import annotations

import signal
import sys
from pathlib import Path

import pytest

from agentui.core.cases.opening import open_store

from .conftest import FIXTURE_KB
from .ptyrun import PtyProcess

F2, F6 = "\x1bOQ", "\x1b[17~"


def console(tmp_path: Path) -> list[str]:
    return [sys.executable, "-m", "agentui", "--kb", str(FIXTURE_KB), "--data", str(tmp_path / "data")]


def isolated_env(tmp_path: Path) -> dict[str, str]:
    return {"XDG_CONFIG_HOME": str(tmp_path / "config"), "XDG_CACHE_HOME": str(tmp_path / "cache")}


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP])
def test_signal_saves_the_notes_and_exits_zero(tmp_path: Path, sig: int) -> None:
    env = isolated_env(tmp_path)
    app = PtyProcess(console(tmp_path), cols=100, rows=30, env=env)
    try:
        app.wait_for("按类型排列".encode())  # first frame painted and the KB loaded
        app.send(F2)
        app.wait_for("已新建案例".encode())
        app.send(F6)
        mark = len(app.output)
        app.type("e2e-note-42")
        app.wait_for(b"e2e-note-42", since=mark)

        if sig == signal.SIGTERM:
            second = PtyProcess(console(tmp_path), cols=80, rows=24, env=env)
            assert second.finish(timeout=20) == 1
            assert b"already running" in second.output

        app.signal(sig)  # possibly before the autosave debounce fired: the handler saves
        assert app.finish() == 0
    finally:
        app.kill()
    store = open_store(tmp_path / "data")
    try:
        case = store.active()
        assert case is not None and case.notes == "e2e-note-42"
    finally:
        store.close_store()
