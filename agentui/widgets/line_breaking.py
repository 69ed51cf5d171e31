"""Chinese line breaking for everything Textual wraps: articles (Markdown), dialogs, notices.

Textual wraps `Content` with rich's `divide_line`, which sees a run of Chinese as one long word and
cuts it wherever it is full, so lines start with `，` or `；`. `textual.content` imports that
function by name; `install` points the name at `core.cjk_wrap`, measured with rich's own cell
widths so a line is never wider than the renderer thinks. A test fails if a Textual upgrade stops
wrapping through that name.
"""

from __future__ import annotations

import textual.content
from rich.cells import get_character_cell_size

from agentui.core.cjk_wrap import break_offsets


def divide_line(text: str, width: int, fold: bool = True) -> list[int]:
    """rich's `divide_line` contract, Chinese line-breaking rules."""
    return break_offsets(text, width, get_character_cell_size, fold=fold)


def install() -> None:
    """Wrap all `Content` by Chinese rules (idempotent)."""
    if not callable(getattr(textual.content, "divide_line", None)):
        raise RuntimeError("textual.content no longer wraps with divide_line: see agentui/widgets/line_breaking.py")
    setattr(textual.content, "divide_line", divide_line)  # noqa: B010 - the name is not exported
