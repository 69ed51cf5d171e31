"""An entry's title in the console's language: the Chinese title, or in English `title_en` first
with the Chinese title beside it (dim, so a row cut short loses the Chinese, not the English)."""

from __future__ import annotations

from textual.content import Content

from agentui.widgets.safe_text import highlighted, safe

Spans = tuple[tuple[int, int], ...]


def entry_title(
    title: str,
    title_en: str,
    english: bool,
    spans: dict[str, Spans] | None = None,
    match_style: str = "bold $accent underline",
) -> Content:
    """The title to show, search matches (`spans` by field) highlighted; never parsed as markup."""
    spans = spans or {}
    chinese = highlighted(title, spans.get("title", ()), match_style)
    if not (english and title_en.strip()):
        return chinese
    return Content.assemble(highlighted(title_en, spans.get("title_en", ()), match_style), "  ", chinese.stylize("dim"))


def heading(title: str, title_en: str, english: bool) -> Content:
    """The article header's title (bold), in the console's language."""
    if not (english and title_en.strip()):
        return safe(title, "bold")
    return Content.assemble(safe(title_en, "bold"), "  ", safe(title, "dim"))
