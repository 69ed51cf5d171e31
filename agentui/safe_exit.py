"""Quitting without losing a keystroke: Ctrl+Q, SIGTERM/SIGHUP and a crash all save first, and
what cannot be saved goes to a rescue file that the next start offers back. Mixed into `AgentApp`;
`SafeExitHost` says what it needs."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from textual import work
from textual.app import App

from agentui.config import Settings
from agentui.core.cases.errors import StoreError
from agentui.session import CaseFields

if TYPE_CHECKING:
    from agentui.case_actions import CaseActions
    from agentui.core.cases.rescue import Rescue

RESCUE_EXIT_CODE = 74
"""Exit status when typing could not be saved and went to a rescue file (EX_IOERR)."""


class SafeExitHost(Protocol):
    """What `SafeExit` needs besides the case actions it builds on."""

    settings: Settings


if TYPE_CHECKING:

    class _Host(SafeExitHost, CaseActions, App[None]):
        """For the type checker only: the mixin's `self` is an app with the case actions."""

else:
    _Host = object


class SafeExit(_Host):
    exit_message: str | None
    """What the CLI prints after the console ends: why it refused to start (the data dir is
    locked), or where a rescue file holds what could not be saved."""
    _restoring: Rescue | None
    """A rescue file whose text was put back in the case pane; deleted once that is saved."""

    async def action_quit(self) -> None:
        """Save everything, then exit; if the store cannot save, ask what to do."""
        error = self._save_everything()
        if error is None:
            self._close_store_and_exit()
            return
        from agentui.screens.rescue import QuitPrompt

        if not isinstance(self.screen, QuitPrompt):
            self.push_screen(QuitPrompt(self.strings, self._unsaved_what(), error), self._quit_answer)

    def _quit_answer(self, choice: str | None) -> None:
        if choice == "retry":
            self.call_later(self.action_quit)
        elif choice == "rescue":
            self._exit_with_rescue(self.flow.save_failure or "")

    def save_and_exit(self) -> None:
        """SIGTERM, SIGHUP: save everything and exit; if the store cannot save, write a rescue file
        and exit non-zero naming it."""
        error = self._save_everything()
        if error is None:
            self._close_store_and_exit()
        else:
            self._exit_with_rescue(error)

    def _save_everything(self) -> str | None:
        """Save what the agent typed, synchronously; why it failed, or None."""
        try:
            self.sync_pending()
            self.session.flush()
        except (StoreError, OSError) as error:
            self.flow.save_failure = str(error)
            return str(error)
        return None

    def _close_store_and_exit(self) -> None:
        try:
            self.session.shutdown()
        except (StoreError, OSError) as error:  # the lock is released all the same
            self.exit_message = self.strings.save_failed.format(error=error)
        self.exit()

    def _exit_with_rescue(self, error: str) -> None:
        from agentui.core.cases.rescue import RescueFailed

        try:
            path = self._write_rescue(error)
        except RescueFailed as failed:
            self.exit_message = self.strings.rescue_failed.format(error=error, where=failed)
        else:
            self.exit_message = self.strings.rescued.format(error=error, path=path)
        self.session.release()
        self.exit(return_code=RESCUE_EXIT_CODE)

    def save_after_run(self) -> bool:
        """After the event loop ended on any path (a crash too): save what is still unsaved, or put
        it in a rescue file, and release the store. True if a rescue file had to be written."""
        if not self.session.ready:
            return False
        error = self._save_everything()
        if error is None:
            self._close_store_and_exit()
            return False
        self._exit_with_rescue(error)
        return True

    def _write_rescue(self, reason: str) -> Path:
        from agentui.core.cases.rescue import write_rescue

        session = self.session
        fields: dict[str, str] = {}
        if session.pending is not None:
            fields.update(asdict(session.pending))
        if session.pending_summary is not None:
            fields["summary"] = session.pending_summary
        case_id = session.case.id if session.case is not None else None
        return write_rescue(self.settings.data_dir, case_id=case_id, fields=fields, reason=reason)

    def _unsaved_what(self) -> str:
        from agentui.screens.rescue import field_label

        session, names = self.session, []
        if session.pending is not None:
            saved = asdict(CaseFields.of(session.case))
            names += [name for name, value in asdict(session.pending).items() if value != saved[name]]
        if session.pending_summary is not None:
            names.append("summary")
        return "、".join(field_label(self.strings, name) for name in names)

    @work(thread=True, exclusive=True, group="rescue")
    def look_for_rescues(self) -> None:
        """At start: rescue files an earlier run left for this data dir are offered, oldest first."""
        from agentui.core.cases.rescue import find_rescues

        rescues = find_rescues(self.settings.data_dir)
        if rescues:
            self.call_from_thread(self._offer_rescue, rescues[0])

    def _offer_rescue(self, rescue: Rescue) -> None:
        from agentui.screens.rescue import RestorePrompt

        self.push_screen(RestorePrompt(self.strings, rescue), lambda choice: self._restore_answer(rescue, choice))

    def _restore_answer(self, rescue: Rescue, choice: str | None) -> None:
        from agentui.core.cases.rescue import remove_rescue

        if choice == "discard":
            remove_rescue(rescue)
            self.tell(self.strings.restore_discarded)
            self.look_for_rescues()
        elif choice == "restore":
            self._restoring = rescue
            self.main.case_pane.restore(rescue.fields, same_case=self._is_rescued_case(rescue))
            if "summary" in rescue.fields:
                self.session.pending_summary = rescue.fields["summary"]
            self.sync_pending()
            self.save_case()

    def _is_rescued_case(self, rescue: Rescue) -> bool:
        case = self.session.case
        return case is None or rescue.case_id is None or rescue.case_id == case.id

    def rescue_restored(self) -> None:
        """Everything is saved: a rescue file being restored is not needed any more."""
        from agentui.core.cases.rescue import remove_rescue

        if self._restoring is not None:
            remove_rescue(self._restoring)
            self._restoring = None
            self.tell(self.strings.restored)
            self.look_for_rescues()
