"""The app's case actions: every store call runs in a thread worker (serialized by the session)
and reports back on the UI thread. Mixed into `AgentApp`; `CaseActionsHost` says what it needs."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from textual import work
from textual.app import App
from textual.notifications import SeverityLevel
from textual.timer import Timer

from agentui.core.cases.errors import StoreError
from agentui.core.cases.model import Case, Disposition, SaveResult
from agentui.core.misses import MissRecord
from agentui.session import CallSession, CaseFields, Flushed
from agentui.strings import Strings
from agentui.widgets.focus import focus_now

if TYPE_CHECKING:
    from agentui.screens.main import MainScreen

RETRY_FIRST = 1.0
"""Seconds before the first retry of a failed save; each failure doubles it, up to `RETRY_MAX`."""
RETRY_MAX = 30.0


@dataclass(slots=True)
class CaseFlow:
    """The case actions' own state, kept on the app."""

    save_failure: str | None = None
    """Why the latest save failed, while saves fail; None once one succeeds."""
    retry_delay: float = RETRY_FIRST
    retry_timer: Timer | None = None
    new_case_when_ready: bool = False
    """F2 pressed before the store was open: the case opens once it is."""
    told_ticks_kept: bool = False
    """The agent heard that ticks made while browsing wait for the next case."""


class CaseActionsHost(Protocol):
    """What `CaseActions` needs from the app it is mixed into, besides Textual's `App`."""

    session: CallSession
    strings: Strings
    clock: Callable[[], datetime]
    flow: CaseFlow

    @property
    def main(self) -> MainScreen: ...

    def on_main_screen(self, act: Callable[[MainScreen], object]) -> None: ...

    def tell(self, message: str, severity: SeverityLevel = "information") -> None: ...

    def return_to_main(self) -> None: ...

    def rescue_restored(self) -> None: ...


if TYPE_CHECKING:

    class _Host(CaseActionsHost, App[None]):
        """For the type checker only: the mixin's `self` is an app that keeps the contract."""

else:
    _Host = object


