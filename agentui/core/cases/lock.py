"""One writer per data dir: an flock on the data dir itself, which dies with its holder and cannot
be unlinked from under it, plus `agentui.lock` naming the holder's pid for the refusal message."""

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
_O_DIRECTORY = getattr(os, "O_DIRECTORY", 0)


class DataDirLock:
    """flocks rather than a marker file: the kernel drops them when the holder dies, so a crash
    never leaves a stale lock.

    The lock that counts is on the data dir's own inode: deleting or replacing `agentui.lock`
    while a console runs (a clean-up script, a curious agent) used to let a second console lock a
    new file and overwrite the first one's typing. A directory cannot be swapped from under the
    holder that way. `agentui.lock` is still locked too, for consoles of earlier versions, and
    names the holder's pid; a contender never truncates it, so the message can say who holds it.
    """

    def __init__(self, path: Path, data_dir: Path) -> None:
        self.path = path
        self.data_dir = data_dir
        self._fd: int | None = None
        self._dir_fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self) -> None:
        if fcntl is None:  # pragma: no cover
            raise StoreError("The case store needs POSIX file locks (fcntl), which this system lacks.")
        dir_fd = self._lock_dir()
        try:
            self._fd = self._lock_file()
        except BaseException:
            os.close(dir_fd)
            raise
        self._dir_fd = dir_fd

    def _lock_dir(self) -> int:
        try:
            dir_fd = os.open(self.data_dir, os.O_RDONLY | _O_DIRECTORY | _O_CLOEXEC)
        except OSError as exc:
            raise StoreError(f"Cannot open the data dir {self.data_dir}: {exc.strerror or exc}.") from exc
        try:
            fcntl.flock(dir_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            os.close(dir_fd)
            if exc.errno in (errno.EAGAIN, errno.EWOULDBLOCK, errno.EACCES):
                raise StoreLocked(self.data_dir, self._holder_pid()) from exc
            raise StoreError(f"Cannot lock {self.data_dir}: {exc.strerror or exc}.") from exc
        return dir_fd

    def _lock_file(self) -> int:
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
        return fd

    def _holder_pid(self) -> int | None:
        try:
            fd = os.open(self.path, os.O_RDONLY | _O_CLOEXEC | _O_NOFOLLOW)
        except OSError:
            return None  # the lock file was deleted: the holder is "another process"
        try:
            return _read_pid(fd)
        finally:
            os.close(fd)

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
        if self._dir_fd is not None:
            dir_fd, self._dir_fd = self._dir_fd, None
            os.close(dir_fd)


def _read_pid(fd: int) -> int | None:
    try:
        text = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
    except OSError:
        return None
    return int(text) if text.isdigit() else None
