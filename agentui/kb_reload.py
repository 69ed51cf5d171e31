"""The console follows its KB's files: reloaded when they change, what changed told, the revision shown.

Mixed into `AgentApp`. Only when `settings.live_kb` says so (the CLI's console; tests ask for it
when they want it): the watcher runs, and stops when the app unmounts.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from textual import work
from textual.app import App
from textual.notifications import SeverityLevel
from textual.worker import get_current_worker

from agentui.config import Settings
from agentui.strings import Strings

if TYPE_CHECKING:
    from agentui.core.kb.diff import KbDiff
    from agentui.core.kb.model import KnowledgeBase
    from agentui.core.kb.revision import Revision
    from agentui.core.kb.watch import KbWatcher
    from agentui.core.search import SearchIndex
    from agentui.core.search.reload import Reloaded
    from agentui.screens.main import MainScreen


def changes_text(diff: KbDiff, strings: Strings) -> str:
    """"2 条修改，1 条新增" ("" when no entry changed)."""
    counts = {"changed": len(diff.changed), "added": len(diff.added), "removed": len(diff.removed)}
    return strings.kb_list_separator.join(
        strings.kb_changes[kind].format(count=count) for kind, count in counts.items() if count
    )


def revision_text(revision: Revision | None, strings: Strings) -> str:
    if revision is None:
        return ""
    when = revision.committed.date().isoformat() if revision.committed is not None else "?"
    return strings.kb_revision.format(commit=revision.commit, date=when)


class KbReloadHost(Protocol):
    settings: Settings
    strings: Strings

    @property
    def main(self) -> MainScreen: ...

    def on_main_screen(self, act: Callable[[MainScreen], object]) -> None: ...

    def tell(self, message: str, severity: SeverityLevel = "information") -> None: ...


if TYPE_CHECKING:

    class _Host(KbReloadHost, App[None]):
        """For the type checker only: the mixin's `self` is an app that keeps the contract."""

else:
    _Host = object


class KbReload(_Host):
    kb: KnowledgeBase | None
    index: SearchIndex | None
    _kb_watcher: KbWatcher | None = None

    def kb_loaded(self) -> None:
        """The first load is in: show its revision and watch its files, if the settings say so."""
        if not self.settings.live_kb:
            return
        self.read_kb_revision()
        if self._kb_watcher is None:
            from agentui.core.kb.watch import KbWatcher

            loop = asyncio.get_running_loop()

            def changed() -> None:  # on the watcher's thread
                loop.call_soon_threadsafe(self.kb_files_changed)

            self._kb_watcher = KbWatcher(self.settings.kb_dir, changed)
            self._kb_watcher.start()

    def stop_kb_watch(self) -> None:
        watcher, self._kb_watcher = self._kb_watcher, None
        if watcher is not None:
            watcher.stop()

    def kb_files_changed(self) -> None:
        if self.is_running and self.kb is not None:
            self.reload_knowledge()

    @work(thread=True, exclusive=True, group="kb-reload")
    def reload_knowledge(self) -> None:
        """Load and index the KB again off the UI thread; a newer change cancels this one."""
        from agentui.core.search.reload import reload_search

        current = self.kb
        if current is None:
            return
        try:
            reloaded = reload_search(self.settings.kb_dir, current, self.settings.cache_dir)
        except Exception as error:  # noqa: BLE001 - the console keeps the KB it has
            self.call_from_thread(self.tell, self.strings.kb_failed.format(error=error), "error")
            return
        if not get_current_worker().is_cancelled:
            self.call_from_thread(self._kb_reloaded, current, reloaded)
            reloaded.save_cache()  # after the agent sees the change: the next start is warm

    def _kb_reloaded(self, before: KnowledgeBase, reloaded: Reloaded) -> None:
        if self.kb is not before or not self.screen_stack:  # a later reload was shown first, or the agent quit
            return
        self.kb, self.index = reloaded.kb, reloaded.index
        self.main.kb_reloaded()
        self.main.show_kb_revision(revision_text(reloaded.revision, self.strings))
        s, diff = self.strings, reloaded.diff
        changes = changes_text(diff, s)
        if changes:
            self.tell(s.kb_reloaded.format(changes=changes))
        if reloaded.kept:
            self.tell(s.kb_reload_kept.format(count=len(reloaded.kept)), "warning")
        if diff.new_problems:
            first = str(diff.new_problems[0])
            self.tell(s.kb_reload_problems.format(count=len(reloaded.kb.problems), first=first), "warning")

    @work(thread=True, group="kb-revision")
    def read_kb_revision(self) -> None:
        """`git log -1` of the KB folder (up to 2 s): never on the UI thread."""
        from agentui.core.kb.revision import kb_revision

        text = revision_text(kb_revision(self.settings.kb_dir), self.strings)
        if text:
            self.call_from_thread(self.on_main_screen, lambda main: main.show_kb_revision(text))

    def show_kb_problems(self) -> None:
        from agentui.screens.kb_problems import KbProblemsScreen

        self.push_screen(KbProblemsScreen(self.strings, self.kb.problems if self.kb is not None else []))
