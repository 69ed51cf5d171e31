"""Records packed in a few flat buffers, read from the index cache's file when read: one decoded at a time."""

# Why: a warm start of 100k entries used to unpickle every record (0.5 s, ~150 MiB once in memory)
# though a search reads about 60 of them. Packed, each record is one marshal'd tuple in one byte
# buffer, which a warm start leaves in the cache file (`FileBytes`): a record is read with one
# `pread` when a search or the agent reads it. Not mapped: a kernel that keeps files in the page
# cache as large folios (Linux 6.x on ext4) maps up to 2 MiB around any page touched, and 60
# records a query then cost ~70 MiB of the process's memory. Ids are kept sorted apart (mapped:
# a few MiB), so finding an entry is a binary search, with no dict of 100k ids built.

from __future__ import annotations

import marshal
import os
import sys
import threading
from bisect import bisect_left
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pickle import PickleBuffer
from typing import overload

from agentui.core.kb.model import Record, Records, new_record

FORMAT = (marshal.version, sys.version_info[:2])
"""marshal's format is only promised within one Python version: another one rebuilds the cache."""


class OpenFile:
    """A file descriptor closed when the last reader of the file is gone."""

    __slots__ = ("fd",)

    def __init__(self, fd: int) -> None:
        self.fd = fd

    def __del__(self) -> None:
        os.close(self.fd)


class FileBytes:
    """Bytes `start` .. `start + size` of an open file, read with `os.pread` when sliced: nothing
    of them is mapped into the process or held by it."""

    __slots__ = ("_file", "_start", "_size")

    def __init__(self, file: OpenFile, start: int, size: int) -> None:
        self._file, self._start, self._size = file, start, size

    def __len__(self) -> int:
        return self._size

    def __getitem__(self, part: slice) -> bytes:
        start, stop, _ = part.indices(self._size)
        data = os.pread(self._file.fd, max(0, stop - start), self._start + start)
        if len(data) != max(0, stop - start):
            raise OSError("index cache cut short")
        return data

    def whole(self) -> bytes:
        return self[:]


_reading = threading.local()


@contextmanager
def reading_from(file: OpenFile, places: Mapping[int, tuple[int, int]]) -> Iterator[None]:
    """While a cache file is unpickled: `in_file` turns the buffers given to the unpickler (by
    their id: each is one object for the whole load) into ranges of that file."""
    _reading.file, _reading.places = file, places
    try:
        yield
    finally:
        _reading.file = _reading.places = None


def in_file(buffer: memoryview | bytes) -> FileBytes | memoryview:
    """A buffer an unpickler gave, as the range of the cache file it came from when there is one."""
    places = getattr(_reading, "places", None)
    if places and id(buffer) in places and hasattr(os, "pread"):  # without pread (Windows): the mapping
        return FileBytes(_reading.file, *places[id(buffer)])
    return memoryview(buffer)


def whole(buffer: FileBytes | memoryview) -> memoryview:
    return memoryview(buffer.whole()) if isinstance(buffer, FileBytes) else buffer


class PackedRecords(Records):
    """Records as marshal'd tuples in one buffer. Pickles its buffers out of band (protocol 5), so
    the index cache writes them raw and maps them back without a copy (`search.cache`)."""

    __slots__ = ("_blob", "_ends", "_types", "_kinds", "_ids", "_id_ends", "_by_id", "_state")

    def __init__(self, blob: memoryview | FileBytes, ends: memoryview, types: bytes, kinds: tuple[str, ...],
                 ids: memoryview, id_ends: memoryview, by_id: memoryview) -> None:
        self._state = (blob, ends, types, kinds, ids, id_ends, by_id)
        self._blob = blob
        self._ends = ends.cast("B").cast("q")
        """End of record i in the blob (its start is the end of record i - 1)."""
        self._types = types
        """A byte per record: its type's place in `kinds`."""
        self._kinds = kinds
        self._ids = ids
        """The ids in sorted order (UTF-8 sorts as the code points do), concatenated."""
        self._id_ends = id_ends.cast("B").cast("q")
        self._by_id = by_id.cast("B").cast("q")
        """Position of the record holding the i-th id in sorted order."""

    @classmethod
    def pack(cls, records: Sequence[Record]) -> PackedRecords:
        parts = [marshal.dumps(tuple(record)) for record in records]
        kinds = tuple(dict.fromkeys(record.type for record in records))
        code = {kind: place for place, kind in enumerate(kinds)}
        ids = [record.id.encode("utf-8", "surrogatepass") for record in records]
        by_id = sorted(range(len(ids)), key=ids.__getitem__)
        return cls(
            memoryview(b"".join(parts)), _int64s(_ends(parts)), bytes(code[record.type] for record in records),
            kinds, memoryview(b"".join(ids[i] for i in by_id)), _int64s(_ends([ids[i] for i in by_id])),
            _int64s(by_id),
        )

    def __reduce_ex__(self, protocol: object) -> tuple[object, ...]:
        blob, ends, types, kinds, ids, id_ends, by_id = self._state
        return _unpack, (FORMAT, PickleBuffer(whole(blob)), PickleBuffer(ends), types, kinds, PickleBuffer(ids),
                         PickleBuffer(id_ends), PickleBuffer(by_id))

    def __len__(self) -> int:
        return len(self._types)

    @overload
    def __getitem__(self, index: int) -> Record: ...
    @overload
    def __getitem__(self, index: slice) -> list[Record]: ...

    def __getitem__(self, index: int | slice) -> Record | list[Record]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError("record index out of range")
        start = self._ends[index - 1] if index else 0
        record: Record = new_record(Record, marshal.loads(self._blob[start:self._ends[index]]))
        return record

    def __iter__(self) -> Iterator[Record]:
        return map(self.__getitem__, range(len(self)))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and len(self) == len(other) and all(map(tuple.__eq__, self, other))

    __hash__ = None  # type: ignore[assignment]  # equal by value, as the list it replaces

    def position(self, entry_id: str) -> int | None:
        wanted = entry_id.encode("utf-8", "surrogatepass")
        place = bisect_left(range(len(self)), wanted, key=self._id_at)
        if place < len(self) and self._id_at(place) == wanted:
            return int(self._by_id[place])
        return None

    def _id_at(self, place: int) -> bytes:
        return bytes(self._ids[self._id_ends[place - 1] if place else 0:self._id_ends[place]])

    def positions_of_type(self, entry_type: str) -> list[int]:
        if entry_type not in self._kinds:
            return []
        code = self._kinds.index(entry_type)
        return [index for index, kind in enumerate(self._types) if kind == code]


def _ends(parts: Sequence[bytes]) -> list[int]:
    ends, end = [], 0
    for part in parts:
        end += len(part)
        ends.append(end)
    return ends


def _int64s(values: Sequence[int]) -> memoryview:
    from array import array

    return memoryview(array("q", values)).cast("B")


def _unpack(form: object, blob: memoryview | bytes, ends: memoryview | bytes, types: bytes, kinds: tuple[str, ...],
            ids: memoryview | bytes, id_ends: memoryview | bytes, by_id: memoryview | bytes) -> PackedRecords:
    if form != FORMAT:
        raise ValueError(f"records packed by another Python ({form}, not {FORMAT})")
    return PackedRecords(in_file(blob), memoryview(ends), types, kinds, memoryview(ids), memoryview(id_ends),
                         memoryview(by_id))
