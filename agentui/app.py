"""The console app: global keys, the knowledge base and the case store, built by `create_app`."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from agentui.commands import EntryCommands
from agentui.config import Settings
from agentui.core.cases.errors import StoreError
from agentui.core.cases.model import Case
from agentui.core.cases.protocol import CaseStore
from agentui.pauses import PAUSE, PauseCollector
from agentui.screens.case_actions import CaseActions
from agentui.screens.session import CallSession
from agentui.strings import Strings, localize_bindings, strings_for
from agentui.widgets.focus import focus_now
from agentui.widgets.safe_text import clean, clean_line

if TYPE_CHECKING:  # the KB loader and search (numpy, pinyin tables) load in a worker, after the first frame
    from agentui.core.kb.model import KnowledgeBase
    from agentui.core.search import SearchIndex

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


class AgentApp(CaseActions, App[None]):
    CSS_PATH = "agentui.tcss"
    TITLE = "agentui"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (120, "-wide")]
    COMMANDS = App.COMMANDS | {EntryCommands}
    NOTIFICATION_TIMEOUT = 4
    BINDINGS = [
        Binding("f1", "help", "help", priority=True, key_display="F1"),
        Binding("f2", "new_case", "new_case", priority=True, key_display="F2"),
        Binding("ctrl+f,f3", "focus_search", "search", priority=True, key_display="F3"),
        Binding("f4", "history", "history", priority=True, key_display="F4"),
        Binding("f5", "scripts", "scripts", priority=True, key_display="F5"),
        Binding("f6", "focus_notes", "notes", priority=True, key_display="F6"),
        Binding("f10", "wrapup", "wrapup", priority=True, key_display="F10"),
        Binding("f7", "floor", "floor", priority=True, key_display="F7"),  # team mode: supervisors only
        Binding("ctrl+q", "quit", "quit", priority=True, show=False),
    ]

    def __init__(
        self,
        settings: Settings,
        *,
        store: CaseStore | None = None,
        clock: Clock = utc_now,
        system_clipboard: bool = True,
        signals: bool = True,
    ) -> None:
        super().__init__()
        self.settings = settings
        self.strings: Strings = strings_for(settings.lang)
        self.clock = clock
        self.system_clipboard = system_clipboard
        self._install_signals = signals
        self.session = CallSession()
        self._given_store = store
        self.kb: KnowledgeBase | None = None
        self.index: SearchIndex | None = None
        self._new_case_when_ready = False
        self.startup_error: str | None = None
        """Why the console refused to start (e.g. the data dir is locked); the CLI prints it."""
        self._bindings = localize_bindings(self._bindings, self.strings)
        self.pauses = PauseCollector()

    # --- start-up ---------------------------------------------------------------------------------
    def get_default_screen(self) -> Screen:
        from agentui.screens.main import MainScreen

        return MainScreen(self.strings, self.clock)

    @property
    def main(self):  # -> MainScreen
        return self.screen_stack[0]

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

    def agent_typed(self) -> None:
        """Push the old generation's garbage collection back to the agent's next pause."""
        self._pause_timer.reset()

    def main_screen_mounted(self) -> None:
        """The main screen exists: open the store and load the KB (both off the UI thread)."""
        if self._given_store is not None:
            self._store_ready(self._given_store, self.session.attach(self._given_store), ())
        else:
            self.open_case_store()
        self.call_after_refresh(self.load_knowledge)

    @work(thread=True, exclusive=True, group="kb")
    def load_knowledge(self) -> None:
        from agentui.core.search import open_search

        try:
            kb, index = open_search(self.settings.kb_dir, self.settings.cache_dir)
        except Exception as error:  # noqa: BLE001 - any failure is shown, the console stays up
            self.call_from_thread(self.tell, self.strings.kb_failed.format(error=error), "error")
            return
        self.call_from_thread(self._kb_ready, kb, index)

    def _kb_ready(self, kb: KnowledgeBase, index: SearchIndex) -> None:
        self.kb, self.index = kb, index
        if kb.problems:
            self.tell(self.strings.kb_problems.format(count=len(kb.problems)), "warning")
        self.main.kb_ready()

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
        self.call_from_thread(self._store_ready, store, active, tuple(getattr(store, "recovery_notes", ())))

    def _refuse_start(self, message: str) -> None:
        self.startup_error = message
        self.exit(return_code=1)

    def _store_ready(self, store: CaseStore, active: Case | None, notes: Iterable[str]) -> None:
        self._watch_sync(store)
        for note in notes or getattr(store, "recovery_notes", ()):
            self.tell(self.strings.recovery.format(note=note), "warning")
        self.main.show_case(active)
        self.main.case_pane.disabled = False
        if self._new_case_when_ready:
            self._new_case_when_ready = False
            self.action_new_case()

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
        release = getattr(self.session.store, "release", None)
        self.push_screen(FloorScreen(self.settings.store, self.settings.lang, release=release))

    # --- global keys ------------------------------------------------------------------------------
    def return_to_main(self) -> None:
        while len(self.screen_stack) > 1:
            self.pop_screen()

    def action_focus_search(self) -> None:
        self.return_to_main()
        self.main.focus_search()

    def action_focus_notes(self) -> None:
        self.return_to_main()
        focus_now(self.main.query_one("#notes"))

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
        if self.kb is None:
            self.tell(self.strings.kb_loading)
            return
        self.return_to_main()
        self.push_screen(ScriptsScreen(self.strings, self.kb, self.main.article.entry, select=select))

    def action_wrapup(self) -> None:
        from agentui.screens.wrapup import WrapUpScreen, draft_summary

        if isinstance(self.screen, WrapUpScreen) or not self._store_usable():
            return
        self.return_to_main()
        self.sync_pending()
        if self.session.case is None:
            self.tell(self.strings.wrapup_no_case, "warning")
            return
        summary = draft_summary(self.session.case, self.kb, self.strings)
        self.push_screen(WrapUpScreen(self.strings, summary), self._wrapup_done)

    def _wrapup_done(self, result) -> None:
        if result is not None:
            self.close_case(*result)

    async def action_quit(self) -> None:
        self.save_and_exit()

    def save_and_exit(self) -> None:
        """Save everything synchronously, then exit (Ctrl+Q, SIGTERM, SIGHUP)."""
        try:
            self.sync_pending()
            self.session.shutdown()
        except Exception as error:  # noqa: BLE001 - still exit; say why the save failed
            self.startup_error = self.strings.save_failed.format(error=error)
        self.exit()

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        s = self.strings
        yield SystemCommand(s.cmd_new_case, "F2", self.action_new_case)
        yield SystemCommand(s.cmd_search, "Ctrl+F / F3", self.action_focus_search)
        yield SystemCommand(s.cmd_notes, "F6", self.action_focus_notes)
        yield SystemCommand(s.cmd_scripts, "F5", self.action_scripts)
        yield SystemCommand(s.cmd_history, "F4", self.action_history)
        yield SystemCommand(s.cmd_wrapup, "F10", self.action_wrapup)
        yield SystemCommand(s.cmd_help, "F1", self.action_help)
        yield SystemCommand(s.cmd_language, s.cmd_language_help, self._switch_language)

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
            if self._driver is None or self.is_headless:
                self.call_from_thread(self.tell, self.strings.copy_failed, "warning")
            else:
                self.call_from_thread(self.tell, self.strings.copied_terminal.format(what=what), "warning")
            return
        self.call_from_thread(self.tell, self.strings.copied.format(what=what))

    def tell(self, message: str, severity: str = "information") -> None:
        """A notification whose text is never parsed as markup."""
        self.notify(clean(message), severity=severity, markup=False)  # type: ignore[arg-type]

    def _remember_theme(self, theme) -> None:
        if theme.name != self.settings.theme:
            self._save_choice(theme=theme.name)

    def _switch_language(self) -> None:
        self._save_choice(lang="en" if self.settings.lang == "zh" else "zh")
        self.tell(self.strings.language_saved)

    @work(thread=True, group="settings")
    def _save_choice(self, **choice: str) -> None:
        self.settings = self.settings.with_choice(**choice)


def create_app(
    settings: Settings,
    *,
    store: CaseStore | None = None,
    clock: Clock = utc_now,
    system_clipboard: bool = True,
    signals: bool = True,
) -> AgentApp:
    """The one way to build the console: the CLI passes settings, tests also a store and a clock."""
    return AgentApp(settings, store=store, clock=clock, system_clipboard=system_clipboard, signals=signals)
