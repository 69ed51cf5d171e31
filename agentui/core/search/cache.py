"""On-disk cache of the KB's entries and their built index, so a restart skips parsing and indexing."""

# A cache file is the header (a plain pickle of the KB's content fingerprint, which `first_screen`
# reads alone), a plain frame pickle (the index pickle's length and where each of its out-of-band
# buffers sits), then, each on a 64-byte boundary, the index pickle (protocol 5) and its buffers of
# OUT_OF_BAND bytes or more: the postings' arrays and the packed records (`kb.packed`). A warm
# start maps the file and hands the buffers to the unpickler as views of the mapping; the records
# and the postings columns take theirs as ranges of the file, read with pread when a search reads
# them (`kb.packed.in_file`). Nothing large is copied or decoded at start: at 100k entries the
# console's start takes ~0.1 s instead of 0.8-1.5 s, and ~85 MiB after 20 queries instead of ~310.

from __future__ import annotations

import contextlib
import mmap
import os
import pickle
import tempfile
from collections.abc import Callable
from pathlib import Path

from agentui.core.cases.atomic import ensure_private_dir
from agentui.core.heap import keep_arrays_in_heap
from agentui.core.kb.model import KnowledgeBase, Problem
from agentui.core.kb.packed import OpenFile, reading_from
from agentui.core.kb.records import knowledge_base
from agentui.core.search import pinyin_tables
from agentui.core.search.first_screen import (
    INDEX_FORMAT,
    index_cache_path,
    last_stat_key,
    read_header,
    read_plain,
    remember_stat_key,
    stat_key,
    write_header,
)
from agentui.core.search.index import SearchIndex

__all__ = ["INDEX_FORMAT", "load_index", "open_search", "open_search_trusted"]
KEEP_CACHES = 4
ALIGN = 64
"""Buffers start on this boundary: numpy reads aligned arrays fastest."""
FRAME_MARK = "agentui-index-frame"
OUT_OF_BAND = 16 * 1024
"""Buffers from this size on are written after the pickle and read from the file, not unpickled."""

_Payload = tuple[str, list[Problem], str, SearchIndex]
"""(KB root, problems, content fingerprint, index holding the entry records), after a header
holding the fingerprint alone (`first_screen.read_header`)."""


def open_search(
    kb_dir: Path, cache_dir: Path | None = None, key: str | None = None
) -> tuple[KnowledgeBase, SearchIndex]:
    """Load the KB and its index. A warm start stats the files (no reading) and loads one pickle;
    entries are turned into objects only when something reads them. `key`: the files' stat key
    if just taken (the console's first rows did); a key older than the files read is safe, as
    their next start's key differs and rebuilds."""
    pinyin_tables.keep_in(cache_dir)
    if cache_dir is None:
        return _build(kb_dir)
    key = key or stat_key(kb_dir)
    path = index_cache_path(cache_dir, key)
    cached = _read(path)
    if cached is None:
        kb, index = cached = _build(kb_dir)
        if not _write(path, (str(kb.root), kb.problems, kb.fingerprint, index)):
            return cached
    remember_stat_key(cache_dir, kb_dir, key)
    return cached


def _build(kb_dir: Path) -> tuple[KnowledgeBase, SearchIndex]:
    from agentui.core.kb.loader import load_kb  # a cold start only (its YAML fast path: 20 ms of regexes)

    kb = load_kb(kb_dir)
    return kb, SearchIndex.from_records(kb.records)


def open_search_trusted(
    kb_dir: Path, cache_dir: Path | None = None, key: str | None = None
) -> tuple[KnowledgeBase, SearchIndex, Callable[[], bool]]:
    """`open_search` for the console's start: the index cache last read or written for this KB
    folder is used without stat'ing the KB's files (0.6 s at 100k entries, most of a warm start).
    The check returned stats them and says whether they are still those cached: run it off the
    UI thread once the first results are shown, and reload the KB when it says no (issue 16's
    reload, which tells the agent what changed). Without such a cache this is `open_search`; so it
    is with `key`, the files' stat key just taken (the console's first rows did): nothing to trust."""
    if key is None and cache_dir is not None and (trusted := last_stat_key(cache_dir, kb_dir)) is not None:
        pinyin_tables.keep_in(cache_dir)
        cached = _read(index_cache_path(cache_dir, trusted))
        if cached is not None:
            return *cached, lambda: stat_key(kb_dir) == trusted
    return *open_search(kb_dir, cache_dir, key), _current


def open_search_then_cache(
    kb_dir: Path, cache_dir: Path | None = None
) -> tuple[KnowledgeBase, SearchIndex, Callable[[], None]]:
    """`open_search` for a console that reloads a changed KB: the new index is shown first, and
    the returned call writes the cache after (a quarter of a second at 10k entries). The key is
    taken before the files are read, as `open_search` does, so a file saved meanwhile can never
    be cached under its new state with the old content."""
    pinyin_tables.keep_in(cache_dir)
    if cache_dir is None:
        return *_build(kb_dir), _nothing
    key = stat_key(kb_dir)
    path = index_cache_path(cache_dir, key)
    cached = _read(path)
    if cached is not None:
        remember_stat_key(cache_dir, kb_dir, key)
        return *cached, _nothing
    kb, index = _build(kb_dir)

    def save() -> None:
        if _write(path, (str(kb.root), kb.problems, kb.fingerprint, index)):
            remember_stat_key(cache_dir, kb_dir, key)

    return kb, index, save


