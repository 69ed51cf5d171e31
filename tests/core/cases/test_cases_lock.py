"""One console per data dir: a second process is refused by name, a crashed one never blocks."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from agentui.core.cases.errors import StoreLocked
from agentui.core.cases.opening import open_store

HOLDER = """
import sys
from pathlib import Path
from agentui.core.cases.opening import open_store
store = open_store(Path(sys.argv[1]))
store.open_case()
print("locked", flush=True)
sys.stdin.readline()
store.close_store()
"""

CONTENDER = """
import sys
from pathlib import Path
from agentui.core.cases.errors import StoreLocked
from agentui.core.cases.opening import open_store
try:
    open_store(Path(sys.argv[1]))
except StoreLocked as exc:
    print(exc.pid, exc, sep="\\n")
    sys.exit(3)
sys.exit(0)
"""


def start_holder(data_dir: Path) -> subprocess.Popen[str]:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(data_dir)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout is not None and holder.stdout.readline() == "locked\n"  # acknowledged, not slept on
    return holder


def test_second_process_is_refused_with_dir_and_pid(data_dir: Path) -> None:
    holder = start_holder(data_dir)
    try:
        with pytest.raises(StoreLocked) as refused:
            open_store(data_dir)
        assert refused.value.pid == holder.pid
        message = str(refused.value)
        assert str(data_dir) in message and f"process {holder.pid}" in message
    finally:
        holder.communicate("done\n")
    assert holder.returncode == 0
    store = open_store(data_dir)  # released on a clean exit
    assert store.active() is not None
    store.close_store()


def test_a_second_process_sees_the_refusal_too(data_dir: Path) -> None:
    store = open_store(data_dir)
    try:
        result = subprocess.run([sys.executable, "-c", CONTENDER, str(data_dir)], capture_output=True, text=True)
        assert result.returncode == 3, result.stderr
        pid, message = result.stdout.split("\n", 1)
        assert int(pid) == os.getpid() and str(data_dir) in message
        store.open_case()  # the holder is unaffected
    finally:
        store.close_store()


def test_lock_of_a_killed_process_does_not_block(data_dir: Path) -> None:
    holder = start_holder(data_dir)
    holder.send_signal(signal.SIGKILL)
    holder.wait()
    store = open_store(data_dir)
    assert store.active() is not None
    store.close_store()


def test_same_process_cannot_open_twice(data_dir: Path) -> None:
    store = open_store(data_dir)
    with pytest.raises(StoreLocked):
        open_store(data_dir)
    store.close_store()


def test_lock_file_is_private(data_dir: Path) -> None:
    store = open_store(data_dir)
    assert (data_dir / "agentui.lock").stat().st_mode & 0o777 == 0o600
    store.close_store()


def test_deleting_the_lock_file_does_not_let_a_second_console_in(data_dir: Path) -> None:
    """`rm agentui.lock` (or a clean-up script) while a console runs: the lock is held on the
    data dir itself, which cannot be unlinked from under it."""
    holder = start_holder(data_dir)
    try:
        (data_dir / "agentui.lock").unlink()
        with pytest.raises(StoreLocked):
            open_store(data_dir)
        result = subprocess.run([sys.executable, "-c", CONTENDER, str(data_dir)], capture_output=True, text=True)
        assert result.returncode == 3, result.stdout + result.stderr
    finally:
        holder.communicate("done\n")
    assert holder.returncode == 0
    open_store(data_dir).close_store()  # free again once the holder is gone


def test_replacing_the_lock_file_does_not_let_a_second_console_in(data_dir: Path) -> None:
    store = open_store(data_dir)
    try:
        lock = data_dir / "agentui.lock"
        lock.unlink()
        lock.write_text("")
        with pytest.raises(StoreLocked):
            open_store(data_dir)
        store.open_case()  # the holder keeps working
    finally:
        store.close_store()
