"""The article pane: an entry rendered as Markdown, its steps as a checklist, copyable items
(numbered, one key each) and related entries."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.cells import cell_len
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from agentui.core.kb.model import EntryType
from agentui.strings import Strings
from agentui.widgets.focus import focus_now
from agentui.widgets.results import operator_names
from agentui.widgets.safe_text import clean, clean_line, safe

if TYPE_CHECKING:
    from agentui.core.kb.model import Entry, KnowledgeBase

_STEPS_HEADING = re.compile(r"^##\s*(步骤|steps)\s*$", re.IGNORECASE)
_HEADING = re.compile(r"^#{1,2}\s")
_PHONE = re.compile(r"(?<![\w+])\+?\d[\d ()\-]{6,}\d(?!\w)")
_INLINE = re.compile(r"\*\*(.+?)\*\*|`([^`]+)`")
MAX_COPYABLE = 9


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


def break_offsets(text: str, width: int) -> list[int]:
    """Where to break `text` so no line is wider than `width` cells: anywhere between CJK
    characters, at spaces within Latin text (a word longer than a line is cut)."""
    offsets: list[int] = []
    line_start, cells, last_space = 0, 0, -1
    for index, char in enumerate(text):
        if char == "\n":
            offsets.append(index + 1)
            line_start, cells, last_space = index + 1, 0, -1
            continue
        char_cells = cell_len(char)
        if cells + char_cells > width and index > line_start:
            in_word = _latin(char) and _latin(text[index - 1])
            cut = last_space + 1 if in_word and last_space >= line_start and index - last_space < 16 else index
            offsets.append(cut)
            line_start, last_space = cut, -1
            cells = cell_len(text[cut : index])
        if char == " ":
            last_space = index
        cells += char_cells
    return offsets


def _latin(char: str) -> bool:
    return char != " " and cell_len(char) == 1


def hanging(prefix: Content, body: Content, width: int) -> Content:
    """`prefix` then `body` wrapped to `width` cells, continuation lines indented under it."""
    indent = prefix.cell_length
    room = width - indent
    if room < 6:
        return prefix + body
    pieces = body.divide(break_offsets(body.plain, room))
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


@dataclass(frozen=True, slots=True)
class Copyable:
    kind: str  # "phone" | "app" | "website"
    text: str


def copyables(entry: Entry, kb: KnowledgeBase | None) -> list[Copyable]:
    """Phones, apps and websites of the entry (contacts) or mentioned in it, at most nine."""
    items: list[Copyable] = []
    seen: set[str] = set()

    def add(kind: str, text: str) -> None:
        text = clean_line(text).strip()
        key = re.sub(r"\D", "", text) if kind == "phone" else text.casefold()
        if text and key not in seen and len(items) < MAX_COPYABLE:
            seen.add(key)
            items.append(Copyable(kind, text))

    for phone in entry.phones:
        add("phone", phone)
    for app in entry.apps:
        add("app", app)
    if entry.website:
        add("website", entry.website)
    body = entry.body
    for match in _PHONE.finditer(body):
        if sum(ch.isdigit() for ch in match.group(0)) >= 7:
            add("phone", match.group(0))
    if kb is not None:
        for contact in kb.of_type(EntryType.CONTACT):
            for app in contact.apps:
                if app and app in body:
                    add("app", app)
    return items


class StepsList(OptionList):
    """A procedure's steps; Space ticks or unticks the highlighted one."""

    BINDINGS = [Binding("space", "tick", "tick")]

    @dataclass
    class Toggled(Message):
        step: int
        done: bool

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._steps: list[tuple[int, str]] = []
        self.ticked: set[int] = set()
        self._wrap_width = 0

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
        # Our own wrapping: Chinese has no spaces, and the default wrap would push a whole step
        # onto the line after its checkbox.
        return hanging(prefix, body, self._wrap_width) if self._wrap_width else prefix + body

    def _render_steps(self) -> None:
        highlighted = self.highlighted
        self._wrap_width = self._content_width()
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


class ArticleView(VerticalScroll):
    """Shows one entry. Keys 1-9 copy the numbered phones, apps and websites."""

    BINDINGS = [
        Binding(str(n), f"copy_item({n})", "copy", show=n == 1, key_display="1-9" if n == 1 else None)
        for n in range(1, MAX_COPYABLE + 1)
    ]

    @dataclass
    class CopyRequested(Message):
        text: str

    def __init__(self, strings: Strings, **kwargs) -> None:
        super().__init__(**kwargs)
        self.strings = strings
        self.entry: Entry | None = None
        self.items: list[Copyable] = []

    def compose(self) -> ComposeResult:
        yield Static(self.strings.article_empty, id="article-title", markup=False)

    async def build(self) -> None:
        """Mount the rest of the pane after the first frame (the Markdown widget is slow to load)."""
        from textual.widgets import Markdown

        hidden = [Static(id="article-meta", markup=False), StepsList(id="steps")]
        later = [Static(id="copyables", markup=False), RelatedList(id="related")]
        for widget in (*hidden, *later):
            widget.display = False
        await self.mount_all([*hidden, Markdown(id="article-body", open_links=False), *later])

    def show(self, entry: Entry, ticked: set[int], kb: KnowledgeBase | None) -> None:
        s = self.strings
        self.entry = entry
        self.query_one("#article-title", Static).update(safe(entry.title, "bold"))
        meta = [s.badges.get(entry.type.value, entry.type.value)]
        if entry.operators:
            meta.append(f"{s.operators_label}: {operator_names(entry.operators)}")
        if entry.channel:
            meta.append(f"{s.channel_label}: {clean_line(entry.channel)}")
        if entry.verified:
            meta.append(f"{s.verified_label} {entry.verified.isoformat()}")
        meta_widget = self.query_one("#article-meta", Static)
        meta_widget.update(safe(" · ".join(meta), "dim"))
        meta_widget.display = True
        self.query_one("#article-body").update(body_without_steps(entry))  # type: ignore[attr-defined]
        steps = self.query_one(StepsList)
        steps.display = bool(entry.steps)
        steps.load(entry, ticked)
        self._update_progress()
        self.items = copyables(entry, kb)
        copy_widget = self.query_one("#copyables", Static)
        copy_widget.border_title = s.copy_title
        copy_widget.update(
            Content("\n").join(
                Content.assemble((f"[{i}]", "bold $accent"), " ", (item.text, ""))
                for i, item in enumerate(self.items, 1)
            )
        )
        copy_widget.display = bool(self.items)
        related = self.query_one(RelatedList)
        related.border_title = s.related_title
        related.clear_options()
        if kb is not None:
            for rid in entry.related:
                other = kb.get(rid)
                if other is not None:
                    badge = s.badges.get(other.type.value, other.type.value)
                    related.add_option(Option(Content.assemble((badge, "dim"), " ", clean_line(other.title)), id=rid))
        related.display = related.option_count > 0
        self.scroll_home(animate=False)

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
    def on_markdown_link_clicked(self, event) -> None:
        """Links in KB text never open anything (nor run actions); the agent is told instead."""
        event.stop()
        event.prevent_default()
        self.notify(self.strings.link_ignored.format(href=clean_line(event.href)[:200]), markup=False)

    def action_copy_item(self, number: int) -> None:
        if 1 <= number <= len(self.items):
            self.post_message(self.CopyRequested(self.items[number - 1].text))
