"""The one way the case store puts bytes on disk: temp file, fsync, rename, fsync of the directory."""

from __future__ import annotations

import os
import queue
import secrets
import threading
from pathlib import Path

from agentui.core.cases.errors import SaveNotConfirmed, StoreError

FILE_MODE = 0o600
DIR_MODE = 0o700
TEMP_MARK = ".tmp-"
"""Temp files are `.<name>.tmp-<pid>-<random>`: hidden, and recognisable after a crash."""

_O_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_O_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


def atomic_write(path: Path, data: bytes) -> None:
    """Replace `path` with `data` so that a crash at any instant leaves the old or the new file whole.

    A failure before the rename leaves the previous version untouched and removes the temp file;
    a failure of the directory fsync after the rename raises `SaveNotConfirmed`, because the new
    version is already what readers see but may not survive a power cut.
    """
    temp = path.with_name(f".{path.name}{TEMP_MARK}{os.getpid()}-{secrets.token_hex(4)}")
    fd: int | None = None
    previous: int | None = None
    step = "create a temporary file"
    replaced = False
    try:
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _O_CLOEXEC | _O_NOFOLLOW, FILE_MODE)
        os.fchmod(fd, FILE_MODE)  # the umask may have taken bits away; 0600 exactly either way
        step = "write"
        view = memoryview(data)
        while view:
            written = os.write(fd, view)
            view = view[written:]
        step = "flush to disk (fsync)"
        os.fsync(fd)
        os.close(fd)
        fd = None
        previous = _open_previous(path)
        step = "rename into place"
        os.replace(temp, path)
        replaced = True
        step = "flush the directory (fsync)"
        fsync_dir(path.parent)
    except OSError as exc:
        if fd is not None:
            _close_quietly(fd)
        if not replaced:
            _unlink_quietly(temp)
        reason = f"{step} of {path} failed: {exc.strerror or exc}"
        error: StoreError
        if replaced:
            error = SaveNotConfirmed(
                f"Saved {path.name}, but the disk did not confirm it ({reason}). Saving again will retry."
            )
        else:
            error = StoreError(f"Could not save {path.name} ({reason}). The previous version is intact; try again.")
        error.reason = reason  # type: ignore[attr-defined]
        raise error from exc
    finally:
        if previous is not None:
            _RELEASER.release(previous)


def _open_previous(path: Path) -> int | None:
    """A descriptor on the version about to be replaced, so that the rename does not free its
    blocks: the last close does, on the releaser's thread (see `_Releaser`)."""
    try:
        return os.open(path, os.O_RDONLY | _O_CLOEXEC | _O_NOFOLLOW)
    except OSError:
        return None


class _Releaser:
    """Closes the descriptors of replaced versions on a thread of its own. Freeing a replaced
    file's blocks costs ~2-4 ms on a disk mounted with `discard` (this project's VMs: measured
    in benchmarks/README.md), inside the rename that drops its last link; a save needs the new
    version durable, not the old one's blocks freed. At most `LIMIT` wait: past that the caller
    closes its own, so a stalled thread never piles up descriptors."""

    LIMIT = 64

    def __init__(self) -> None:
        self._queue: queue.Queue[int] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._start_lock = threading.Lock()
        self._fork_hook = False

    def release(self, fd: int) -> None:
        if self._queue.qsize() >= self.LIMIT or not self._started():
            _close_quietly(fd)
            return
        self._queue.put(fd)

    def wait(self) -> None:
        """Until every descriptor handed over so far is closed (tests, and before a fork)."""
        if self._thread is not None:
            self._queue.join()

    def _started(self) -> bool:
        with self._start_lock:
            if self._thread is None:
                if not self._fork_hook:
                    os.register_at_fork(after_in_child=self._after_fork_in_child)
                    self._fork_hook = True
                try:
                    thread = threading.Thread(target=self._run, name="agentui-release-replaced", daemon=True)
                    thread.start()
                except RuntimeError:  # interpreter shutting down
                    return False
                self._thread = thread
            return True

    def _run(self) -> None:
        while True:
            fd = self._queue.get()
            _close_quietly(fd)
            self._queue.task_done()

    def _after_fork_in_child(self) -> None:
        """The thread is not in the child, and its queue's lock may have been held at the fork:
        close what the parent had queued (the child's copies), and start afresh on demand."""
        pending = list(self._queue.queue)
        self._queue, self._thread, self._start_lock = queue.Queue(), None, threading.Lock()
        for fd in pending:
            _close_quietly(fd)


_RELEASER = _Releaser()


def wait_for_released() -> None:
    """Block until the replaced versions handed to the releaser so far are closed."""
    _RELEASER.wait()


def fsync_dir(directory: Path) -> None:
    """Make a rename or a new entry in `directory` durable (POSIX needs the directory itself synced)."""
    fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | _O_CLOEXEC)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def ensure_private_dir(directory: Path) -> None:
    """Create `directory` and any missing parents, each 0700 whatever the umask (notes and
    settings are personal data), and make `directory` itself 0700. Parents that already exist are
    not ours and are left as they are."""
    missing = []
    probe = directory
    while not probe.is_dir() and probe != probe.parent:
        missing.append(probe)
        probe = probe.parent
    for path in reversed(missing):
        try:
            os.mkdir(path, DIR_MODE)
        except FileExistsError:
            if not path.is_dir():
                raise
            continue  # made meanwhile by someone else: not ours to change
        os.chmod(path, DIR_MODE)  # mkdir's mode passes through the umask
        fsync_dir(path.parent)
    if (directory.stat().st_mode & 0o777) != DIR_MODE:
        directory.chmod(DIR_MODE)


def is_temp_name(name: str) -> bool:
    return name.startswith(".") and TEMP_MARK in name


def remove_leftover_temps(directory: Path) -> list[str]:
    """Delete temp files a killed writer left behind; only the lock holder may call this."""
    removed: list[str] = []
    try:
        names = os.listdir(directory)
    except FileNotFoundError:
        return removed
    for name in names:
        if is_temp_name(name):
            _unlink_quietly(directory / name)
            removed.append(name)
    if removed:
        fsync_dir(directory)
    return removed


def _close_quietly(fd: int) -> None:
    try:
        os.close(fd)
    except OSError:
        pass


def _unlink_quietly(path: Path) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass
