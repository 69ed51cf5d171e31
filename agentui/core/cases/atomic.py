"""The one way the case store puts bytes on disk: temp file, fsync, rename, fsync of the directory."""

from __future__ import annotations

import os
import secrets
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
