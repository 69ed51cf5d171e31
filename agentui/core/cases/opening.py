"""Opening the embedded case store: the data dir created (0700) and locked, leftovers tidied, the
active case loaded; or a read-only snapshot for readers beside a running console."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal, overload

from agentui.core.cases.atomic import FILE_MODE, ensure_private_dir, is_temp_name, remove_leftover_temps
from agentui.core.cases.errors import StoreError
from agentui.core.cases.layout import StorePaths
from agentui.core.cases.lock import DataDirLock
from agentui.core.cases.protocol import CaseReader
from agentui.core.cases.store import Clock, TinyCaseStore, utc_now


@overload
def open_store(
    data_dir: Path, *, clock: Clock = ..., agent: str | None = ..., read_only: Literal[False] = False
) -> TinyCaseStore: ...
@overload
def open_store(
    data_dir: Path, *, clock: Clock = ..., agent: str | None = ..., read_only: Literal[True]
) -> CaseReader: ...
def open_store(
    data_dir: Path, *, clock: Clock = utc_now, agent: str | None = None, read_only: bool = False
) -> TinyCaseStore | CaseReader:
    """Create the data dir (0700) if needed, take its lock, tidy after a crash and load the active case.

    With `read_only`, nothing is locked, created or changed: a `CaseReader` over a snapshot of
    the files, for reading while a console holds the lock (`agentui cases`). It raises
    `StoreError` if there is no data dir.

    Raises `StoreLocked` if another agentui holds the dir and `StoreError` if it cannot be used;
    anything recovered or moved aside is described in `store.recovery_notes`. History is not
    parsed here (50,000 cases would take a second): a month file damaged inside, rather than at
    its ends, is moved aside when first read, and its note is appended to `recovery_notes` then.
    """
    if read_only:
        from agentui.core.cases.reader import open_snapshot

        return open_snapshot(data_dir)
    paths = StorePaths(Path(data_dir).expanduser())
    try:
        ensure_private_dir(paths.data_dir)
    except OSError as exc:
        raise StoreError(f"Cannot use data dir {paths.data_dir}: {exc.strerror or exc}.") from exc
    lock = DataDirLock(paths.lock, paths.data_dir)
    lock.acquire()
    try:
        try:
            for directory in (paths.cases_dir, paths.history_dir):
                ensure_private_dir(directory)
                remove_leftover_temps(directory)
                _make_files_private(directory)
        except OSError as exc:
            raise StoreError(f"Cannot prepare {paths.cases_dir}: {exc.strerror or exc}.") from exc
        store = TinyCaseStore(paths, lock, clock=clock, agent=agent)
        store._load()
    except BaseException:
        lock.release()
        raise
    return store


def _make_files_private(directory: Path) -> None:
    for entry in os.scandir(directory):
        if entry.is_file(follow_symlinks=False) and not is_temp_name(entry.name):
            if entry.stat(follow_symlinks=False).st_mode & 0o777 != FILE_MODE:
                os.chmod(entry.path, FILE_MODE)
