"""Handing freed heap memory back to the operating system after a large index build."""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import lru_cache


@lru_cache(maxsize=1)
def _malloc_trim() -> Callable[[int], int] | None:
    if not sys.platform.startswith("linux"):
        return None
    import ctypes  # here, not at import: the console imports the core before its first frame

    try:
        return ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):  # not glibc (musl has no malloc_trim)
        return None


def give_back_freed_memory() -> bool:
    """glibc raises its mmap threshold each time numpy frees a big array, so later arrays come from
    the heap, and the pages they held stay with the process once they are freed: a 100k-entry
    build leaves ~60 MiB so, for the whole life of the console. Returns whether memory could be
    handed back (False where there is no `malloc_trim`)."""
    trim = _malloc_trim()
    if trim is None:
        return False
    trim(0)
    return True
