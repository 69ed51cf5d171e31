"""Search over the knowledge base: normalised, pinyin-aware, typo-tolerant, indexed."""

from agentui.core.search.index import Hit, SearchIndex, load_index

__all__ = ["Hit", "SearchIndex", "load_index"]
