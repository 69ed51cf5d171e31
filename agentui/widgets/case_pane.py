"""The case pane: caller, operator, category, notes and the save state; autosaves (debounced,
at most `MAX_WAIT` after the first unsaved keystroke)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich.cells import cell_len
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input, Label, Select, Static, TextArea

from agentui.core.caller_line import parse_caller_line
from agentui.core.cases.model import Case
from agentui.core.operators import OPERATORS
from agentui.session import CaseFields
from agentui.strings import Strings
from agentui.widgets.autosave import Debounce
from agentui.widgets.fields import SafeInput
from agentui.widgets.focus import focus_now
from agentui.widgets.notes import NotesArea
from agentui.widgets.operator_select import OperatorSelect
from agentui.widgets.safe_text import clean, clean_line

NARROW_LABELS = 6
"""Label cells the field rows have by default (agentui.tcss); longer labels get the wide column."""


class CasePane(Vertical):
    @dataclass
    class SaveDue(Message):
        """The agent paused typing, or typed for `MAX_WAIT` without a pause: save these fields."""

        fields: CaseFields

    @dataclass
    class Edited(Message):
        """A field changed (not saved yet)."""

        fields: CaseFields

    @dataclass
    class CallerEntered(Message):
        """Enter in a caller field: the caller is taken down, the agent searches next."""

    def __init__(self, strings: Strings, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.strings = strings
        self.built = False
        self.baseline = CaseFields()
        """The fields as last loaded or saved; edits are compared to it."""
        self._autosave = Debounce(self, self._save_due)
        self._status = ""

    def compose(self) -> ComposeResult:
        yield Static(self.strings.case_none, id="case-id", markup=False)

    def on_mount(self) -> None:
        self.border_title = self.strings.case_title

    async def build(self) -> None:
        """Mount the fields after the first frame, so the search box shows up sooner."""
        s = self.strings

        def field(label: str, widget: Widget) -> Horizontal:
            return Horizontal(Label(label), widget, classes="field")

        labels = (s.caller_name, s.caller_phone, s.operator_label, s.category_label)
        # One label column for every language: `Operator` does not fit the width `运营商` needs.
        self.set_class(max(map(cell_len, labels)) > NARROW_LABELS, "-wide-labels")
        notes = NotesArea(id="notes", placeholder=s.notes_placeholder, soft_wrap=True)
        notes.border_title = s.notes_label
        operators = OperatorSelect(s.operator_none, id="caller-operator", compact=True)
        await self.mount_all(
            [
                field(s.caller_name, SafeInput(id="caller-name", max_length=100, compact=True, select_on_focus=False)),
                field(s.caller_phone, SafeInput(id="caller-phone", max_length=40, compact=True, select_on_focus=False)),
                field(s.operator_label, operators),
                field(s.category_label, SafeInput(id="category", max_length=100, compact=True, select_on_focus=False)),
                notes,
            ]
        )
        self.built = True

    # --- reading and writing the fields -------------------------------------------------------
    def fields(self) -> CaseFields:
        if not self.built:
            return self.baseline
        operator = self.query_one("#caller-operator", Select).value
        return CaseFields(
            name=self.query_one("#caller-name", Input).value,
            phone=self.query_one("#caller-phone", Input).value,
            operator=operator if isinstance(operator, str) else "",
            category=self.query_one("#category", Input).value,
            notes=self.query_one("#notes", TextArea).text,
        )

    def load(self, case: Case | None) -> None:
        """Show `case` (or an empty pane); what is shown becomes the saved baseline."""
        self.cancel_pending()
        fields = CaseFields.of(case)
        self.baseline = fields
        self.show_case_id(case)
        self.query_one("#caller-name", Input).value = clean_line(fields.name)
        self.query_one("#caller-phone", Input).value = clean_line(fields.phone)
        select = self.query_one("#caller-operator", Select)
        select.value = fields.operator if fields.operator in OPERATORS else Select.NULL
        self.query_one("#category", Input).value = clean_line(fields.category)
        notes = self.query_one("#notes", NotesArea)
        if notes.text != fields.notes:
            notes.load_text(fields.notes)
        if case is None:
            self.set_status("")

    def show_case_id(self, case: Case | None) -> None:
        s = self.strings
        case_id = self.query_one("#case-id", Static)
        if case is None:
            case_id.update(s.case_none)
        else:
            case_id.update(Content.assemble((f"{s.case_id_label} ", "dim"), (clean_line(case.id), "bold")))
        self.set_class(case is not None, "-active")

    def set_field(self, name: str, value: str) -> None:
        """Fill a caller field from elsewhere (a script placeholder answered in a prompt)."""
        if name == "operator":
            self.query_one("#caller-operator", Select).value = value if value in OPERATORS else Select.NULL
        else:
            widget_id = {"name": "#caller-name", "phone": "#caller-phone", "category": "#category"}[name]
            self.query_one(widget_id, Input).value = clean_line(value)

    def enter_notes(self) -> None:
        """F6: to the notes, a fresh line when coming from elsewhere; F6 in the notes widens them to
        the whole screen and back."""
        notes = self.query_one("#notes", NotesArea)
        screen = self.screen
        if notes.has_focus:
            screen.minimize() if screen.maximized is notes else screen.maximize(notes, container=False)
        else:
            notes.start_fresh_line()
        focus_now(notes)

    def split_caller_line(self) -> None:
        """`王先生 79161234567 meg` typed into the name field fills name, phone and operator, so the
        agent takes the caller down without moving between fields."""
        name = self.query_one("#caller-name", Input)
        line = parse_caller_line(name.value)
        if not line.split:
            return
        name.value = clean_line(line.name)
        if line.phone:
            self.set_field("phone", line.phone)
        if line.operator:
            self.set_field("operator", line.operator)

    @on(Input.Blurred, "#caller-name")
    def split_caller_line_on_leaving(self) -> None:
        self.split_caller_line()

    @on(Input.Submitted, "#caller-name, #caller-phone, #category")
    def caller_taken_down(self, event: Input.Submitted) -> None:
        event.stop()
        self.split_caller_line()
        self.post_message(self.CallerEntered())

    def insert_into_notes(self, text: str) -> None:
        notes = self.query_one("#notes", NotesArea)
        text = clean(text)
        existing = notes.text
        prefix = "" if not existing or existing.endswith("\n") else "\n"
        notes.insert(prefix + text + "\n", notes.document.end)
        notes.move_cursor(notes.document.end)

    def saved(self, fields: CaseFields, stored: CaseFields, status: str) -> None:
        """A save of `fields` finished; the store kept `stored` (redaction may have changed it)."""
        self.baseline = stored
        current = self.fields()
        if stored != fields and current == fields:
            # Redaction removed something: show what is really stored.
            self.load_fields(stored)
        self.set_status(status)

    def load_fields(self, fields: CaseFields) -> None:
        self.query_one("#caller-name", Input).value = fields.name
        self.query_one("#caller-phone", Input).value = fields.phone
        self.query_one("#category", Input).value = fields.category
        notes = self.query_one("#notes", NotesArea)
        if notes.text != fields.notes:
            notes.load_text(fields.notes)
            notes.move_cursor(notes.document.end)

    def restore(self, rescued: dict[str, str], *, same_case: bool) -> None:
        """Put a rescue file's text back as unsaved edits (the autosave then saves it). For the same
        case its fields are newer than what is stored and replace it; for another case its notes are
        added below the notes, and its caller fields fill only empty ones."""
        current = self.fields()
        notes = rescued.get("notes")
        if notes is not None and not same_case and current.notes:
            notes = current.notes.rstrip("\n") + "\n\n" + notes
        for name in ("name", "phone", "operator", "category"):
            if name in rescued and (same_case or not getattr(current, name)):
                self.set_field(name, rescued[name])
        if notes is not None:
            area = self.query_one("#notes", NotesArea)
            area.load_text(notes)
            area.move_cursor(area.document.end)

    @property
    def status(self) -> str:
        """The save state as shown (the border keeps it as markup)."""
        return self._status

    def set_status(self, text: str, error: bool = False) -> None:
        """Save state in the pane's bottom border ("已保存 12:03:05", errors in red)."""
        self._status = clean_line(text)
        self.border_subtitle = Content.styled(self._status, "bold $error" if error else "")
        self.set_class(error, "-save-error")

    # --- autosave debounce ---------------------------------------------------------------------
    @on(Input.Changed)
    @on(Select.Changed)
    @on(TextArea.Changed)
    def schedule_save(self) -> None:
        fields = self.fields()
        if fields == self.baseline:
            return
        self.post_message(self.Edited(fields))
        self._autosave.changed()
        if not self.has_class("-save-error"):  # a failure stays in view until a save succeeds
            self.set_status(self.strings.unsaved)

    def _save_due(self) -> None:
        fields = self.fields()
        if fields != self.baseline:
            self.post_message(self.SaveDue(fields))

    def cancel_pending(self) -> None:
        self._autosave.cancel()

    @on(NotesArea.Capped)
    def tell_notes_capped(self, event: NotesArea.Capped) -> None:
        self.notify(self.strings.notes_capped.format(limit=event.limit), severity="warning", markup=False)

    @on(NotesArea.OverLimit)
    def tell_notes_over_limit(self, event: NotesArea.OverLimit) -> None:
        message = self.strings.notes_over_limit.format(length=event.length, limit=event.limit)
        self.notify(message, severity="warning", markup=False, timeout=30)
