"""The order of system calls that makes a save survive a power cut: the file is flushed before the
rename, and the directory after it (POSIX keeps a rename only once its directory is synced)."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

import pytest

from agentui.core.cases import atomic, storage
from agentui.core.cases.opening import open_store


class SyscallLog:
    """The `os` module as a store module sees it, noting renames and what each fsync flushed."""

    def __init__(self) -> None:
        self.events: list[tuple[str, str]] = []

    def __getattr__(self, name: str) -> Any:
        real = getattr(os, name)
        if name == "fsync":
            def fsync(fd: int) -> None:
                kind = "dir" if stat.S_ISDIR(os.fstat(fd).st_mode) else "file"
                self.events.append(("fsync", kind))
                real(fd)
            return fsync
        if name in ("replace", "rename"):
            def rename(src: Any, dst: Any) -> None:
                self.events.append((name, Path(dst).name))
                real(src, dst)
            return rename
        return real


@pytest.fixture
def log(monkeypatch: pytest.MonkeyPatch) -> SyscallLog:
    spy = SyscallLog()
    monkeypatch.setattr(atomic, "os", spy)
    monkeypatch.setattr(storage, "os", spy)
    return spy


def test_atomic_write_flushes_the_file_then_renames_then_flushes_the_directory(tmp_path: Path, log: SyscallLog) -> None:
    atomic.atomic_write(tmp_path / "active.json", b"{}")
    assert log.events == [("fsync", "file"), ("replace", "active.json"), ("fsync", "dir")]


def test_every_autosave_ends_with_a_directory_fsync(tmp_path: Path, log: SyscallLog) -> None:
    store = open_store(tmp_path / "data")
    try:
        store.open_case()
        log.events.clear()
        store.update(notes="客户来电")
        assert log.events[-2:] == [("replace", "active.json"), ("fsync", "dir")]
    finally:
        store.close_store()


def test_a_file_moved_aside_is_durable_too(tmp_path: Path, log: SyscallLog) -> None:
    damaged = tmp_path / "active.json"
    damaged.write_bytes(b'{"half')
    moved = storage.move_aside(damaged)
    assert log.events == [("rename", moved.name), ("fsync", "dir")]


def _open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc to count descriptors")
def test_replaced_versions_are_let_go_after_the_save(tmp_path: Path) -> None:
    """The replaced version is freed off the saver's path (its last close, not the rename), but it
    is freed: a day of autosaves never holds the old versions' space or descriptors."""
    target = tmp_path / "active.json"
    atomic.atomic_write(target, b"first")
    atomic.wait_for_released()
    before = _open_fds()
    for n in range(300):
        atomic.atomic_write(target, f"notes {n}".encode() * 100)
    atomic.wait_for_released()
    assert _open_fds() == before
    assert target.read_bytes() == b"notes 299" * 100


def test_a_forked_child_saves_and_lets_go_too(tmp_path: Path) -> None:
    """The benchmark forks consoles, and so may a launcher: the child's releaser starts afresh."""
    import multiprocessing

    atomic.atomic_write(tmp_path / "a.json", b"parent")
    atomic.atomic_write(tmp_path / "a.json", b"parent again")
    child = multiprocessing.get_context("fork").Process(target=_save_twice_and_wait, args=(tmp_path / "b.json",))
    child.daemon = True
    child.start()
    child.join(timeout=30)
    if child.is_alive():
        child.kill()
    assert child.exitcode == 0
    assert (tmp_path / "b.json").read_bytes() == b"child again"


def _save_twice_and_wait(path: Path) -> None:
    atomic.atomic_write(path, b"child")
    atomic.atomic_write(path, b"child again")
    atomic.wait_for_released()
