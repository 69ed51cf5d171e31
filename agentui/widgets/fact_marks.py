"""Stale dated facts marked where the article shows them: in its Markdown body and in its steps.

The loader keeps each dated fact's text and its span in the body (`core.kb.facts`). The body is
rendered by Textual's Markdown widget, which rebuilds the text without the Markdown syntax, so a
fact is found again by its text in each rendered block and styled there as `Content` (never as
markup: the fact is KB data).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache
from typing import Any

from textual.content import Content
from textual.widgets.markdown import Markdown, MarkdownBlock

STALE_STYLE = "bold $text-warning underline"
"""Stands out in every theme without hiding the text (a phone number must stay readable)."""
_INLINE_SYNTAX = re.compile(r"\*\*|__|`|~~")


def shown_text(fact: str) -> str:
    """A fact's text as the Markdown widget shows it: no inline syntax, runs of spaces as one."""
    return re.sub(r"\s+", " ", _INLINE_SYNTAX.sub("", fact)).strip()


def mark_phrases(content: Content, phrases: Sequence[str], style: str = STALE_STYLE) -> Content:
    """`content` with every occurrence of each phrase styled."""
    plain = content.plain
    for phrase in phrases:
        if not phrase:
            continue
        start = plain.find(phrase)
        while start != -1:
            content = content.stylize(style, start, start + len(phrase))
            start = plain.find(phrase, start + len(phrase))
    return content


class FactMarkdown(Markdown):
    """The article body: blocks holding a stale fact show it marked."""

    stale_phrases: tuple[str, ...] = ()
    """What to mark in the next `update` (as `shown_text` gives it)."""

    def get_block_class(self, block_name: str) -> type[MarkdownBlock]:
        return _marking(super().get_block_class(block_name))


@cache
def _marking(base: type[MarkdownBlock]) -> type[MarkdownBlock]:
    """`base` whose content is marked with its document's stale phrases (one subclass per block type,
    so Textual's CSS for `base` still applies)."""

    def __init__(self: Any, markdown: Markdown, *args: Any, **kwargs: Any) -> None:
        base.__init__(self, markdown, *args, **kwargs)
        self.stale_phrases = getattr(markdown, "stale_phrases", ())

    def set_content(self: Any, content: Content) -> None:
        phrases = getattr(self, "stale_phrases", ())
        base.set_content(self, mark_phrases(content, phrases) if phrases else content)

    return type(f"Marked{base.__name__}", (base,), {"__init__": __init__, "set_content": set_content})
