"""Switching the console's language while it runs: the main screen is rebuilt in the new language
and what the agent had on it (query, open entry, case fields not yet saved, focus) carries over."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.css.query import NoMatches

from agentui.session import CaseFields
from agentui.widgets.focus import focus_now

if TYPE_CHECKING:
    from agentui.app import AgentApp
    from agentui.screens.main import MainScreen


@dataclass(frozen=True, slots=True)
class MainState:
    """What the agent sees and typed on the main screen, beyond what the store holds."""

    query: str
    entry_id: str | None
    unsaved: CaseFields | None
    focus_id: str | None

    @classmethod
    def of(cls, main: MainScreen) -> MainState:
        built = bool(main.query("#case"))  # the panes come after the first frame
        entry = main.article.entry if built else None
        focused = main.focused
        return cls(
            query=main.search_bar.value,
            entry_id=entry.id if entry is not None else None,
            unsaved=main.unsaved_fields() if built and main.case_pane.built else None,
            focus_id=focused.id if focused is not None else None,
        )

    def restore(self, app: AgentApp) -> None:
        """Put the state back on the rebuilt main screen (its panes are built by now)."""
        try:
            self._restore(app)
        except NoMatches:
            pass  # the console closed while the screen was rebuilt: its widgets are gone

    def _restore(self, app: AgentApp) -> None:
        main = app.main
        main.search_bar.value = self.query
        if app.session.ready:
            main.show_case(app.session.case)
            main.case_pane.disabled = False
        if self.unsaved is not None:
            main.case_pane.load_fields(self.unsaved)
            main.case_pane.set_field("operator", self.unsaved.operator)
        if app.kb is not None:
            if self.entry_id is not None:
                main.open_entry(self.entry_id, focus=False)
            main.kb_ready()
        target = main.query(f"#{self.focus_id}") if self.focus_id else None
        if target:
            focus_now(target.first())
        else:
            main.focus_search()


def translated_command(title: str, help_text: str, names: dict[str, str]) -> tuple[str, str]:
    """A Textual palette command's title and help in the console's language (as is when unknown)."""
    return names.get(title, title), names.get(help_text, help_text)
