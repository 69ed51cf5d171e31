"""The article pane: an entry rendered as Markdown, its steps as a checklist, copyable items
(numbered, one key each) and related entries."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from agentui.core.copyables import MAX_COPYABLE, Copyable, copyables
from agentui.core.kb.freshness import is_stale, stale_facts
from agentui.core.kb.model import EntryType
from agentui.core.operators import OPERATORS
from agentui.strings import Strings
from agentui.widgets.focus import focus_now
from agentui.widgets.line_breaking import divide_line
from agentui.widgets.results import operator_names
from agentui.widgets.safe_text import clean, clean_line, safe
from agentui.widgets.titles import entry_title, heading

if TYPE_CHECKING:
    from textual.widgets import Markdown

    from agentui.core.kb.model import Entry, KnowledgeBase

_STEPS_HEADING = re.compile(r"^##\s*(步骤|steps)\s*$", re.IGNORECASE)
_HEADING = re.compile(r"^#{1,2}\s")
_INLINE = re.compile(r"\*\*(.+?)\*\*|`([^`]+)`")


def inline_markdown(text: str) -> Content:
    """A step's text with `**bold**` and `code` rendered; everything else literal. Sub-items stay
    on their own lines."""
    text = "\n".join(line.strip() for line in clean(text).split("\n")).replace("\t", " ")
    parts: list[str | tuple[str, str]] = []
    position = 0
    for match in _INLINE.finditer(text):
        parts.append(text[position : match.start()])
        if match.group(1) is not None:
            parts.append((match.group(1), "bold"))
        else:
            parts.append((match.group(2), "italic"))
        position = match.end()
    parts.append(text[position:])
    return Content.assemble(*parts)


def hanging(prefix: Content, body: Content, width: int) -> Content:
    """`prefix` then `body` wrapped to `width` cells, continuation lines indented under it."""
    indent = prefix.cell_length
    room = width - indent
    if room < 6:
        return prefix + body
    pieces = body.divide(divide_line(body.plain, room))
    lines = [piece.rstrip() for piece in pieces]
    pad = Content(" " * indent)
    return Content("\n").join([prefix + lines[0], *(pad + line for line in lines[1:] if line.plain)])


def body_without_steps(entry: Entry) -> str:
    """The Markdown body minus its `## 步骤` section (the checklist shows the steps instead)."""
    body = clean(entry.body)
    if not entry.steps:
        return body
    lines = body.split("\n")
    start = next((i for i, line in enumerate(lines) if _STEPS_HEADING.match(line.strip())), None)
    if start is None:
        return body
    end = next((i for i in range(start + 1, len(lines)) if _HEADING.match(lines[i])), len(lines))
    return ("\n".join(lines[:start]).rstrip() + "\n\n" + "\n".join(lines[end:]).strip()).strip()


class StepsList(OptionList):
    """A procedure's steps; Space ticks or unticks the highlighted one."""

    BINDINGS = [Binding("space", "tick", "tick")]

    @dataclass
    class Toggled(Message):
        step: int
        done: bool

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._steps: list[tuple[int, str]] = []
        self.ticked: set[int] = set()
        self._wrap_width = 0
        self.stale_phrases: tuple[str, ...] = ()
        """Stale dated facts to mark in the steps (set before `load`)."""

    def load(self, entry: Entry, ticked: set[int]) -> None:
        self._steps = [(s.number, s.text) for s in entry.steps]
        self.ticked = set(ticked)
        self._render_steps()
        undone = [i for i, (n, _) in enumerate(self._steps) if n not in self.ticked]
        self.highlighted = undone[0] if undone else (0 if self._steps else None)

    def set_ticked(self, ticked: set[int]) -> None:
        self.ticked = set(ticked)
        self._render_steps()

    def on_resize(self) -> None:
        if self._steps and self._content_width() != self._wrap_width:
            self._render_steps()

    def _content_width(self) -> int:
        return max(0, self.scrollable_content_region.width - 2)

    def _prompt(self, number: int, text: str) -> Content:
        done = number in self.ticked
        prefix = Content.assemble(("☑ " if done else "☐ ", "bold $success" if done else ""), f"{number}. ")
        body = inline_markdown(text).stylize("dim strike") if done else inline_markdown(text)
        if self.stale_phrases:
            from agentui.widgets.fact_marks import mark_phrases

            body = mark_phrases(body, self.stale_phrases)
        # Our own wrapping: Chinese has no spaces, and the default wrap would push a whole step
        # onto the line after its checkbox.
        return hanging(prefix, body, self._wrap_width) if self._wrap_width else prefix + body

    def _render_steps(self) -> None:
        highlighted = self.highlighted
        self._wrap_width = self._content_width()
        if not self._wrap_width:  # shown before its first layout: wrap again once it has a width
            self.call_after_refresh(self.on_resize)
        self.clear_options()
        self.add_options([Option(self._prompt(n, text), id=f"step-{n}") for n, text in self._steps])
        if highlighted is not None and self._steps:
            self.highlighted = min(highlighted, len(self._steps) - 1)

    @property
    def progress(self) -> tuple[int, int]:
        numbers = {n for n, _ in self._steps}
        return len(self.ticked & numbers), len(numbers)

    def action_tick(self) -> None:
        """Tick or untick the highlighted step (named so as not to override Textual's `toggle`)."""
        if self.highlighted is None or not self._steps:
            return
        number = self._steps[self.highlighted][0]
        done = number not in self.ticked
        (self.ticked.add if done else self.ticked.discard)(number)
        self._render_steps()
        self.post_message(self.Toggled(number, done))


class RelatedList(OptionList):
    pass


def copy_label(number: int, item: Copyable, kinds: dict[str, str]) -> Content:
    """`[1] MTS +7 (495) 777-00-00`, `[4] MTS App MTS Connect`: the key, whose it is, what it is."""
    parts: list[str | tuple[str, str]] = [(f"[{number}]", "bold $accent")]
    if item.operator:
        name = OPERATORS[item.operator].name if item.operator in OPERATORS else clean_line(item.operator)
        parts += [" ", (name, "bold")]
    kind = kinds.get(item.kind, "")
    if kind:
        parts += [" ", (kind, "dim")]
    parts += [" ", item.text]
    return Content.assemble(*parts)


class CopyStrip(Static):
    """The numbered items, as many to a line as fit (an item is never split across lines)."""

    GAP = "   "

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(markup=False, **kwargs)
        self._labels: list[Content] = []
        self._packed_for = -1

    def show_items(self, labels: list[Content]) -> None:
        self._labels = labels
        self._pack()

    def on_resize(self) -> None:
        if self._labels and self.content_region.width != self._packed_for:
            self._pack()

    def _pack(self) -> None:
        width = self._packed_for = self.content_region.width
        lines: list[Content] = []
        for label in self._labels:
            if lines and width and lines[-1].cell_length + len(self.GAP) + label.cell_length <= width:
                lines[-1] = lines[-1] + self.GAP + label
            else:
                lines.append(label)
        self.update(Content("\n").join(lines))
        if not width:  # shown before its first layout
            self.call_after_refresh(self.on_resize)


