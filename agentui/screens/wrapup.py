"""F10: wrap-up. A disposition is required; the summary is drafted from the call, editable, and
autosaved to the open case as a draft while the agent types it."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Label, RadioButton, RadioSet, Static, TextArea

from agentui.core.cases.model import Case, Disposition
from agentui.core.kb.model import KnowledgeBase
from agentui.core.operators import OPERATORS
from agentui.screens.base import AgentModal
from agentui.strings import Strings
from agentui.widgets.autosave import Debounce
from agentui.widgets.notes import NotesArea
from agentui.widgets.safe_text import clean, clean_line


def draft_summary(case: Case, kb: KnowledgeBase | None, strings: Strings) -> str:
    """A summary from the ticked steps, the entries opened and the scripts used."""

    def title(entry_id: str) -> str:
        entry = kb.get(entry_id) if kb is not None else None
        return clean_line(entry.title) if entry is not None else entry_id

    lines: list[str] = []
    operator = OPERATORS[case.caller.operator].name if case.caller.operator in OPERATORS else ""
    caller = " ".join(p for p in (case.caller.name, case.caller.phone, operator) if p)
    if caller:
        lines.append(strings.summary_caller + clean_line(caller))
    for entry_id, numbers in case.steps.items():
        if not numbers:
            continue
        entry = kb.get(entry_id) if kb is not None else None
        total = len(entry.steps) if entry is not None else len(numbers)
        lines.append(
            strings.summary_steps.format(
                title=title(entry_id),
                done=len(numbers),
                total=total,
                numbers=", ".join(str(n) for n in sorted(numbers)),
            )
        )
    if case.articles:
        lines.append(strings.summary_articles + "；".join(title(a) for a in case.articles))
    if case.scripts:
        lines.append(strings.summary_scripts + "；".join(title(s) for s in case.scripts))
    return "\n".join(lines)


class WrapUpScreen(AgentModal[tuple[Disposition, str] | None]):
    BINDINGS = [
        Binding("ctrl+s", "confirm", "confirm", priority=True),
        Binding("escape", "cancel", "cancel"),
    ]

    def __init__(self, strings: Strings, summary: str) -> None:
        super().__init__()
        self.strings = strings
        self.summary = summary
        self._autosave = Debounce(self, self._save_draft)

    def compose(self) -> ComposeResult:
        s = self.strings
        with Vertical(id="wrapup-dialog", classes="dialog"):
            yield Label(s.disposition_label)
            with RadioSet(id="disposition"):
                for value in Disposition:
                    yield RadioButton(s.dispositions[value.value], name=value.value)
            yield Label(s.summary_label)
            yield NotesArea(clean(self.summary), id="summary", soft_wrap=True)
            yield Static("", id="wrapup-error", markup=False)
            yield Static(s.wrapup_confirm + " · Esc " + s.cancel, classes="dialog-hint", markup=False)

    def on_mount(self) -> None:
        self.query_one("#wrapup-dialog").border_title = self.strings.wrapup_title
        self.query_one(RadioSet).focus()  # the first choice is highlighted: Enter/Space picks it

    @property
    def disposition(self) -> Disposition | None:
        pressed = self.query_one(RadioSet).pressed_button
        return Disposition(pressed.name) if pressed is not None and pressed.name else None

    @property
    def summary_text(self) -> str:
        return self.query_one("#summary", TextArea).text

    @on(TextArea.Changed, "#summary")
    def summary_typed(self) -> None:
        """Remembered at once (quitting saves it), saved as the case's draft by the debounce."""
        self.agent_app.session.pending_summary = self.summary_text
        self._autosave.changed()

    def _save_draft(self) -> None:
        self.agent_app.save_case()

    def draft_saved(self, typed: str, stored: str) -> None:
        """The draft `typed` was saved as `stored`: redaction removed something, show what is
        stored (unless the agent typed on meanwhile; the next save redacts that too)."""
        if stored != typed and self.summary_text == typed:
            summary = self.query_one("#summary", NotesArea)
            summary.load_text(stored)
            summary.move_cursor(summary.document.end)

    @on(RadioSet.Changed)
    def clear_error(self) -> None:
        self.query_one("#wrapup-error", Static).update("")

    def action_confirm(self) -> None:
        disposition = self.disposition
        if disposition is None:
            self.query_one("#wrapup-error", Static).update(self.strings.wrapup_need_disposition)
            self.query_one(RadioSet).focus()
            return
        self.dismiss((disposition, clean(self.query_one("#summary", TextArea).text).strip()))

    def action_cancel(self) -> None:
        if self._autosave.pending:
            self._autosave.cancel()
            self._save_draft()
        self.dismiss(None)
