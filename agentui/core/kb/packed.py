"""Records packed in a few flat buffers (the index cache maps them from its file): one decoded when read."""

# Why: a warm start of 100k entries used to unpickle every record (0.5 s, ~150 MiB once in memory)
# though a search reads about 60 of them. Packed, each record is one marshal'd tuple in one byte
# buffer; the cache file's pages holding it are read from disk (or the page cache) the first time a
# record is read, and only those count in the process's memory. Ids are kept sorted apart, so
# finding an entry is a binary search over a few bytes each, with no dict of 100k ids built.

from __future__ import annotations

import marshal
import sys
from bisect import bisect_left
from collections.abc import Iterator, Sequence
from pickle import PickleBuffer
from typing import overload

from agentui.core.kb.model import Record, Records, new_record

FORMAT = (marshal.version, sys.version_info[:2])
"""marshal's format is only promised within one Python version: another one rebuilds the cache."""


class PackedRecords(Records):
    """Records as marshal'd tuples in one buffer. Pickles its buffers out of band (protocol 5), so
    the index cache writes them raw and maps them back without a copy (`search.cache`)."""

    __slots__ = ("_blob", "_ends", "_types", "_kinds", "_ids", "_id_ends", "_by_id", "_state")

    def __init__(self, blob: memoryview, ends: memoryview, types: bytes, kinds: tuple[str, ...],
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
        return _unpack, (FORMAT, PickleBuffer(blob), PickleBuffer(ends), types, kinds, PickleBuffer(ids),
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
    return PackedRecords(memoryview(blob), memoryview(ends), types, kinds, memoryview(ids), memoryview(id_ends),
                         memoryview(by_id))
