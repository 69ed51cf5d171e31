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


M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3
HEAP_ARRAYS_BYTES = 16 * 2**20
"""Arrays up to this size come from the heap once `keep_arrays_in_heap` ran."""


@lru_cache(maxsize=1)
def keep_arrays_in_heap() -> bool:
    """A search makes a few arrays of one float per entry (800 KB each at 100k entries). glibc
    serves blocks over 128 KiB with a fresh mmap, zeroed page by page, until it has seen such
    blocks freed: a process that built its index had (searches then cost what they should), one
    that loaded it from the cache had not, and its searches took 1.5x as long. Fixing the
    thresholds as a build leaves them keeps those arrays in the heap from the first search.
    Returns whether it could (glibc only)."""
    if not sys.platform.startswith("linux"):
        return False
    import ctypes

    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):  # not glibc
        return False
    return bool(mallopt(M_MMAP_THRESHOLD, HEAP_ARRAYS_BYTES) and mallopt(M_TRIM_THRESHOLD, 2 * HEAP_ARRAYS_BYTES))