class ArticleView(VerticalScroll):
    """Shows one entry. Keys 1-9 copy the numbered phones, apps and websites."""

    BINDINGS = [
        Binding(str(n), f"copy_item({n})", "copy", show=n == 1, key_display="1-9" if n == 1 else None)
        for n in range(1, MAX_COPYABLE + 1)
    ]

    @dataclass
    class CopyRequested(Message):
        text: str

    def __init__(self, strings: Strings, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.strings = strings
        self.entry: Entry | None = None
        self.items: list[Copyable] = []
        self.caller_operator = ""
        """The open case's operator: its phones and apps are numbered first."""
        self._kb: KnowledgeBase | None = None
        self._meta: tuple[list[str], list[Content]] = ([], [])
        """The header line but the pinned mark (`set_pinned` redraws it): plain parts, warnings."""

    def compose(self) -> ComposeResult:
        yield Static(self.strings.article_empty, id="article-title", markup=False)

    async def build(self) -> None:
        """Mount the rest of the pane after the first frame (the Markdown widget is slow to load)."""
        from agentui.widgets.fact_marks import FactMarkdown

        # The copy strip right under the title: a phone number is what the agent needs first.
        hidden = [Static(id="article-meta", markup=False), CopyStrip(id="copyables"), StepsList(id="steps")]
        later = [RelatedList(id="related")]
        for widget in (*hidden, *later):
            widget.display = False
        await self.mount_all([*hidden, FactMarkdown(id="article-body", open_links=False), *later])

    def show(
        self, entry: Entry, ticked: set[int], kb: KnowledgeBase | None, *, pinned: bool = False,
        freshness: tuple[date, int] | None = None,
    ) -> None:
        """`freshness`: (today, stale_after_days): a stale entry says so in its header, and its
        stale dated facts are marked where they appear."""
        from agentui.widgets.fact_marks import FactMarkdown, shown_text

        s = self.strings
        self.entry = entry
        self.query_one("#article-title", Static).update(heading(entry.title, entry.title_en, s.title_en_first))
        self._meta = self._meta_parts(entry, freshness)
        self.set_pinned(pinned)
        stale = stale_facts(entry, *freshness) if freshness is not None else ()
        phrases = tuple(dict.fromkeys(shown_text(fact.text) for fact in stale))
        body = self.query_one("#article-body", FactMarkdown)
        body.stale_phrases = phrases
        body.update(body_without_steps(entry))
        steps = self.query_one(StepsList)
        steps.display = bool(entry.steps)
        steps.stale_phrases = phrases
        steps.load(entry, ticked)
        self._update_progress()
        self._kb = kb
        self._show_copyables()
        related = self.query_one(RelatedList)
        related.border_title = s.related_title
        related.clear_options()
        if kb is not None:
            for rid in entry.related:
                other = kb.get(rid)
                if other is not None:
                    badge = s.badges.get(other.type.value, other.type.value)
                    title = entry_title(other.title, other.title_en, s.title_en_first)
                    related.add_option(Option(Content.assemble((badge, "dim"), " ", title), id=rid))
        related.display = related.option_count > 0
        self.scroll_home(animate=False)

    def _meta_parts(self, entry: Entry, freshness: tuple[date, int] | None) -> tuple[list[str], list[Content]]:
        """The header line's plain parts (shown dim) and its warnings (stale entry, stale facts)."""
        s = self.strings
        plain = [s.badges.get(entry.type.value, entry.type.value)]
        warnings: list[Content] = []
        if entry.operators:
            plain.append(f"{s.operators_label}: {operator_names(entry.operators)}")
        if entry.channel:
            plain.append(f"{s.channel_label}: {s.channels.get(entry.channel, clean_line(entry.channel))}")
        today, after_days = freshness if freshness is not None else (None, 0)
        if entry.verified and today is not None and is_stale(entry.verified, today, after_days):
            text = s.stale_entry.format(date=entry.verified.isoformat(), days=after_days)
            warnings.append(Content.styled(text, "bold $text-warning"))
        elif entry.verified:
            plain.append(f"{s.verified_label} {entry.verified.isoformat()}")
        stale = stale_facts(entry, today, after_days) if today is not None else ()
        if stale:
            warnings.append(Content.styled(s.stale_facts.format(count=len(stale), days=after_days), "$text-warning"))
        return plain, warnings

    def set_pinned(self, pinned: bool) -> None:
        """The header says whether the agent pinned this entry (F8)."""
        plain, warnings = self._meta
        parts = [safe(" · ".join(plain), "dim"), *warnings]
        if pinned:
            parts.append(Content.styled(self.strings.pinned_mark, "bold $accent"))
        meta_widget = self.query_one("#article-meta", Static)
        meta_widget.update(safe(" · ", "dim").join(parts))
        meta_widget.display = True

    def set_caller_operator(self, operator: str) -> None:
        """The case's operator changed: its items are numbered first."""
        if operator != self.caller_operator:
            self.caller_operator = operator
            if self.entry is not None:
                self._show_copyables()

    def _show_copyables(self) -> None:
        entry, kb = self.entry, self._kb
        if entry is None:
            return
        contacts = kb.of_type(EntryType.CONTACT) if kb is not None else []
        self.items = copyables(entry, contacts, self.caller_operator)
        strip = self.query_one(CopyStrip)
        strip.border_title = self.strings.copy_title
        strip.show_items([copy_label(i, item, self.strings.copy_kinds) for i, item in enumerate(self.items, 1)])
        strip.display = bool(self.items)

    def clear(self) -> None:
        self.entry = None
        self.items = []
        self.query_one("#article-title", Static).update(self.strings.article_empty)
        self.query_one("#article-body").update("")  # type: ignore[attr-defined]
        for widget_id in ("#steps", "#copyables", "#related", "#article-meta"):
            self.query_one(widget_id).display = False

    def set_ticked(self, ticked: set[int]) -> None:
        self.query_one(StepsList).set_ticked(ticked)
        self._update_progress()

    def _update_progress(self) -> None:
        steps = self.query_one(StepsList)
        done, total = steps.progress
        steps.border_title = self.strings.steps_title.format(done=done, total=total)

    def focus_body(self) -> None:
        steps = self.query_one(StepsList)
        focus_now(steps if steps.display else self)

    @on(StepsList.Toggled)
    def update_progress_on_tick(self) -> None:
        self._update_progress()

    # Named handler rather than @on(Markdown.LinkClicked): Markdown is imported only in build().
    def on_markdown_link_clicked(self, event: Markdown.LinkClicked) -> None:
        """Links in KB text never open anything (nor run actions); the agent is told instead."""
        event.stop()
        event.prevent_default()
        self.notify(self.strings.link_ignored.format(href=clean_line(event.href)[:200]), markup=False)

    def action_copy_item(self, number: int) -> None:
        if 1 <= number <= len(self.items):
            self.post_message(self.CopyRequested(self.items[number - 1].text))
