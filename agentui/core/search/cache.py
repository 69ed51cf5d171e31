"""On-disk cache of the loaded KB and its built index, keyed by the KB files' content."""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import tempfile
from pathlib import Path

from agentui.core.kb.loader import parse_kb
from agentui.core.kb.model import KnowledgeBase
from agentui.core.kb.source import read_kb_files
from agentui.core.search.index import SearchIndex

INDEX_FORMAT = "search-9"
"""Bumped whenever the index's shape or scoring inputs change, so stale caches are never read."""
KEEP_CACHES = 4


def _cache_path(cache_dir: Path, fingerprint: str) -> Path:
    key = hashlib.sha256(f"{INDEX_FORMAT}\0{fingerprint}".encode()).hexdigest()[:40]
    return cache_dir / f"index-{key}.pickle"


def open_search(kb_dir: Path, cache_dir: Path | None = None) -> tuple[KnowledgeBase, SearchIndex]:
    """Load the KB and its index; a warm start reads files only to hash them, then one pickle."""
    files = read_kb_files(kb_dir)
    path = _cache_path(cache_dir, files.fingerprint) if cache_dir is not None else None
    if path is not None:
        cached = _read(path)
        if cached is not None:
            return cached
    kb = parse_kb(files)
    index = SearchIndex.build(list(kb.entries.values()))
    if path is not None:
        _write(path, (kb, index))
    return kb, index


def load_index(kb: KnowledgeBase, cache_dir: Path | None = None) -> SearchIndex:
    """The index of an already-loaded KB (cached under the KB's fingerprint)."""
    path = _cache_path(cache_dir, kb.fingerprint) if cache_dir is not None and kb.fingerprint else None
    if path is not None:
        cached = _read(path)
        if cached is not None:
            return cached[1]
    index = SearchIndex.build(list(kb.entries.values()))
    if path is not None:
        _write(path, (kb, index))
    return index


def _read(path: Path) -> tuple[KnowledgeBase, SearchIndex] | None:
    """A cache we cannot read is just a miss: it is rebuilt, never trusted half-way."""
    try:
        with path.open("rb") as handle:
            value = pickle.load(handle)
    except FileNotFoundError:
        return None
    except Exception:  # noqa: BLE001 - any unreadable cache is discarded
        with contextlib.suppress(OSError):
            path.unlink()
        return None
    if not (isinstance(value, tuple) and len(value) == 2 and isinstance(value[1], SearchIndex)):
        return None
    return value


def _write(path: Path, value: tuple[KnowledgeBase, SearchIndex]) -> None:
    """Best effort: a read-only or full cache dir only costs a rebuild next start."""
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".index-", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as handle:
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
