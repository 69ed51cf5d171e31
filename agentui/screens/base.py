"""What every screen of the console has: a typed handle on the app, and key labels in the
console's language."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, cast

from textual.binding import ActiveBinding
from textual.screen import ModalScreen, Screen, ScreenResultType

from agentui.strings import Strings

if TYPE_CHECKING:
    from agentui.app import AgentApp


def localized(bindings: dict[str, ActiveBinding], strings: Strings) -> dict[str, ActiveBinding]:
    """`BINDINGS` descriptions are keys into `strings.keys` (`"help"`, `"tick"`): shown translated.

    Done where the footer and Textual's key panel read the bindings (`Screen.active_bindings`, a
    public property), not by rewriting each widget's private binding map."""
    labels = strings.keys
    return {
        key: active._replace(binding=replace(active.binding, description=labels[active.binding.description]))
        if active.binding.description in labels
        else active
        for key, active in bindings.items()
    }


class AgentScreen(Screen[ScreenResultType]):
    """A full screen of the console."""

    @property
    def agent_app(self) -> AgentApp:
        """The app, typed (Textual types `self.app` as any `App`)."""
        return cast("AgentApp", self.app)

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        return localized(super().active_bindings, self.agent_app.strings)


class AgentModal(ModalScreen[ScreenResultType]):
    """A dialog of the console."""

    @property
    def agent_app(self) -> AgentApp:
        """The app, typed (Textual types `self.app` as any `App`)."""
        return cast("AgentApp", self.app)

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        return localized(super().active_bindings, self.agent_app.strings)
