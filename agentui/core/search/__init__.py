"""Search over the knowledge base: normalised, pinyin-aware, typo-tolerant, indexed."""

# Names are resolved on first use (PEP 562): the console reads its first rows through the light
# `first_screen` module before it imports the index (numpy, the pinyin tables).
from __future__ import annotations

from typing import TYPE_CHECKING

from agentui.core.lazy_exports import lazy_exports

if TYPE_CHECKING:
    from agentui.core.search.cache import load_index, open_search
    from agentui.core.search.index import Hit, Hits, SearchIndex, Usage

__all__ = ["Hit", "Hits", "SearchIndex", "Usage", "load_index", "open_search"]
_HOMES = {"Hit": "index", "Hits": "index", "SearchIndex": "index", "Usage": "index",
          "load_index": "cache", "open_search": "cache"}

__getattr__ = lazy_exports(__name__, _HOMES)