def _nothing() -> None:
    return None


def _current() -> bool:
    return True


def load_index(kb: KnowledgeBase, cache_dir: Path | None = None) -> SearchIndex:
    """The index of an already-loaded KB, cached under the KB files' content fingerprint."""
    pinyin_tables.keep_in(cache_dir)
    path = None
    if cache_dir is not None and kb.fingerprint:
        path = index_cache_path(cache_dir, "content:" + kb.fingerprint)
    if path is not None:
        cached = _read(path)
        if cached is not None:
            return cached[1]
    index = SearchIndex.from_records(kb.records)
    if path is not None:
        _write(path, (str(kb.root), kb.problems, kb.fingerprint, index))
    return index


def _read(path: Path) -> tuple[KnowledgeBase, SearchIndex] | None:
    """A cache we cannot read is just a miss: it is rebuilt, never trusted half-way."""
    try:
        with path.open("rb") as handle:
            header = read_header(handle)
            frame = read_plain(handle)
            start = _aligned(handle.tell())
            mapped = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
            file = OpenFile(os.dup(handle.fileno()))
        length, places = _frame(frame, len(mapped) - start)
        view = memoryview(mapped)
        buffers = [view[start + offset:start + offset + size] for offset, size in places]
        # The big buffers' owners (packed records, postings columns) read them from the file
        # with pread; the small ones (ids, offsets, key tables) are views of the mapping.
        with reading_from(file, {id(b): (start + o, n) for b, (o, n) in zip(buffers, places, strict=True)}):
            value = pickle.loads(view[start:start + length], buffers=buffers)
        root, problems, fingerprint, index = value
        if not isinstance(index, SearchIndex) or fingerprint != header:
            raise TypeError("not an index")
        keep_arrays_in_heap()  # as a process that built its index has them (see heap)
    except FileNotFoundError:
        return None
    except Exception:  # noqa: BLE001 - any unreadable or foreign cache file is discarded
        with contextlib.suppress(OSError):
            path.unlink()
        return None
    return knowledge_base(Path(root), index.records, list(problems), fingerprint), index


def _frame(frame: object, available: int) -> tuple[int, list[tuple[int, int]]]:
    """(index pickle length, (offset, size) of each buffer) from a frame, checked against the file:
    a file cut short is refused here, not when a search reads past its end."""
    if not (isinstance(frame, tuple) and len(frame) == 3 and frame[0] == FRAME_MARK and isinstance(frame[1], int)
            and isinstance(frame[2], tuple)):
        raise ValueError("no index frame")
    places = [(int(offset), int(size)) for offset, size in frame[2]]
    if not 0 < frame[1] <= available or any(offset < 0 or size < 0 or offset + size > available
                                             for offset, size in places):
        raise ValueError("index cache cut short")
    return frame[1], places


def _aligned(offset: int) -> int:
    return -(-offset // ALIGN) * ALIGN


def _write(path: Path, value: _Payload) -> bool:
    """Best effort: a read-only or full cache dir only costs a rebuild next start. Synced before
    it is renamed into place: its buffers are read lazily, so a file left with holes by a power
    cut would fail a search, not the start."""
    try:
        buffers: list[pickle.PickleBuffer] = []

        def out_of_band(buffer: pickle.PickleBuffer) -> bool:
            """Big buffers go after the pickle (false: out of band); the thousands of small arrays
            of the exact stage's tables stay in it, where they load faster than as 5000 buffers."""
            if buffer.raw().nbytes < OUT_OF_BAND:
                return True
            buffers.append(buffer)
            return False

        body = pickle.dumps(value, protocol=5, buffer_callback=out_of_band)
        raws = [buffer.raw() for buffer in buffers]
        places, end = [], _aligned(len(body))
        for raw in raws:
            places.append((end, raw.nbytes))
            end = _aligned(end + raw.nbytes)
        ensure_private_dir(path.parent)  # 0700, new parents too, whatever the umask
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".index-", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as handle:
                write_header(handle, value[2])
                pickle.dump((FRAME_MARK, len(body), tuple(places)), handle, protocol=pickle.HIGHEST_PROTOCOL)
                start = _aligned(handle.tell())
                chunks = [(0, memoryview(body)), *((o, raw) for (o, _), raw in zip(places, raws, strict=True))]
                for offset, data in chunks:
                    handle.write(bytes(start + offset - handle.tell()))
                    handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        _prune(path.parent, keep=path)
    except (OSError, pickle.PicklingError, RecursionError, BufferError, ValueError):
        return False
    return True


def _prune(cache_dir: Path, keep: Path) -> None:
    caches = sorted(cache_dir.glob("index-*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in caches[KEEP_CACHES:]:
        if old != keep:
            with contextlib.suppress(OSError):
                old.unlink()
