"""A block of postings, held in memory (a built index) or left in the index cache file (a warm start)."""

from __future__ import annotations

from dataclasses import dataclass
from pickle import PickleBuffer

import numpy as np

from agentui.core.kb.packed import FileBytes, in_file, whole


class StoredColumn:
    """A block's postings column left in the index cache file (`kb.packed.FileBytes`): a slice
    is read when a search asks for it. Most of the 100 MiB of postings at 100k entries is never
    read, and what is read is not mapped (see `kb.packed` on large folios)."""

    __slots__ = ("_bytes", "_dtype")

    def __init__(self, stored: FileBytes, dtype: type[np.generic]) -> None:
        self._bytes, self._dtype = stored, np.dtype(dtype)

    def __len__(self) -> int:
        return len(self._bytes) // self._dtype.itemsize

    def __getitem__(self, part: slice) -> np.ndarray:
        start, stop, _ = part.indices(len(self))
        size = self._dtype.itemsize
        return np.frombuffer(self._bytes[start * size:stop * size], dtype=self._dtype)

    def whole(self) -> np.ndarray:
        return self[:]


Column = np.ndarray | StoredColumn


@dataclass(frozen=True, slots=True)
class Block:
    """The postings of entries first .. first + size - 1, by key."""

    first: int
    size: int
    key_ids: np.ndarray
    """Sorted ids of the keys some entry of the block holds."""
    offsets: np.ndarray
    docs: Column
    """Entry indices within the block (uint16)."""
    levels: Column
    """The best field level of each posting (uint8, hundredths of the field weight)."""

    def __reduce__(self) -> tuple[object, tuple[object, ...]]:
        docs, levels = (column.whole() if isinstance(column, StoredColumn) else column
                        for column in (self.docs, self.levels))
        return _block, (self.first, self.size, self.key_ids, self.offsets,
                        PickleBuffer(np.ascontiguousarray(docs).data), PickleBuffer(np.ascontiguousarray(levels).data))


def _block(first: int, size: int, key_ids: np.ndarray, offsets: np.ndarray, docs: memoryview | bytes,
           levels: memoryview | bytes) -> Block:
    return Block(first, size, key_ids, offsets, _column(docs, np.uint16), _column(levels, np.uint8))


def _column(buffer: memoryview | bytes, dtype: type[np.generic]) -> Column:
    stored = in_file(buffer)
    if isinstance(stored, FileBytes):
        return StoredColumn(stored, dtype)
    return np.frombuffer(whole(stored), dtype=dtype)
