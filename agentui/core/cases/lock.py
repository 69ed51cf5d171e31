"""One writer per data dir: an flock on `agentui.lock` that names its holder and dies with it."""

from __future__ import annotations

import errno
import os
from pathlib import Path

from agentui.core.cases.atomic import FILE_MODE
from agentui.core.cases.errors import StoreError, StoreLocked

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

_O_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_O_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


class DataDirLock:
    """An flock rather than a marker file: the kernel drops it when the holder dies, so a crash
    never leaves a stale lock. The file is never truncated by a contender, so it keeps naming
    the holder's pid for the refusal message."""

    def __init__(self, path: Path, data_dir: Path) -> None:
        self.path = path
        self.data_dir = data_dir
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self) -> None:
        if fcntl is None:  # pragma: no cover
            raise StoreError("The case store needs POSIX file locks (fcntl), which this system lacks.")
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | _O_CLOEXEC | _O_NOFOLLOW, FILE_MODE)
        except OSError as exc:
            raise StoreError(f"Cannot open the lock file {self.path}: {exc.strerror or exc}.") from exc
        try:
            os.fchmod(fd, FILE_MODE)
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            holder = _read_pid(fd)
            os.close(fd)
            if exc.errno in (errno.EAGAIN, errno.EWOULDBLOCK, errno.EACCES):
                raise StoreLocked(self.data_dir, holder) from exc
            raise StoreError(f"Cannot lock {self.path}: {exc.strerror or exc}.") from exc
        try:
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        except OSError:
            pass  # the pid is only for the message a second instance shows; the flock is what counts
        self._fd = fd

    def release(self) -> None:
        """Unlock but keep the file: unlinking a lock file lets two processes lock different inodes."""
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        try:
            os.ftruncate(fd, 0)
        except OSError:
            pass
        os.close(fd)  # closing the descriptor releases the flock


def _read_pid(fd: int) -> int | None:
    try:
        text = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
    except OSError:
        return None
    return int(text) if text.isdigit() else None