class CaseActions(_Host):
    """Opening, saving, ticking, closing and reopening cases, off the UI thread."""

    def _store_usable(self) -> bool:
        if not self.session.ready:
            self.tell(self.strings.store_not_ready, "warning")
            return False
        return True

    def sync_pending(self) -> None:
        """Hand the case pane's unsaved edits to the session (before a synchronous save)."""
        if len(self.screen_stack) and self.main.is_mounted:
            fields = self.main.unsaved_fields()
            if fields is not None:
                self.session.pending = fields

    def action_new_case(self) -> None:
        self.return_to_main()
        if not self.session.ready:  # F2 right at start-up: open the case once the store is open,
            self.flow.new_case_when_ready = True  # which its panes' build does: no waiting for the search
            self.main.build_panes_now()
            return
        if self.session.case is not None:
            self.tell(self.strings.case_already_open.format(case_id=self.session.case.id), "warning")
            focus_now(self.main.query_one("#caller-name"))
            return
        focus_now(self.main.query_one("#caller-name"))  # at once: the agent types the name next
        self._open_case()

    @work(thread=True, group="store")
    def _open_case(self) -> None:
        try:
            case, opened = self.session.ensure_case()  # typing may have opened it already
        except StoreError as error:
            self.call_from_thread(self.tell, str(error), "error")
            return
        if opened:
            self.call_from_thread(self._case_opened, case)

    def _case_opened(self, case: Case) -> None:
        self.main.show_case(case, reload_fields=False)  # keep what was typed meanwhile
        self.main.suggest_operator()
        self.flow.told_ticks_kept = False
        self.tell(self.strings.case_opened.format(case_id=case.id))

    @work(thread=True, group="store")
    def save_case(self) -> None:
        before = self.session.case
        try:
            outcome = self.session.flush()
        except (StoreError, OSError) as error:
            self.call_from_thread(self._save_failed, error)
            return
        self.call_from_thread(self._case_saved, before, outcome)

    def _case_saved(self, before: Case | None, flushed: Flushed | None) -> None:
        stamp = self.clock().astimezone().strftime("%H:%M:%S")
        status = self.strings.saved_at.format(time=stamp)
        recovered = self.flow.save_failure is not None and not self.session.unsaved
        if recovered:
            self._stop_retrying()
            self.tell(self.strings.save_recovered.format(time=stamp))
        if flushed is None:
            if recovered:
                self.main.case_pane.set_status(status)
            if not self.session.unsaved:
                self.rescue_restored()
            return
        case = self.session.case
        if before is None and case is not None:
            self.main.show_case(case, reload_fields=False)
            self.flow.told_ticks_kept = False
            self.tell(self.strings.case_auto_opened.format(case_id=case.id))
        for what in flushed.redactions:
            self.tell(self.strings.redacted.format(what=what), "warning")
        pane = self.main.case_pane
        if flushed.fields is not None:
            pane.saved(flushed.fields, CaseFields.of(case), status)
        else:
            pane.set_status(status)
        from agentui.screens.wrapup import WrapUpScreen

        if case is not None and flushed.summary is not None and isinstance(self.screen, WrapUpScreen):
            self.screen.draft_saved(flushed.summary, case.summary)
        if not self.session.unsaved:
            self.rescue_restored()

    def _save_failed(self, error: Exception) -> None:
        """Tell the agent once, then retry by itself with a growing pause (no keystroke needed)."""
        first = self.flow.save_failure is None
        self.flow.save_failure = str(error)
        delay = self.flow.retry_delay
        self.flow.retry_delay = min(RETRY_MAX, delay * 2)
        if first:
            self.tell(self.strings.save_failed.format(error=error), "error")
        retrying = self.strings.save_retrying.format(seconds=f"{delay:g}")
        self.main.case_pane.set_status(retrying, error=True)
        if self.flow.retry_timer is not None:
            self.flow.retry_timer.stop()
        self.flow.retry_timer = self.set_timer(delay, self.save_case, name="save retry")

    def _stop_retrying(self) -> None:
        self.flow.save_failure = None
        self.flow.retry_delay = RETRY_FIRST
        if self.flow.retry_timer is not None:
            self.flow.retry_timer.stop()
            self.flow.retry_timer = None

    def _tell_redactions(self, result: SaveResult) -> None:
        for what in result.redactions:
            self.tell(self.strings.redacted.format(what=what), "warning")

    @work(thread=True, group="store")
    def tick_step(self, entry_id: str, step: int, done: bool) -> None:
        if not self.session.ready:
            self.call_from_thread(self.tell, self.strings.store_not_ready, "warning")
            return
        try:
            result = self.session.tick(entry_id, step, done)
        except StoreError as error:
            self.call_from_thread(self.tell, str(error), "error")
            return
        self.call_from_thread(self._ticked, result)

    def _ticked(self, result: SaveResult | None) -> None:
        if result is not None:
            self.main.show_case(result.case, reload_fields=False)
        elif not self.flow.told_ticks_kept:  # browsing: no call is started for the agent
            self.flow.told_ticks_kept = True
            self.tell(self.strings.ticks_kept)

    # --- call phases: hold (F7) and the end of talk (F10) -------------------------------------------
    def action_hold(self) -> None:
        """Hold or resume the caller: only during the talk of an open case."""
        if not self._store_usable():
            return
        case = self.session.case
        if case is None:
            self.tell(self.strings.hold_no_case, "warning")
        elif case.talk_ended_at is not None:
            self.tell(self.strings.hold_after_talk, "warning")
        else:
            self._toggle_hold()

    @work(thread=True, group="store")
    def _toggle_hold(self) -> None:
        try:
            result = self.session.toggle_hold()
        except StoreError as error:
            self.call_from_thread(self.tell, str(error), "error")
            return
        self.call_from_thread(self._hold_changed, result.case)

    def _hold_changed(self, case: Case) -> None:
        self.main.header.show_case(case)
        s = self.strings
        self.tell(s.hold_started if case.on_hold else s.hold_ended.format(count=case.hold_count))

    @work(thread=True, group="store")
    def end_talk(self) -> None:
        try:
            result = self.session.end_talk()
        except StoreError as error:
            self.call_from_thread(self.tell, str(error), "error")
            return
        if result is not None:
            self.call_from_thread(self.on_main_screen, lambda main: main.header.show_case(result.case))

    @work(thread=True, group="store")
    def record_article(self, entry_id: str) -> None:
        try:
            self.session.record_article(entry_id)
        except StoreError as error:
            self.call_from_thread(self.tell, str(error), "error")

    @work(thread=True, group="store")
    def record_script(self, entry_id: str) -> None:
        try:
            self.session.record_script(entry_id)
        except StoreError as error:
            self.call_from_thread(self.tell, str(error), "error")

    @work(thread=True, group="store")
    def record_misses(self, records: list[MissRecord]) -> None:
        """Searches given up or that found nothing, for `agentui kb gaps` (quietly: the agent is
        on a call, and a record lost costs no typing)."""
        with contextlib.suppress(StoreError, OSError):
            self.session.record_misses(records)

    @work(thread=True, group="store")
    def toggle_pin(self, entry_id: str) -> None:
        try:
            pinned = self.session.toggle_pin(entry_id)
        except StoreError as error:
            self.call_from_thread(self.tell, str(error), "error")
            return
        self.call_from_thread(self.on_main_screen, lambda main: main.pin_changed(entry_id, pinned))

    @work(thread=True, group="store")
    def close_case(self, disposition: Disposition, summary: str) -> None:
        try:
            closed = self.session.close(disposition, summary)
        except StoreError as error:
            self.call_from_thread(self.tell, str(error), "error")
            return
        self.call_from_thread(self._case_closed, closed)

    def _case_closed(self, closed: Case) -> None:
        self.return_to_main()
        self.main.reset_for_next_call()
        self.tell(self.strings.case_closed.format(case_id=closed.id))

    def reopen_case(self, case_id: str) -> None:
        if self.session.case is not None:
            self.tell(self.strings.reopen_blocked.format(case_id=self.session.case.id), "warning")
            return
        self._reopen(case_id)

    @work(thread=True, group="store")
    def _reopen(self, case_id: str) -> None:
        try:
            case = self.session.reopen(case_id)
        except StoreError as error:
            self.call_from_thread(self.tell, str(error), "error")
            return
        self.call_from_thread(self._case_reopened, case)

    def _case_reopened(self, case: Case) -> None:
        self.return_to_main()
        self.main.show_case(case)
        self.tell(self.strings.case_reopened.format(case_id=case.id))

