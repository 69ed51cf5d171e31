"""Freed heap memory goes back to the system, so a console that built a big index stays small."""

from __future__ import annotations

import platform
from pathlib import Path

from agentui.core.heap import give_back_freed_memory


def _resident_mib() -> float:
    return int(Path("/proc/self/statm").read_text().split()[1]) * 4096 / 2**20


def test_freed_heap_is_handed_back():
    if platform.libc_ver()[0] != "glibc":  # elsewhere there is nothing to call, and nothing breaks
        assert give_back_freed_memory() is False
        return
    chunks = [bytes(4000) for _ in range(40_000)]  # ~160 MiB from the heap, below the mmap threshold
    keeper = bytes(4000)  # above them, so glibc cannot shrink the heap from its top on its own
    del chunks
    before = _resident_mib()
    assert give_back_freed_memory() is True
    assert _resident_mib() < before - 100
    del keeper
