"""The main screen's first frame: the layout of the terminal's width and the rows kept from the last
start are drawn at once; the search loads right after, then the article and case panes are built.
Mixed into `MainScreen`."""

# After the first frame the KB worker and the panes' build and paints would take turns at the GIL,
# and the search answered only when both were done (~600 ms after that frame). On a warm start the
# search loads in a fraction of a second, and the panes wait for its first results to be painted:
# they cannot show an entry before the KB is loaded anyway, and a key that needs them (F6, F2)
# builds them at once. A cold start (no rows kept: the KB is parsed, seconds at 10k entries) builds
# them at once, and so does a start whose search is not painted within PANES_AT_LATEST.

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from textual.app import App
from textual.containers import Grid
from textual.content import Content
from textual.css.query import NoMatches
from textual.widget import MountError
from textual.widgets import Footer, Static

from agentui.strings import Strings

if TYPE_CHECKING:
    from textual.timer import Timer

    from agentui.core.search.first_screen import ListedRow
    from agentui.screens.base import AgentScreen
    from agentui.widgets.article import ArticleView
    from agentui.widgets.case_pane import CasePane
    from agentui.widgets.results import ResultsList

    _Host = AgentScreen[None]
else:
    _Host = object

RESULT_LIMIT = 15
PANES_AT_LATEST = 1.0
"""Seconds after the first frame of a warm start by which the panes are built, search or not."""


def width_class(app: App[Any]) -> str | None:
    """The class Textual gives the screen for the terminal's width on its first resize; given when
    the screen is created, the first styling has it (set at mount, it restyled every widget)."""
    width = app.size.width
    named = [(least, name) for least, name in app.HORIZONTAL_BREAKPOINTS or [] if width >= least]
    return max(named)[1] if named else None


class FirstFrame(_Host):
    strings: Strings
    _when_built: list[Callable[[], object]]
    """Keys pressed on the first frame that need the panes (F6), run once they are built."""
    _first_rows_listed = False
    _panes_asked = False
    """The panes' build is under way (or done) for this composition of the screen."""
    _panes_timer: Timer | None = None

    if TYPE_CHECKING:  # provided by MainScreen

        @property
        def results(self) -> ResultsList: ...

        @property
        def article(self) -> ArticleView: ...

        @property
        def case_pane(self) -> CasePane: ...

    def _set_width_class(self) -> None:
        """The layout class of the terminal's width (`-wide` …) before the first frame: Textual sets
        it on the first resize, after that frame, and the first rows would be laid out twice. The
        screen is created with it (`width_class`): this only corrects a size that changed since."""
        current = width_class(self.app)
        self.update_classes({name: name == current for _, name in self.app.HORIZONTAL_BREAKPOINTS or []})

    def show_first_rows(self, rows: Sequence[ListedRow]) -> None:
        """In the first frame, before the KB and its search load: the rows the empty query listed
        last for this KB (its own results list them again when it is loaded)."""
        self._first_rows_listed = bool(rows)
        if rows:
            rows = rows[:RESULT_LIMIT]
            self.results.show_rows(rows, self.strings.badges)
            header = self.strings.results_default.format(count=len(rows))
            self.query_one("#results-header", Static).update(Content(header))

    def _after_first_frame(self) -> None:
        """The search starts loading; on a warm start the panes wait for its first results."""
        self.agent_app.start_loading_kb()
        if self._first_rows_listed and not self.panes_built:
            self._panes_timer = self.set_timer(PANES_AT_LATEST, self.build_panes_now)
        else:
            self.build_panes_now()

    def panes_composed_again(self) -> None:
        """The screen was composed again (another language): its panes are to be built again. Not
        reset by the first frame itself: a key pressed before it (F2, F6) has asked for them."""
        self._panes_asked = False

    def search_painted(self) -> None:
        """The search's results are on screen (or the KB failed): the panes may come."""
        if not self._panes_asked:
            self.call_after_refresh(self.build_panes_now)

    def build_panes_now(self) -> None:
        if self._panes_asked:
            return
        self._panes_asked = True
        if self._panes_timer is not None:
            self._panes_timer.stop()
            self._panes_timer = None
        self.call_later(self._build_panes)

    async def _build_panes(self) -> None:
        """After the first frame: the panes in their slots and the footer, then the store and the KB."""
        from agentui.widgets.article import ArticleView
        from agentui.widgets.case_pane import CasePane

        article = ArticleView(self.strings, id="article")
        article.border_title = self.strings.article_title
        layout = self.query_one("#main", Grid)
        try:
            with self.app.batch_update():
                await self.query(".pane-slot").remove()
                await layout.mount(article, CasePane(self.strings, id="case", disabled=True))
                await self.mount(Footer(compact=True))
        except MountError:
            if layout.is_attached:
                raise
            return  # Ctrl+Q on the first frame: the console closed before its panes were built
        self.refresh_bindings()  # a footer mounted late shows nothing until the bindings change
        try:
            await self.article.build()
            await self.case_pane.build()
        except NoMatches:
            if self.is_attached:
                raise
        if not self.is_attached:  # the console closed as the panes were built: nothing to open
            return
        self.agent_app.main_screen_mounted()
        waiting, self._when_built = self._when_built, []
        for action in waiting:
            action()

    @property
    def panes_built(self) -> bool:
        """The article and case panes exist (they are built right after the first frame)."""
        return bool(self.query("#case")) and self.case_pane.built

    def when_built(self, action: Callable[[], object]) -> None:
        """Run `action` now, or once the panes are built (a key pressed on the first frame)."""
        if self.panes_built:
            action()
        else:
            self._when_built.append(action)
            self.build_panes_now()  # the agent needs them now: no more waiting for the search
