"""The real console on a pty for end-to-end tests: how to start it, when it is ready, its keys,
and an agent typing at a steady pace."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from agentui.core.cases.model import Case
from agentui.core.cases.opening import open_store
from agentui.strings_zh import ZH

from .conftest import FIXTURE_KB
from .ptyrun import PtyProcess

F2, F6, F10 = "\x1bOQ", "\x1b[17~", "\x1b[21~"
CTRL_Q, TAB = "\x11", "\t"
PASTE_START, PASTE_END = "\x1b[200~", "\x1b[201~"

READY = ZH.results_default.split("{")[0].encode()
"""On screen once the KB is loaded and the first results are painted."""
CASE_OPENED = ZH.case_opened.split("{")[0].encode()


def console_argv(tmp_path: Path, *, program: list[str] | None = None) -> list[str]:
    program = program or [sys.executable, "-m", "agentui"]
    return [*program, "--kb", str(FIXTURE_KB), "--data", str(tmp_path / "data")]


def isolated_env(tmp_path: Path) -> dict[str, str]:
    return {
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
        "XDG_RUNTIME_DIR": str(tmp_path / "runtime"),
    }


def start_console(tmp_path: Path, *, cols: int = 100, rows: int = 30, **kwargs) -> PtyProcess:
    (tmp_path / "runtime").mkdir(mode=0o700, exist_ok=True)
    env = {**isolated_env(tmp_path), **kwargs.pop("env", {})}
    app = PtyProcess(console_argv(tmp_path, **kwargs), cols=cols, rows=rows, env=env)
    app.wait_for(READY, timeout=30)
    return app


def stored_case(tmp_path: Path) -> Case | None:
    store = open_store(tmp_path / "data")
    try:
        return store.active()
    finally:
        store.close_store()


class SteadyTyping:
    """An agent typing one character every `interval` seconds without a pause. `sent[i]` is when
    character i left for the console."""

    ALPHABET = "abcdefghijklmnopqrstuvwxyz"

    def __init__(self, app: PtyProcess, interval: float) -> None:
        self.app = app
        self.interval = interval
        self.text = ""
        self.sent: list[float] = []

    def type_for(self, seconds: float) -> float:
        """Type until `seconds` have passed; returns the time typing stopped."""
        started = time.monotonic()
        next_at = started
        while (now := time.monotonic()) - started < seconds:
            if now >= next_at:
                char = self.ALPHABET[len(self.text) % len(self.ALPHABET)]
                self.app.send(char)
                self.text += char
                self.sent.append(time.monotonic())
                next_at += self.interval
            self.app.read(max(0.0, min(0.02, next_at - time.monotonic())))
        return time.monotonic()

    def missing_seconds(self, stored: str, killed_at: float) -> float:
        """How many seconds of typing before the kill are not in `stored` (a prefix of the text)."""
        assert self.text.startswith(stored), f"stored text is not what was typed: {stored!r}"
        if len(stored) == len(self.text):
            return 0.0
        return killed_at - self.sent[len(stored)]
