"""The search results: type badge, title with matched characters highlighted, operators."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from textual.binding import Binding
from textual.content import Content, Span
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from agentui.core.operators import OPERATORS
from agentui.core.search.first_screen import ListedRow
from agentui.widgets.fields import SafeInput
from agentui.widgets.focus import focus_now
from agentui.widgets.safe_text import clean_line
from agentui.widgets.titles import Spans, entry_title

if TYPE_CHECKING:
    from agentui.core.kb.model import KnowledgeBase
    from agentui.core.search import Hit


def operator_names(ids: Sequence[str]) -> str:
    return "·".join(OPERATORS[i].name if i in OPERATORS else clean_line(i) for i in ids)


def hit_prompt(hit: Hit, badges: dict[str, str], kb: KnowledgeBase | None, english: bool = False) -> Content:
    """One result row as literal `Content` (titles are data: never markup)."""
    entry = kb.get(hit.id) if kb is not None else None
    title_en, operators = (entry.title_en, entry.operators) if entry is not None else ("", ())
    return row_prompt(ListedRow(hit.id, hit.type, hit.title, title_en, operators), badges, english, hit.spans)


def row_prompt(row: ListedRow, badges: dict[str, str], english: bool = False,
               spans: dict[str, Spans] | None = None) -> Content:
    """A row from what it shows of an entry (a hit's entry, or a first row before the KB loads)."""
    badge = badges.get(row.type, row.type)
    title = entry_title(row.title, row.title_en, english, spans)
    ops = operator_names(row.operators)
    badge_style = f"bold $text-{_badge_colour(row.type)}"
    parts: list[Content | tuple[str, str] | str] = [(f"{badge:<2}", badge_style), " ", title]
    if ops:
        parts += ["  ", (ops, "dim")]
    return Content.assemble(*parts)


def _badge_colour(entry_type: str) -> str:
    return {"procedure": "success", "faq": "primary", "script": "warning", "contact": "accent"}.get(
        entry_type, "primary"
    )


def _signature(rows: Sequence[Hit | ListedRow], prompts: list[Content]) -> list[tuple[str, str, tuple[Span, ...]]]:
    return [(row.id, prompt.plain, tuple(prompt.spans)) for row, prompt in zip(rows, prompts, strict=True)]


class ResultsList(OptionList):
    """Results of the current query; ↑ on the first row goes back to the search box."""

    BINDINGS = [Binding("up", "cursor_up_or_leave", "to_search", show=False)]
    _first_rows: list[tuple[str, str, tuple[Span, ...]]] | None = None
    """(id, text, styles) of the first rows while they are listed (before the KB's results)."""

    def show_hits(self, hits: Sequence[Hit], badges: dict[str, str], kb: KnowledgeBase | None) -> None:
        english = getattr(self.app, "strings").title_en_first  # noqa: B009 - the console's labels
        prompts = [hit_prompt(hit, badges, kb, english) for hit in hits]
        first, self._first_rows = self._first_rows, None
        if first is not None and first == _signature(hits, prompts):
            return  # the KB's results are the first rows listed: the cursor stays where the agent put it
        self._show(hits, prompts)

    def show_rows(self, rows: Sequence[ListedRow], badges: dict[str, str]) -> None:
        """The first rows, listed before the KB is loaded (its results replace them)."""
        english = getattr(self.app, "strings").title_en_first  # noqa: B009 - the console's labels
        prompts = [row_prompt(row, badges, english) for row in rows]
        self._show(rows, prompts)
        self._first_rows = _signature(rows, prompts)

    def _show(self, rows: Sequence[Hit | ListedRow], prompts: list[Content]) -> None:
        self.clear_options()
        self.add_options([Option(prompt, id=row.id) for row, prompt in zip(rows, prompts, strict=True)])
        if rows:
            self.highlighted = 0

    @property
    def highlighted_id(self) -> str | None:
        if self.highlighted is None or self.option_count == 0:
            return None
        return self.get_option_at_index(self.highlighted).id

    def action_cursor_up_or_leave(self) -> None:
        if self.highlighted in (None, 0):
            focus_now(self.screen.query_one("#search"))
        else:
            self.action_cursor_up()


class SearchBar(SafeInput):
    """The search box: ↓ moves into the results (typing never triggers shortcuts here)."""

    BINDINGS = [Binding("down", "into_results", "open", show=False)]

    def continue_typing(self, text: str, *, fresh: bool = False) -> None:
        """Keys typed in the results continue the query, as if it had focus; with `fresh` (typed
        in an opened entry: the caller's next question) they start a new one."""
        if not self.has_focus:
            self.select_on_focus = False  # focusing would select the query: the key would replace it
            focus_now(self)
            self.call_later(setattr, self, "select_on_focus", True)  # after the Focus event
        if fresh:
            self.value = ""
        self.cursor_position = len(self.value)
        self.insert_text_at_cursor(text)

    def action_into_results(self) -> None:
        results = self.screen.query_one(ResultsList)
        if results.option_count:
            focus_now(results)
