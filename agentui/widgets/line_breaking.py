"""Chinese line breaking for everything Textual wraps: articles (Markdown), dialogs, notices, and
the text areas the agent writes in (notes, the wrap-up summary).

Textual wraps `Content` with rich's `divide_line`, which sees a run of Chinese as one long word and
cuts it wherever it is full, so lines start with `，` or `；`. `textual.content` imports that
function by name; `install` points the name at `core.cjk_wrap`, measured with rich's own cell
widths so a line is never wider than the renderer thinks. A test fails if a Textual upgrade stops
wrapping through that name.

`TextArea` wraps with its own `compute_wrap_offsets`, which breaks only at spaces: a note like
`查看条目：eSIM 补卡（丢失或损坏）；…` broke after `eSIM`, leaving the rest of the line empty, and a long
run of Chinese was cut anywhere. `install_for_text_areas` points `textual.document._wrapped_document`'s
name at the same rules.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable

import textual.content
from rich.cells import cell_len, get_character_cell_size

from agentui.core.cjk_wrap import break_offsets

_textual_wrap_offsets: Callable[..., list[int]]
"""Textual's own `compute_wrap_offsets`, for the lines ours leaves to it (set by the install)."""


def divide_line(text: str, width: int, fold: bool = True) -> list[int]:
    """rich's `divide_line` contract, Chinese line-breaking rules."""
    return break_offsets(text, width, get_character_cell_size, fold=fold)


def install() -> None:
    """Wrap all `Content` by Chinese rules (idempotent)."""
    if not callable(getattr(textual.content, "divide_line", None)):
        raise RuntimeError("textual.content no longer wraps with divide_line: see agentui/widgets/line_breaking.py")
    setattr(textual.content, "divide_line", divide_line)  # noqa: B010 - the name is not exported


def text_area_wrap_offsets(
    text: str,
    width: int,
    tab_size: int,
    fold: bool = True,
    precomputed_tab_sections: list[tuple[str, int]] | None = None,
) -> list[int]:
    """Textual's `compute_wrap_offsets` contract, Chinese line-breaking rules. An editor cannot let a
    line's trailing spaces overflow (the cursor would sit outside the area), and tabs have widths
    only Textual's own function knows: such lines keep Textual's wrapping."""
    if "\t" not in text:
        offsets = break_offsets(text, width, get_character_cell_size, fold=fold)
        starts = [0, *offsets, len(text)]
        if all(cell_len(text[a:b]) <= width for a, b in itertools.pairwise(starts)):
            return offsets
    return _textual_wrap_offsets(text, width, tab_size, fold, precomputed_tab_sections)


def install_for_text_areas() -> None:
    """Wrap every `TextArea` by Chinese rules (idempotent)."""
    import textual.document._wrapped_document as wrapped_document

    global _textual_wrap_offsets
    current = getattr(wrapped_document, "compute_wrap_offsets", None)
    if not callable(current):
        raise RuntimeError("TextArea no longer wraps with compute_wrap_offsets: see agentui/widgets/line_breaking.py")
    if current is not text_area_wrap_offsets:
        _textual_wrap_offsets = current
        setattr(wrapped_document, "compute_wrap_offsets", text_area_wrap_offsets)  # noqa: B010 - private module
