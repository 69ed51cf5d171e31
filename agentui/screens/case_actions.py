"""The app's case actions: every store call runs in a thread worker (serialized by the session)
and reports back on the UI thread. Mixed into `AgentApp`."""

from __future__ import annotations

from textual import work

from agentui.core.cases.errors import StoreError
from agentui.core.cases.model import Case, SaveResult
from agentui.screens.session import CaseFields
from agentui.widgets.focus import focus_now


class CaseActions:
    """Needs from the app: `session`, `main`, `strings`, `clock`, `tell`, `return_to_main`."""

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
        if not self.session.ready:  # F2 right at start-up: open the case once the store is open
            self._new_case_when_ready = True
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
        self.tell(self.strings.case_opened.format(case_id=case.id))

    @work(thread=True, group="store")
    def save_case(self) -> None:
        before = self.session.case
        try:
            outcome = self.session.flush()
        except (StoreError, OSError) as error:
            self.call_from_thread(self._save_failed, error)
            return
        if outcome is not None:
            self.call_from_thread(self._case_saved, before, *outcome)

    def _case_saved(self, before: Case | None, fields: CaseFields, result: SaveResult | None) -> None:
        case = self.session.case
        if before is None and case is not None:
            self.main.show_case(case, reload_fields=False)
            self.tell(self.strings.case_auto_opened.format(case_id=case.id))
        if result is not None:
            self._tell_redactions(result)
        stamp = self.clock().astimezone().strftime("%H:%M:%S")
        self.main.case_pane.saved(fields, CaseFields.of(case), self.strings.saved_at.format(time=stamp))

    def _save_failed(self, error: Exception) -> None:
        message = self.strings.save_failed.format(error=error)
        self.main.case_pane.set_status(message, error=True)
        self.tell(message, "error")

    def _tell_redactions(self, result: SaveResult) -> None:
        for what in result.redactions:
            self.tell(self.strings.redacted.format(what=what), "warning")

    @work(thread=True, group="store")
    def tick_step(self, entry_id: str, step: int, done: bool) -> None:
        if not self.session.ready:
            self.call_from_thread(self.tell, self.strings.store_not_ready, "warning")
            return
        before = self.session.case
        try:
            result = self.session.tick(entry_id, step, done)
        except StoreError as error:
            self.call_from_thread(self.tell, str(error), "error")
            return
        self.call_from_thread(self._ticked, before, result)

    def _ticked(self, before: Case | None, result: SaveResult) -> None:
        if before is None:
            self.main.show_case(result.case, reload_fields=False)
            self.tell(self.strings.case_auto_opened.format(case_id=result.case.id))
        else:
            self.main.show_case(result.case, reload_fields=False)

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
            self.call_from_thread(self.main.header.show_case, result.case)

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
    def close_case(self, disposition, summary: str) -> None:
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

