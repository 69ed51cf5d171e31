"""The agent's remembered choices (theme, language, agent name): applied at once on the UI thread,
written by a worker. Mixed into `AgentApp`; `ChoicesHost` says what it needs."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Protocol

from textual import work
from textual.app import App
from textual.notifications import SeverityLevel
from textual.theme import Theme

from agentui.config import Settings, SettingsNotSaved, save_latest_choices
from agentui.strings import Strings, strings_for

if TYPE_CHECKING:
    from agentui.language import MainState
    from agentui.screens.main import MainScreen


class ChoicesHost(Protocol):
    strings: Strings

    @property
    def main(self) -> MainScreen: ...

    def tell(self, message: str, severity: SeverityLevel = "information") -> None: ...

    def sync_pending(self) -> None: ...

    def return_to_main(self) -> None: ...


if TYPE_CHECKING:

    class _Host(ChoicesHost, App[None]):
        """For the type checker only: the mixin's `self` is an app that keeps the contract."""

else:
    _Host = object


class RememberedChoices(_Host):
    settings: Settings
    _rebuilt_main: MainState | None
    """What the main screen showed before a language switch rebuilt it (set by `AgentApp`)."""

    def _remember_theme(self, theme: Theme) -> None:
        if theme.name != self.settings.theme:
            self._save_choice(theme=theme.name)

    def _switch_language(self) -> None:
        lang = "en" if self.settings.lang == "zh" else "zh"
        self.settings = replace(self.settings, lang=lang)
        self._save_choice(lang=lang)
        self.use_language(strings_for(lang))
        self.tell(self.strings.language_saved)

    def use_language(self, strings: Strings) -> None:
        """Relabel the console at once: the main screen is composed again in the new language,
        keeping the query, the open entry, unsaved case fields and focus (dialogs are closed)."""
        from agentui.language import MainState

        self.sync_pending()
        self.return_to_main()
        self._rebuilt_main = MainState.of(self.main)
        self.strings = strings
        self.refresh_bindings()
        self.call_later(self._recompose_main)

    async def _recompose_main(self) -> None:
        main = self.main
        main.strings = self.strings
        await main.recompose()
        main.panes_composed_again()
        main.on_mount()  # builds the panes again, then `main_screen_mounted` restores the state

    def _save_choice(self, **choice: str) -> None:
        """A choice applies at once, on the UI thread that owns `settings`; a worker writes it."""
        self.settings = self.settings.with_choice(**choice)
        self._write_choices()

    @work(thread=True, exclusive=True, group="settings")
    def _write_choices(self) -> None:
        try:
            save_latest_choices(lambda: self.settings)
        except SettingsNotSaved as error:
            self.call_from_thread(self.tell, self.strings.error.format(error=error), "error")
