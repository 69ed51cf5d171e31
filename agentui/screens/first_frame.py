"""The main screen's first frame: the layout of the terminal's width and the rows kept from the last
start are drawn at once; the article and case panes are built right after. Mixed into `MainScreen`."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from textual.containers import Grid
from textual.content import Content
from textual.widget import MountError
from textual.widgets import Footer, Static

from agentui.strings import Strings

if TYPE_CHECKING:
    from agentui.core.search.first_screen import ListedRow
    from agentui.screens.base import AgentScreen
    from agentui.widgets.article import ArticleView
    from agentui.widgets.case_pane import CasePane
    from agentui.widgets.results import ResultsList

    _Host = AgentScreen[None]
else:
    _Host = object

RESULT_LIMIT = 15


class FirstFrame(_Host):
    strings: Strings
    _when_built: list[Callable[[], object]]
    """Keys pressed on the first frame that need the panes (F6), run once they are built."""

    if TYPE_CHECKING:  # provided by MainScreen

        @property
        def results(self) -> ResultsList: ...

        @property
        def article(self) -> ArticleView: ...

        @property
        def case_pane(self) -> CasePane: ...

    def _set_width_class(self) -> None:
        """The layout class of the terminal's width (`-wide` …) before the first frame: Textual sets
        it on the first resize, after that frame, and the first rows would be laid out twice."""
        width = self.app.size.width
        named = [(least, name) for least, name in self.app.HORIZONTAL_BREAKPOINTS or [] if width >= least]
        current = max(named)[1] if named else None
        self.update_classes({name: name == current for _, name in self.app.HORIZONTAL_BREAKPOINTS or []})

    def show_first_rows(self, rows: Sequence[ListedRow]) -> None:
        """In the first frame, before the KB and its search load: the rows the empty query listed
        last for this KB (its own results list them again when it is loaded)."""
        if rows:
            rows = rows[:RESULT_LIMIT]
            self.results.show_rows(rows, self.strings.badges)
            header = self.strings.results_default.format(count=len(rows))
            self.query_one("#results-header", Static).update(Content(header))

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
        await self.article.build()
        await self.case_pane.build()
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
