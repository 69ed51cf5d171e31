"""A disk that fails on demand: ENOSPC from `os.write` and `os.replace` for files under one folder
(the data dir, as when its disk is full) while the fault is on. Elsewhere (the runtime dir) writes
work, as on a real machine whose data disk is full.

Used in-process by Pilot tests (`install` on the atomic writer's `os`) and in the real console on a
pty (`python -m tests.ui.faults ...`, the fault switched on and off by a file's presence)."""

from __future__ import annotations

import errno
import os
import sys
from pathlib import Path
from typing import Any


class FullDisk:
    """The `os` module with writes and renames under `root` failing while `on()` says so."""

    def __init__(self, root: Path, on=None) -> None:
        self.root = os.path.abspath(root)
        self.on = on or (lambda: self.failing)
        self.failing = False
        self.failures = 0
        self._paths: dict[int, str] = {}

    def __getattr__(self, name: str) -> Any:
        return getattr(os, name)

    def _hit(self, path: str) -> bool:
        if path.startswith(self.root + os.sep) and self.on():
            self.failures += 1
            return True
        return False

    def open(self, path, flags, mode=0o777, *, dir_fd=None):
        fd = os.open(path, flags, mode, dir_fd=dir_fd)
        self._paths[fd] = os.path.abspath(os.fspath(path))
        return fd

    def close(self, fd):
        self._paths.pop(fd, None)
        return os.close(fd)

    def write(self, fd, data):
        if self._hit(self._paths.get(fd, "")):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return os.write(fd, data)

    def replace(self, src, dst, *args, **kwargs):
        if self._hit(os.path.abspath(os.fspath(dst))):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return os.replace(src, dst, *args, **kwargs)


SWITCH_ENV = "AGENTUI_TEST_FULL_DISK_SWITCH"
"""While the file this names exists, the data dir's disk is full."""


def main() -> int:
    """The console with the data dir's disk full while the switch file exists."""
    from agentui.cli import main as agentui_main
    from agentui.core.cases import atomic

    data = Path(sys.argv[sys.argv.index("--data") + 1])
    switch = Path(os.environ[SWITCH_ENV])
    atomic.os = FullDisk(data, on=switch.exists)  # type: ignore[assignment]
    return agentui_main(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
