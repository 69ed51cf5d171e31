"""On-disk cache of the KB's entries and their built index, so a restart skips parsing and indexing."""

from __future__ import annotations

import contextlib
import os
import pickle
import tempfile
from collections.abc import Callable
from pathlib import Path

from agentui.core.cases.atomic import ensure_private_dir
from agentui.core.kb.model import KnowledgeBase, Problem
from agentui.core.kb.records import knowledge_base
from agentui.core.search import pinyin_tables
from agentui.core.search.first_screen import INDEX_FORMAT, index_cache_path, read_header, stat_key, write_header
from agentui.core.search.index import SearchIndex

__all__ = ["INDEX_FORMAT", "load_index", "open_search"]
KEEP_CACHES = 4

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
    path = index_cache_path(cache_dir, key or stat_key(kb_dir)) if cache_dir is not None else None
    if path is not None:
        cached = _read(path)
        if cached is not None:
            return cached
    from agentui.core.kb.loader import load_kb  # a cold start only (its YAML fast path: 20 ms of regexes)

    kb = load_kb(kb_dir)
    index = SearchIndex.from_records(kb.records)
    if path is not None:
        _write(path, (str(kb.root), kb.problems, kb.fingerprint, index))
    return kb, index


def open_search_then_cache(
    kb_dir: Path, cache_dir: Path | None = None
) -> tuple[KnowledgeBase, SearchIndex, Callable[[], None]]:
    """`open_search` for a console that reloads a changed KB: the new index is shown first, and
    the returned call writes the cache after (a quarter of a second at 10k entries). The key is
    taken before the files are read, as `open_search` does, so a file saved meanwhile can never
    be cached under its new state with the old content."""
    pinyin_tables.keep_in(cache_dir)
    path = index_cache_path(cache_dir, stat_key(kb_dir)) if cache_dir is not None else None
    cached = _read(path) if path is not None else None
    if cached is not None:
        return *cached, _nothing
    from agentui.core.kb.loader import load_kb  # a cold start only (its YAML fast path: 20 ms of regexes)

    kb = load_kb(kb_dir)
    index = SearchIndex.from_records(kb.records)
    if path is None:
        return kb, index, _nothing
    return kb, index, lambda: _write(path, (str(kb.root), kb.problems, kb.fingerprint, index))


def _nothing() -> None:
    return None


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
            value = pickle.load(handle)
        root, problems, fingerprint, index = value
        if not isinstance(index, SearchIndex) or fingerprint != header:
            raise TypeError("not an index")
    except FileNotFoundError:
        return None
    except Exception:  # noqa: BLE001 - any unreadable or foreign cache file is discarded
        with contextlib.suppress(OSError):
            path.unlink()
        return None
    return knowledge_base(Path(root), index.records, list(problems), fingerprint), index


def _write(path: Path, value: _Payload) -> None:
    """Best effort: a read-only or full cache dir only costs a rebuild next start."""
    try:
        ensure_private_dir(path.parent)  # 0700, new parents too, whatever the umask
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".index-", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as handle:
                write_header(handle, value[2])
                pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        _prune(path.parent, keep=path)
    except (OSError, pickle.PicklingError, RecursionError):
        return


def _prune(cache_dir: Path, keep: Path) -> None:
    caches = sorted(cache_dir.glob("index-*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in caches[KEEP_CACHES:]:
        if old != keep:
            with contextlib.suppress(OSError):
                old.unlink()
