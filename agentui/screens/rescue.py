"""Dialogs for typing the store could not save: quitting while saves fail, and restoring a rescue
file at the next start."""

from __future__ import annotations

from typing import Literal

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Static

from agentui.core.cases.markdown import local_time
from agentui.core.cases.rescue import Rescue
from agentui.screens.base import AgentModal
from agentui.strings import Strings
from agentui.widgets.safe_text import clean, clean_line

QuitChoice = Literal["retry", "rescue"]
RestoreChoice = Literal["restore", "discard"]
PREVIEW_CHARS = 600


def field_label(strings: Strings, name: str) -> str:
    """The label the agent knows a rescued field by (the case pane's, or the wrap-up's)."""
    labels = {
        "name": strings.caller_name,
        "phone": strings.caller_phone,
        "operator": strings.operator_label,
        "category": strings.category_label,
        "notes": strings.notes_label,
        "summary": strings.field_labels.get("summary", "summary"),
    }
    return labels.get(name, name)


class QuitPrompt(AgentModal[QuitChoice | None]):
    """Ctrl+Q while the store cannot save: retry, or write a rescue file and quit, or go back."""

    BINDINGS = [
        Binding("r", "dismiss('retry')", "retry"),
        Binding("q", "dismiss('rescue')", "rescue_quit"),
        Binding("escape", "dismiss(None)", "cancel"),
    ]

    def __init__(self, strings: Strings, what: str, error: str) -> None:
        super().__init__()
        self.strings = strings
        self.what = what
        self.error = error

    def compose(self) -> ComposeResult:
        s = self.strings
        with Vertical(id="quit-dialog", classes="dialog"):
            yield Static(s.quit_unsaved_body.format(what=self.what, error=clean(self.error)), markup=False)
            yield Static(s.quit_unsaved_hint, classes="dialog-hint", markup=False)

    def on_mount(self) -> None:
        self.query_one("#quit-dialog").border_title = self.strings.quit_unsaved_title


class RestorePrompt(AgentModal[RestoreChoice | None]):
    """A rescue file from an earlier run: restore it into the case, delete it, or ask again later."""

    BINDINGS = [
        Binding("enter", "dismiss('restore')", "restore"),
        Binding("d", "dismiss('discard')", "discard"),
        Binding("escape", "dismiss(None)", "later"),
    ]

    def __init__(self, strings: Strings, rescue: Rescue) -> None:
        super().__init__()
        self.strings = strings
        self.rescue = rescue

    def compose(self) -> ComposeResult:
        s, rescue = self.strings, self.rescue
        about = s.restore_body.format(
            time=local_time(rescue.written_at),
            case_id=clean_line(rescue.case_id or "—"),
            reason=clean_line(rescue.reason)[:300],
        )
        preview = "\n".join(
            f"{field_label(s, name)}: {clean(text)[:PREVIEW_CHARS]}"
            for name, text in rescue.fields.items()
            if text
        )
        with Vertical(id="restore-dialog", classes="dialog"):
            yield Static(about, markup=False)
            with VerticalScroll(id="restore-preview"):
                yield Static(preview, markup=False)
            yield Static(s.restore_hint, classes="dialog-hint", markup=False)

    def on_mount(self) -> None:
        self.query_one("#restore-dialog").border_title = self.strings.restore_title
        self.query_one("#restore-preview").focus()
