"""Knowledge base: typed entries loaded and validated from Markdown files."""

# Names are resolved on first use (PEP 562): importing a light submodule (`source` for the KB's
# stat fingerprint, on the console's path to its first frame) does not load the parser.
from __future__ import annotations

from typing import TYPE_CHECKING

from agentui.core.lazy_exports import lazy_exports

if TYPE_CHECKING:
    from agentui.core.kb.loader import load_kb
    from agentui.core.kb.model import Entry, EntryType, KnowledgeBase, Problem, Step

__all__ = ["Entry", "EntryType", "KnowledgeBase", "Problem", "Step", "load_kb"]
_HOMES = {"load_kb": "loader", "Entry": "model", "EntryType": "model", "KnowledgeBase": "model",
          "Problem": "model", "Step": "model"}

__getattr__ = lazy_exports(__name__, _HOMES)
