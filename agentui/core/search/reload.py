"""Reloading the KB and its index after its files changed, off the console's UI thread."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from agentui.core.kb.diff import KbDiff, diff_kb
from agentui.core.kb.model import KnowledgeBase
from agentui.core.kb.reload import keep_last_good
from agentui.core.kb.revision import Revision, kb_revision
from agentui.core.search.cache import open_search_then_cache
from agentui.core.search.index import SearchIndex


@dataclass(frozen=True, slots=True)
class Reloaded:
    kb: KnowledgeBase
    index: SearchIndex
    diff: KbDiff
    """From the KB the console had to this one (kept entries count as unchanged)."""
    kept: tuple[str, ...]
    """Entries whose file now fails to load, kept in their last good version."""
    revision: Revision | None
    save_cache: Callable[[], None] = field(default=lambda: None, compare=False)
    """Writes the index cache for the files as loaded: call it once the new KB is in use."""


def reload_search(kb_dir: Path, current: KnowledgeBase, cache_dir: Path | None = None) -> Reloaded:
    """The KB as its files are now, indexed (from the cache when these files were indexed before);
    the cache of a new state is written by `save_cache`, after the console shows it."""
    loaded, index, save_cache = open_search_then_cache(kb_dir, cache_dir)
    kb, kept = keep_last_good(current, loaded)
    if kept:
        index = SearchIndex.from_records(kb.records)
    return Reloaded(kb, index, diff_kb(current, kb), kept, kb_revision(kb_dir), save_cache)
