"""Move focus at once (Widget.focus() is deferred, so keys typed right after a focus key such
as F6 would still land in the previous field)."""

from __future__ import annotations

from textual.widget import Widget


def focus_now(widget: Widget) -> None:
    widget.screen.set_focus(widget)
