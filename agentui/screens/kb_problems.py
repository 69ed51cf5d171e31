"""The KB's problems, all of them (the notice after a reload names only the count and the first)."""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Static

from agentui.core.kb.model import Problem
from agentui.screens.base import AgentModal
from agentui.strings import Strings


class KbProblemsScreen(AgentModal[None]):
    BINDINGS = [Binding("escape", "dismiss", "close")]

    def __init__(self, strings: Strings, problems: Sequence[Problem]) -> None:
        super().__init__()
        self.strings = strings
        self.problems = list(problems)

    def compose(self) -> ComposeResult:
        with Vertical(id="kb-problems-dialog", classes="dialog"):
            with VerticalScroll(id="kb-problems-body"):
                if not self.problems:
                    yield Static(self.strings.kb_problems_none, markup=False)
                for problem in self.problems:  # `str(problem)` escapes control characters
                    yield Static(str(problem), classes="kb-problem", markup=False)
            yield Static(self.strings.kb_problems_close, classes="dialog-hint", markup=False)

    def on_mount(self) -> None:
        dialog = self.query_one("#kb-problems-dialog")
        dialog.border_title = self.strings.kb_problems_title
        dialog.border_subtitle = str(len(self.problems))
        self.query_one("#kb-problems-body").focus()
