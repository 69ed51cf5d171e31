"""Run a program on a pseudo-terminal of a given size and watch its output (e2e tests, bench)."""

from __future__ import annotations

import fcntl
import os
import select
import signal
import struct
import subprocess
import termios
import time
from collections.abc import Sequence


class PtyProcess:
    def __init__(self, argv: Sequence[str], *, cols: int = 100, rows: int = 30, env: dict[str, str] | None = None):
        self.master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        full_env = {**os.environ, "TERM": "xterm-256color", "COLORTERM": "truecolor", **(env or {})}
        full_env.pop("TEXTUAL", None)
        self.started = time.perf_counter()
        self.proc = subprocess.Popen(
            list(argv), stdin=slave, stdout=slave, stderr=slave, env=full_env, start_new_session=True, close_fds=True
        )
        os.close(slave)
        self.output = bytearray()

    def read(self, timeout: float = 0.05) -> bytes:
        """Read what is available within `timeout` seconds."""
        ready, _, _ = select.select([self.master], [], [], timeout)
        if not ready:
            return b""
        try:
            chunk = os.read(self.master, 1 << 16)
        except OSError:
            return b""
        self.output += chunk
        return chunk

    def wait_for(self, marker: bytes, timeout: float = 15.0, since: int = 0) -> float:
        """Read until `marker` appears in the output after offset `since`; seconds since spawn."""
        deadline = time.perf_counter() + timeout
        while marker not in self.output[since:]:
            if time.perf_counter() > deadline:
                tail = bytes(self.output[-2000:]).decode("utf-8", "replace")
                raise TimeoutError(f"{marker!r} not seen within {timeout}s; output tail: {tail!r}")
            if not self.read(0.05) and self.proc.poll() is not None:
                self.read(0.05)
                if marker in self.output[since:]:
                    break
                raise RuntimeError(f"process exited ({self.proc.returncode}) before {marker!r}")
        return time.perf_counter() - self.started

    def send(self, data: str | bytes) -> None:
        os.write(self.master, data.encode() if isinstance(data, str) else data)

    def type(self, text: str, delay: float = 0.02) -> None:
        for char in text:
            self.send(char)
            self.read(delay)

    def signal(self, sig: int = signal.SIGTERM) -> None:
        self.proc.send_signal(sig)

    def finish(self, timeout: float = 10.0) -> int:
        """Drain output until the process exits; its return code."""
        deadline = time.perf_counter() + timeout
        while self.proc.poll() is None and time.perf_counter() < deadline:
            self.read(0.05)
        if self.proc.poll() is None:
            self.proc.kill()
        code = self.proc.wait()
        while self.read(0.01):
            pass
        os.close(self.master)
        return code

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
