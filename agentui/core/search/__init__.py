"""Search over the knowledge base: normalised, pinyin-aware, typo-tolerant, indexed."""

from agentui.core.search.cache import load_index, open_search
from agentui.core.search.index import Hit, Hits, SearchIndex, Usage

__all__ = ["Hit", "Hits", "SearchIndex", "Usage", "load_index", "open_search"]
