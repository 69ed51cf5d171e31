"""Knowledge base: typed entries loaded and validated from Markdown files."""

from agentui.core.kb.loader import load_kb
from agentui.core.kb.model import Entry, EntryType, KnowledgeBase, Problem, Step

__all__ = ["Entry", "EntryType", "KnowledgeBase", "Problem", "Step", "load_kb"]
