"""Small terminal bar charts for reports, drawn by plotext (imported only when a chart is drawn)."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from typing import Any

from agentui.core.terminal_text import clean_line

WIDTH = 72


def display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def aligned_labels(labels: Sequence[str]) -> list[str]:
    """plotext pads labels by character count, so a Chinese label (two columns a character) would
    push its bar right. Each label is padded to one display width and one length: pairs of padding
    spaces become an ideographic space (two columns, one character) where a label has fewer wide
    characters than the widest."""
    labels = [clean_line(label) or "-" for label in labels]
    wides = [sum(1 for ch in label if display_width(ch) == 2) for label in labels]
    most = max(wides, default=0)
    width = max((display_width(label) + 2 * (most - wide) for label, wide in zip(labels, wides, strict=True)),
                default=0)  # fmt: skip
    out = []
    for label, wide in zip(labels, wides, strict=True):
        spare = width - display_width(label)
        ideographic = most - wide
        out.append(label + "\u3000" * ideographic + " " * (spare - 2 * ideographic))
    return out


def hbar(title: str, items: Sequence[tuple[str, int]], *, color: bool = False) -> str:
    """One bar per item, longest first as given."""
    import plotext as plt

    if not items:
        return f"{title}: -\n"
    plt.clear_figure()
    plt.simple_bar(aligned_labels([name for name, _ in items]), [value for _, value in items], width=WIDTH,
                   title=title)  # fmt: skip
    return _built(plt, color)


def vbar(title: str, items: Sequence[tuple[str, int]], *, color: bool = False) -> str:
    """Counts over time (days), left to right."""
    import plotext as plt

    if not items:
        return f"{title}: -\n"
    plt.clear_figure()
    plt.bar([name for name, _ in items], [value for _, value in items], width=0.4)
    plt.plotsize(WIDTH, 14)
    plt.title(title)
    plt.theme("clear")
    return _built(plt, color)


def _built(plt: Any, color: bool) -> str:
    """`plt`: the plotext module (untyped)."""
    text: str = plt.build()
    if not color:
        text = plt.uncolorize(text)
    plt.clear_figure()
    return "\n".join(line.rstrip() for line in text.splitlines()) + "\n"
