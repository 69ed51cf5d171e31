"""The console app: global keys, the knowledge base and the case store, built by `create_app`."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, cast

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.driver import Driver
from textual.notifications import SeverityLevel
from textual.screen import Screen

from agentui.case_actions import CaseActions, CaseFlow
from agentui.choices import RememberedChoices
from agentui.commands import EntryCommands
from agentui.config import Settings
from agentui.core.cases.errors import StoreError
from agentui.core.cases.model import Case, Disposition
from agentui.core.cases.protocol import CaseStore
from agentui.first_rows import FirstRowsKept
from agentui.kb_reload import KbReload
from agentui.pauses import PAUSE, PauseCollector
from agentui.safe_exit import SafeExit
from agentui.session import CallSession
from agentui.strings import Strings, strings_for
from agentui.widgets.line_breaking import install as install_line_breaking
from agentui.widgets.safe_text import clean, clean_line

if TYPE_CHECKING:  # the KB loader and search (numpy, pinyin tables) load in a worker, after the first frame
    from agentui.core.cases.rescue import Rescue
    from agentui.core.kb.model import KnowledgeBase
    from agentui.core.search import SearchIndex
    from agentui.core.search.first_screen import FirstRows, ListedRow
    from agentui.language import MainState
    from agentui.screens.history import HistoryFilter
    from agentui.screens.main import MainScreen

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


class AgentApp(SafeExit, CaseActions, KbReload, RememberedChoices, FirstRowsKept, App[None]):
    CSS_PATH = "agentui.tcss"
    TITLE = "agentui"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (120, "-wide"), (160, "-widest")]  # agentui.tcss: the layouts
    COMMANDS = App.COMMANDS | {EntryCommands}
    NOTIFICATION_TIMEOUT = 4
    BINDINGS = [
        Binding("f1", "help", "help", priority=True, key_display="F1"),
        Binding("f2", "new_case", "new_case", priority=True, key_display="F2"),
        Binding("ctrl+f,f3", "focus_search", "search", priority=True, key_display="F3"),
        Binding("f4", "history", "history", priority=True, key_display="F4"),
        Binding("f5", "scripts", "scripts", priority=True, key_display="F5"),
        Binding("f6", "focus_notes", "notes", priority=True, key_display="F6"),
        # F7 for hold: beside the in-call keys F5/F6, and no terminal takes it (F1, F10 and F11 are
        # often taken by terminal menus, help and full screen).
        Binding("f7", "hold", "hold", priority=True, key_display="F7"),
        Binding("f10", "wrapup", "wrapup", priority=True, key_display="F10"),
        Binding("f9", "floor", "floor", priority=True, key_display="F9"),  # team mode: supervisors only
        Binding("ctrl+q", "quit", "quit", priority=True, show=False),
        # Tab moves focus before the next key is delivered: as a screen binding it ran after the
        # keys typed right behind it had already gone to the field it left.
        Binding("tab", "focus_next", "focus_next", priority=True, show=False),
        Binding("shift+tab", "focus_previous", "focus_previous", priority=True, show=False),
    ]

    def __init__(
        self,
        settings: Settings,
        *,
        store: CaseStore | None = None,
        clock: Clock = utc_now,
        system_clipboard: bool = True,
        signals: bool = True,
        first_rows: Callable[[], FirstRows | None] | None = None,
    ) -> None:
        super().__init__()
        install_line_breaking()  # Chinese rules wherever Textual wraps text
        self.settings = settings
        self.strings: Strings = strings_for(settings.lang)
        self.clock = clock
        self.system_clipboard = system_clipboard
        self._install_signals = signals
        self.session = CallSession()
        self._given_store = store
        self.kb: KnowledgeBase | None = None
        self.index: SearchIndex | None = None
        self._scripts_when_ready: tuple[str | None] | None = None
        """F5 pressed while the KB loaded (with the script to select): opened once it is ready."""
        self.exit_message: str | None = None
        self.flow = CaseFlow()
        self.history_filter: HistoryFilter | None = None
        """F4's last filter, offered again while the console runs."""
        self._restoring: Rescue | None = None  # these four: documented in their mixins
        self.pauses = PauseCollector()
        self._rebuilt_main: MainState | None = None
        self._first_rows = first_rows
        self._rows_kept: tuple[str, tuple[ListedRow, ...]] | None = None

    # --- start-up ---------------------------------------------------------------------------------
    def get_driver_class(self) -> type[Driver]:
        from agentui.terminal_input import use_paste_safe_parser

        use_paste_safe_parser()  # pastes holding escape bytes arrive whole (see terminal_input)
        return super().get_driver_class()

    @property
    def main(self) -> MainScreen:
        """The main screen (always at the bottom of the stack)."""
        return cast("MainScreen", self.screen_stack[0])

    def on_main_screen(self, act: Callable[[MainScreen], object]) -> None:
        """For workers, through `call_from_thread`: `act` on the main screen, looked up on the UI
        thread, unless the console has closed meanwhile (a worker that finished as the agent quit
        found no screen, and its IndexError made the exit status 1)."""
        if self.screen_stack and self.main.is_attached:
            act(self.main)

    def on_mount(self) -> None:
        self.pauses.hold()
        self._pause_timer = self.set_interval(PAUSE, self.pauses.collect_if_due)
        if self.settings.theme in self.available_themes:
            self.theme = self.settings.theme
        self.theme_changed_signal.subscribe(self, self._remember_theme)
        if self._install_signals and not self.is_headless:
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGTERM, signal.SIGHUP):
                loop.add_signal_handler(sig, self.save_and_exit)

    def on_unmount(self) -> None:
        self.pauses.release()
        self.stop_kb_watch()

    def agent_typed(self) -> None:
        """Push the old generation's garbage collection back to the agent's next pause."""
        self._pause_timer.reset()

    def main_screen_mounted(self) -> None:
        """The main screen exists: open the store and load the KB (both off the UI thread)."""
        if self._rebuilt_main is not None:  # rebuilt in another language: store and KB are open
            state, self._rebuilt_main = self._rebuilt_main, None
            state.restore(self)
            return
        if self._given_store is not None:
            active = self.session.attach(self._given_store)
            self._store_ready(self._given_store, active, self.session.new_recovery_notes())
        else:
            self.open_case_store()

    @work(thread=True, exclusive=True, group="kb")
    def load_knowledge(self) -> None:
        from agentui.core.search.cache import open_search_trusted

        try:
            kb, index, unchanged = open_search_trusted(self.settings.kb_dir, self.settings.cache_dir, self.kb_stat_key)
        except Exception as error:  # noqa: BLE001 - any failure is shown, the console stays up
            self.call_from_thread(self.tell, self.strings.kb_failed.format(error=error), "error")
            self.call_from_thread(self._stop_waiting_for_kb)
            self.call_from_thread(self.on_main_screen, lambda main: main.build_panes_now())  # no search to wait for
            return
        self.call_from_thread(self._kb_ready, kb, index)
        # The cache was trusted without stat'ing the KB's files: check them now the results are
        # shown, and reload (as a live change would) when they changed while the console was closed.
        try:
            changed = not unchanged()
        except Exception:  # noqa: BLE001 - a KB folder that cannot be stat'ed now is reloaded, which says why
            changed = True
        if changed:
            self.call_from_thread(self.kb_files_changed)

    def _kb_ready(self, kb: KnowledgeBase, index: SearchIndex) -> None:
        self.kb, self.index = kb, index
        if kb.problems:
            self.tell(self.strings.kb_problems.format(count=len(kb.problems)), "warning")
        self.on_main_screen(lambda main: main.kb_ready())  # unless the console closed meanwhile
        self._stop_waiting_for_kb()
        self.kb_loaded()  # the revision shown, the files watched (issue 16)

    def _stop_waiting_for_kb(self) -> None:
        """A pane asked for while the KB loaded opens now (if the agent still waits for it)."""
        from agentui.screens.loading import LoadingScreen

        wanted, self._scripts_when_ready = self._scripts_when_ready, None
        if isinstance(self.screen, LoadingScreen):
            self.pop_screen()
            if wanted is not None and self.kb is not None:
                self.action_scripts(*wanted)

    @work(thread=True, exclusive=True, group="store")
    def open_case_store(self) -> None:
        from agentui.core.cases.choose import open_case_store
        from agentui.core.cases.errors import StoreLocked

        try:
            store = open_case_store(self.settings.data_dir, store_url=self.settings.store,
                                    agent=self.settings.agent or None)  # fmt: skip
            active = self.session.attach(store)
        except StoreLocked as error:
            self.call_from_thread(self._refuse_start, str(error))
            return
        except (StoreError, OSError) as error:
            self.call_from_thread(self._refuse_start, str(error))
            return
        self.call_from_thread(self._store_ready, store, active, self.session.new_recovery_notes())

    def _refuse_start(self, message: str) -> None:
        self.exit_message = message
        self.exit(return_code=1)

    def _store_ready(self, store: CaseStore, active: Case | None, notes: Iterable[str]) -> None:
        self._watch_sync(store)
        for note in notes:
            self.tell(self.strings.recovery.format(note=note), "warning")
        self.main.show_case(active)
        self.main.case_pane.disabled = False
        if self.index is not None and not self.main.search_bar.value.strip():
            self.main.run_search("")  # the KB came first: the empty list now in the agent's usage order
        if self.flow.new_case_when_ready:
            self.flow.new_case_when_ready = False
            self.action_new_case()
        self.look_for_rescues()

    # --- team mode --------------------------------------------------------------------------------
    def _watch_sync(self, store: CaseStore) -> None:
        """A server store: the header says how many changes wait while offline, and when it caught up."""
        from agentui.core.cases.protocol import SyncStatus, SyncStatusSource

        if not isinstance(store, SyncStatusSource):
            return
        from agentui.screens.floor import sync_text

        loop = asyncio.get_running_loop()
        told = [""]

        def show(status: SyncStatus) -> None:  # from the outbox's thread, or this one
            text = sync_text(status, self.settings.lang)
            loop.call_soon_threadsafe(lambda: setattr(self.main.header, "sync", text))
            if status.problem != told[0] and status.problem and not status.problem.startswith("PostgreSQL"):
                loop.call_soon_threadsafe(self.tell, status.problem, "error")  # a refused (stale) change
            told[0] = status.problem

        store.watch_sync(show)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "floor":  # hidden from the footer unless this console is a supervisor's on a server
            return self.settings.role == "supervisor" and bool(self.settings.store)
        return True

    def action_floor(self) -> None:
        from agentui.screens.floor import FloorScreen

        if isinstance(self.screen, FloorScreen) or not self.settings.store:
            return
        self.push_screen(FloorScreen(self.settings.store, self.settings.lang, release=self.session.release_case))

    # --- global keys ------------------------------------------------------------------------------
    def return_to_main(self) -> None:
        while len(self.screen_stack) > 1:
            self.pop_screen()

    def action_focus_search(self) -> None:
        self.return_to_main()
        self.main.focus_search()

    def action_focus_notes(self) -> None:
        """F6: to the notes; F6 in the notes widens them to the whole screen and back (Esc too)."""
        self.return_to_main()
        if not self.main.panes_built:  # pressed on the first frame: the notes come right after it
            self.main.when_built(self.action_focus_notes)
            return
        self.main.case_pane.enter_notes()

    def action_help(self) -> None:
        from agentui.screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            self.pop_screen()
        else:
            self.push_screen(HelpScreen(self.strings))

    def action_history(self) -> None:
        from agentui.screens.history import HistoryScreen

        if isinstance(self.screen, HistoryScreen):
            self.return_to_main()
            return
        if not self._store_usable():
            return
        self.return_to_main()
        self.push_screen(HistoryScreen(self.strings))

    def action_scripts(self, select: str | None = None) -> None:
        from agentui.screens.scripts import ScriptsScreen

        if isinstance(self.screen, ScriptsScreen):
            self.pop_screen()
            return
        self.return_to_main()
        if self.kb is None:  # open it as soon as the KB is loaded
            from agentui.screens.loading import LoadingScreen

            self._scripts_when_ready = (select,)
            self.push_screen(LoadingScreen(self.strings))
            return
        entry = self.main.article.entry if self.main.panes_built else None  # the KB may come before the panes
        self.push_screen(ScriptsScreen(self.strings, self.kb, entry, select=select))

    def action_wrapup(self) -> None:
        from agentui.screens.wrapup import WrapUpScreen, draft_summary

        if isinstance(self.screen, WrapUpScreen) or not self._store_usable():
            return
        self.return_to_main()
        self.sync_pending()
        if self.session.case is None and self.session.unsaved:
            self._save_everything()  # notes typed a moment ago: their case opens now, not later
        if self.session.case is None:
            self.tell(self.strings.wrapup_no_case, "warning")
            return
        self.end_talk()  # after-call work starts now (a hold in progress ends)
        summary = self.session.pending_summary
        if summary is None:  # a draft typed before (and kept through a restart) wins over a new one
            case = self.session.case
            summary = case.summary if case.summary.strip() else draft_summary(case, self.kb, self.strings)
        self.push_screen(WrapUpScreen(self.strings, summary), self._wrapup_done)

    def _wrapup_done(self, result: tuple[Disposition, str] | None) -> None:
        if result is not None:
            self.close_case(*result)

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        from agentui.language import translated_command

        s = self.strings
        for command in super().get_system_commands(screen):  # Textual's own, in our language
            title, help_text = translated_command(command.title, command.help, s.textual_commands)
            yield command._replace(title=title, help=help_text)
        yield SystemCommand(s.cmd_new_case, "F2", self.action_new_case)
        yield SystemCommand(s.cmd_search, "Ctrl+F / F3", self.action_focus_search)
        yield SystemCommand(s.cmd_notes, "F6", self.action_focus_notes)
        yield SystemCommand(s.cmd_hold, "F7", self.action_hold)
        yield SystemCommand(s.cmd_scripts, "F5", self.action_scripts)
        yield SystemCommand(s.cmd_history, "F4", self.action_history)
        yield SystemCommand(s.cmd_wrapup, "F10", self.action_wrapup)
        yield SystemCommand(s.cmd_help, "F1", self.action_help)
        yield SystemCommand(s.cmd_language, s.cmd_language_help, self._switch_language)
        yield SystemCommand(s.cmd_kb_problems, s.cmd_kb_problems, self.show_kb_problems)

    # --- clipboard, notices, settings -------------------------------------------------------------
    def copy_text(self, text: str) -> None:
        """Copy through the terminal (OSC 52) and, when allowed, the system clipboard too."""
        text = clean(text)
        self.copy_to_clipboard(text)
        what = clean_line(text)[:40] + ("…" if len(text) > 40 else "")
        if self.system_clipboard:
            self._copy_to_system(text, what)
        else:
            self.tell(self.strings.copied.format(what=what))

    @work(thread=True, group="clipboard")
    def _copy_to_system(self, text: str, what: str) -> None:
        try:
            import pyperclip

            pyperclip.copy(text)
        except Exception:  # noqa: BLE001 - pyperclip raises its own and OS errors
            if self.is_headless:  # no terminal took the OSC 52 copy either
                self.call_from_thread(self.tell, self.strings.copy_failed, "warning")
            else:
                self.call_from_thread(self.tell, self.strings.copied_terminal.format(what=what), "warning")
            return
        self.call_from_thread(self.tell, self.strings.copied.format(what=what))

    def tell(self, message: str, severity: SeverityLevel = "information") -> None:
        """A notification whose text is never parsed as markup."""
        self.notify(clean(message), severity=severity, markup=False)


def create_app(
    settings: Settings,
    *,
    store: CaseStore | None = None,
    clock: Clock = utc_now,
    system_clipboard: bool = True,
    signals: bool = True,
    first_rows: Callable[[], FirstRows | None] | None = None,
) -> AgentApp:
    """The one way to build the console: the CLI passes settings (and the first rows being read),
    tests also a store and a clock."""
    return AgentApp(settings, store=store, clock=clock, system_clipboard=system_clipboard, signals=signals,
                    first_rows=first_rows)
