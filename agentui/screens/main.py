"""The main screen: search bar and results, the article pane and the case pane."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Input, OptionList, Static
from textual.worker import get_current_worker

from agentui.core.cases.model import Case
from agentui.core.misses import MissRecord
from agentui.core.operators import operators_named_in
from agentui.core.visits import Visits
from agentui.screens.base import AgentScreen
from agentui.screens.first_frame import RESULT_LIMIT, FirstFrame
from agentui.session import CaseFields
from agentui.strings import Strings
from agentui.widgets.focus import focus_now
from agentui.widgets.header import CallHeader, PhaseLabels
from agentui.widgets.layout import CallLayout
from agentui.widgets.results import ResultsList, SearchBar
from agentui.widgets.safe_text import clean_line

if TYPE_CHECKING:
    from textual.widgets import Select

    from agentui.core.kb.model import Entry
    from agentui.core.search import Hits
    from agentui.widgets.article import ArticleView, StepsList
    from agentui.widgets.case_pane import CasePane

MAX_QUERY = 200


class MainScreen(FirstFrame, AgentScreen[None]):
    """Search → results → article, beside the case of the call in progress."""

    AUTO_FOCUS = "#search"
    BINDINGS = [
        Binding("alt+left", "entry_back", "back", show=False),
        Binding("alt+right", "entry_forward", "forward", show=False),
        # F8: free on the main screen (the floor screen's F8 is another screen's), an F-key like the
        # console's other actions, and no terminal takes it.
        Binding("f8", "toggle_pin", "pin", key_display="F8", show=False),
    ]

    def __init__(self, strings: Strings, clock: Callable[[], datetime], classes: str | None = None) -> None:
        super().__init__(classes=classes)
        self.strings = strings
        self.clock = clock
        self.shown_query: str | None = None
        """The query whose results are on screen (None before the first search)."""
        self.visits = Visits()
        """Entries opened during this call (Alt+← and Alt+→ move over them)."""
        self.entry_when_ready: str | None = None
        """An entry opened from the first rows before the KB was loaded: it opens once it is."""
        self.submit_when_ready = False
        """Enter pressed on a query typed before the KB was loaded: its top result opens once it is."""
        self._when_built: list[Callable[[], object]] = []

    def compose(self) -> ComposeResult:
        s = self.strings
        yield CallHeader(s.app_title, s.timer_idle, self.clock, PhaseLabels.of(s), id="header")
        with CallLayout(id="main", classes="-browsing"):  # in_use's class: not a restyle at mount
            with Vertical(id="left"):
                yield SearchBar(placeholder=s.search_placeholder, id="search", max_length=MAX_QUERY)
                yield Static(s.kb_loading, id="results-header", markup=False)
                yield Static(id="results-lacking", markup=False)
                yield ResultsList(id="results")
            # The article and case panes and the footer come right after the first frame: their
            # modules and widgets (TextArea, Select, a widget per key) took a third of the time to it.
            yield Static(id="article-slot", classes="pane-slot")
            yield Static(id="case-slot", classes="pane-slot")

    def on_mount(self) -> None:
        self.query_one("#left").border_title = self.strings.results_title
        self._set_width_class()
        self.show_first_rows(self.agent_app.take_first_rows())
        self.call_after_refresh(self._after_first_frame)

    # --- widgets other screens and the app use ------------------------------------------------
    @property
    def search_bar(self) -> SearchBar:
        return self.query_one("#search", SearchBar)

    @property
    def results(self) -> ResultsList:
        return self.query_one("#results", ResultsList)

    @property
    def article(self) -> ArticleView:
        from agentui.widgets.article import ArticleView

        return self.query_one("#article", ArticleView)

    @property
    def case_pane(self) -> CasePane:
        from agentui.widgets.case_pane import CasePane

        return self.query_one("#case", CasePane)

    @property
    def header(self) -> CallHeader:
        return self.query_one("#header", CallHeader)

    # --- search ---------------------------------------------------------------------------------
    def kb_ready(self) -> None:
        if self.submit_when_ready and self.search_bar.value:
            self.submit_when_ready = False
            self.open_top_result()  # searches on this thread, then opens the top result
        else:
            self.run_search(self.search_bar.value)
        wanted, self.entry_when_ready = self.entry_when_ready, None
        if wanted is not None:
            self.open_entry(wanted)

    @on(Input.Changed, "#search")
    def search_as_you_type(self, event: Input.Changed) -> None:
        self.agent_app.agent_typed()
        self.submit_when_ready = False  # typed on after Enter: the new query is not submitted
        if self.agent_app.index is None:  # typed over the first rows: they are not this query's
            self.query_one("#results-header", Static).update(Content(self.strings.kb_loading))
        self.run_search(event.value)

    @work(exclusive=True, thread=True, group="search")
    def run_search(self, query: str) -> None:
        hits = self.hits_for(query)
        if hits is not None and not get_current_worker().is_cancelled:
            self.app.call_from_thread(self.show_results, query, hits)

    def hits_for(self, query: str) -> Hits | None:
        """The results for `query`; with none typed, the agent's pinned, recent and most used entries."""
        index, session = self.agent_app.index, self.agent_app.session
        if index is None:
            return None
        if query.strip():
            return index.search(query, limit=RESULT_LIMIT, usage=session.search_usage())
        return index.starting_list(RESULT_LIMIT, session.recent_entries(), session.search_usage())

    def show_results(self, query: str, hits: Hits) -> None:
        """Paint results, unless the query changed meanwhile (a stale result is dropped) or the
        console is closing: a search that finished as the agent quit found its panes half taken
        down (NoMatches, exit status 1)."""
        if not self.is_attached or query != self.search_bar.value:
            return
        again = query == self.shown_query  # painted again (a KB reload, usage read): nothing new asked
        kept = self.results.highlighted_id if again else None
        self.shown_query = query
        s = self.strings
        self.results.show_hits(hits, s.badges, self.agent_app.kb)
        ids = [hit.id for hit in hits]
        if kept in ids:
            self.results.highlighted = ids.index(kept)
        if query.strip():
            header = s.results_header.format(query=clean_line(query)[:40], count=len(hits))
        elif self.agent_app.session.usage.empty:
            header = s.results_default.format(count=len(hits))
        else:
            header = s.results_recent.format(count=len(hits))
        if not hits and query.strip():
            header += " · " + s.no_results
        self.query_one("#results-header", Static).update(Content(header))
        lacking = self.query_one("#results-lacking", Static)
        lacking.display = bool(query.strip()) and hits.lacks_words
        if lacking.display:
            words = "".join(s.results_lacking_word.format(word=clean_line(word)) for word in hits.words).rstrip()
            lacking.update(Content(s.results_lacking.format(words=words)))
        if not query.strip():
            self.agent_app.keep_first_rows(hits)
        self.search_painted()
        if not again or self.agent_app.session.misses.pending:  # a search still open sees its new results
            self.searches_shown(query, hits)

    def kb_reloaded(self) -> None:
        """The KB's files changed: the same query's results, the open entry in its new version
        (ticks and scroll position kept)."""
        self.run_search(self.search_bar.value)
        if not self.panes_built:
            return
        entry = self.article.entry
        kb = self.agent_app.kb
        if entry is not None and kb is not None and kb.get(entry.id) is not None:
            scrolled = self.article.scroll_y
            self._show_article(entry.id)
            self.article.call_after_refresh(self.article.scroll_to, y=scrolled, animate=False)

    def show_kb_revision(self, text: str) -> None:
        """The KB checkout's revision under the results ("知识库 3f37451 · 2026-05-01")."""
        self.query_one("#left").border_subtitle = Content(text) if text else None

    # --- searches the agent gave up on (see core.misses) -----------------------------------------
    def searches_shown(self, query: str, hits: Hits) -> None:
        session = self.agent_app.session
        case_id = session.case.id if session.case is not None else ""
        self._record(session.misses.shown(query, len(hits), lacks_words=hits.lacks_words, case_id=case_id))

    def _record(self, records: list[MissRecord]) -> None:
        if records:
            self.agent_app.record_misses(records)

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        if event.widget is self.results:  # ↓ or Tab into the results: the query on screen is asked
            self.agent_app.session.misses.moved_on()

    def on_descendant_blur(self, event: events.DescendantBlur) -> None:
        if event.widget is self.search_bar:
            self.agent_app.session.misses.moved_on()

    def search_ended(self) -> None:
        """The call ended: a search left open is recorded now (given up) if it was asked."""
        self._record(self.agent_app.session.misses.end())

    def focus_search(self, *, clear: bool = False) -> None:
        if clear:
            self.search_bar.value = ""
        focus_now(self.search_bar)

    @on(Input.Submitted, "#search")
    def open_top_result(self) -> None:
        if self.shown_query != self.search_bar.value:
            # Results for what was typed are not painted yet: search now, on this thread.
            hits = self.hits_for(self.search_bar.value)
            if hits is None:  # the KB is loading: the query's top result, or the first row highlighted, opens then
                if self.search_bar.value:
                    self.submit_when_ready = True
                elif self.results.highlighted_id is not None:
                    self.open_entry(self.results.highlighted_id)
                return
            self.show_results(self.search_bar.value, hits)
        entry_id = self.results.highlighted_id
        if entry_id is not None:
            self.open_result(entry_id)

    @on(OptionList.OptionSelected, "#results")
    def open_selected_result(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self.open_result(event.option.id)

    @on(OptionList.OptionSelected, "#related")
    def open_related_entry(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self.open_entry(event.option.id)

    def open_result(self, entry_id: str) -> None:
        """A result of the search on screen is opened: that search found something."""
        session = self.agent_app.session
        session.misses.moved_on()
        self._record(session.misses.opened())
        self.open_entry(entry_id)

    # --- article ------------------------------------------------------------------------------
    def open_entry(self, entry_id: str, *, focus: bool = True, visit: bool = True) -> Entry | None:
        app = self.agent_app
        if app.kb is None:  # a first row, chosen before the KB was loaded
            self.entry_when_ready = entry_id
            return None
        if not self.panes_built:  # the KB came first (a warm start): the article pane comes now
            self.when_built(lambda: self.open_entry(entry_id, focus=focus, visit=visit))
            return None
        entry = self._show_article(entry_id)
        if entry is None:
            return None
        if focus:
            self.article.focus_body()
        if visit:
            self.visits.visit(entry_id)
        app.record_article(entry_id)
        self.suggest_operator()
        return entry

    def _show_article(self, entry_id: str) -> Entry | None:
        app = self.agent_app
        entry = app.kb.get(entry_id) if app.kb is not None else None
        if entry is not None:
            self.article.show(entry, app.session.ticked(entry_id), app.kb, pinned=entry_id in app.session.usage.pinned,
                              freshness=(app.clock().astimezone().date(), app.settings.stale_after_days))
        return entry

    def action_entry_back(self) -> None:
        """The entry opened before this one (focus stays where the agent is)."""
        if (entry_id := self.visits.back()) is not None:
            self.open_entry(entry_id, focus=False, visit=False)

    def action_entry_forward(self) -> None:
        if (entry_id := self.visits.forward()) is not None:
            self.open_entry(entry_id, focus=False, visit=False)

    def action_toggle_pin(self) -> None:
        """F8: pin the open entry to the top of the empty-query list, or unpin it."""
        entry = self.article.entry if self.query("#article") else None
        if entry is None:
            self.agent_app.tell(self.strings.pin_no_entry, "warning")
            return
        self.agent_app.toggle_pin(entry.id)

    def pin_changed(self, entry_id: str, pinned: bool) -> None:
        entry = self.article.entry
        if entry is not None and entry.id == entry_id:
            self.article.set_pinned(pinned)
        if not self.search_bar.value.strip():
            self.run_search(self.search_bar.value)
        title = clean_line(entry.title if entry is not None and entry.id == entry_id else entry_id)
        self.agent_app.tell((self.strings.pinned if pinned else self.strings.unpinned).format(title=title))

    def suggest_operator(self) -> None:
        """With a case open and no operator chosen yet: the operator the open entry is about, or
        the one the query names, when exactly one is named."""
        if self.agent_app.session.case is None or not self.case_pane.built or self.case_pane.fields().operator:
            return
        entry = self.article.entry
        named = set(entry.operators) if entry is not None else set()
        if len(named) != 1:
            named = operators_named_in(self.search_bar.value)
        if len(named) == 1:
            self.case_pane.set_field("operator", named.pop())

    # --- keys typed where there is nothing to type into ----------------------------------------
    def on_key(self, event: events.Key) -> None:
        """Printable keys typed in the results or the article go to the search box, as in any
        launcher; keys bound there (Space ticks a step, 1-9 copy) keep their meaning. Typed in
        an opened entry they start a new query: the agent has read the answer, and the caller's
        next question is a new search (F3 goes back to refine the old one)."""
        focused = self.focused
        if not (event.is_printable and event.character) or focused is None or event.key in self.active_bindings:
            return
        # Focused on the search box: the key was routed to the article before the first key typed
        # there moved the focus (the search box itself consumes what it receives).
        reading = focused is self.results or self.article in focused.ancestors_with_self
        if not reading and focused is not self.search_bar:
            return
        event.stop()
        event.prevent_default()
        self.search_bar.continue_typing(event.character, fresh=reading and focused is not self.results)

    # The article and case panes' messages are handled by name (Textual's `on_<widget>_<message>`):
    # `@on(ArticleView.CopyRequested)` would import those widgets before the first frame.
    def on_steps_list_toggled(self, event: StepsList.Toggled) -> None:
        """A ticked step is saved to the case."""
        entry = self.article.entry
        if entry is not None:
            self.agent_app.tick_step(entry.id, event.step, event.done)

    def on_select_changed(self, event: Select.Changed) -> None:
        """The caller's operator changed: the article numbers its phones and apps first."""
        if event.select.id == "caller-operator":
            self.article.set_caller_operator(event.value if isinstance(event.value, str) else "")

    def on_article_view_copy_requested(self, event: ArticleView.CopyRequested) -> None:
        """A numbered phone or app name goes to the clipboard."""
        self.agent_app.copy_text(event.text)

    # --- case -----------------------------------------------------------------------------------
    def show_case(self, case: Case | None, *, reload_fields: bool = True) -> None:
        """The active case changed: header, case pane and the open procedure's ticks."""
        self.header.show_case(case)
        if reload_fields:
            self.case_pane.load(case)
        else:
            self.case_pane.show_case_id(case)
        entry = self.article.entry
        if entry is not None and entry.steps:
            self.article.set_ticked(self.agent_app.session.ticked(entry.id))

    def on_case_pane_edited(self, event: CasePane.Edited) -> None:
        """Typed fields are remembered at once, so quitting saves them even before the autosave."""
        self.agent_app.agent_typed()
        self.agent_app.session.pending = event.fields

    def on_case_pane_caller_entered(self) -> None:
        self.focus_search()

    def on_case_pane_save_due(self, event: CasePane.SaveDue) -> None:
        """The autosave after the agent paused typing."""
        self.agent_app.session.pending = event.fields
        self.agent_app.save_case()

    def unsaved_fields(self) -> CaseFields | None:
        if not self.panes_built:  # quitting on the first frame: nothing typed in the case yet
            return None
        pane = self.case_pane
        fields = pane.fields()
        return None if fields == pane.baseline else fields

    def reset_for_next_call(self) -> None:
        self.search_ended()
        self.show_case(None)
        self.article.clear()
        self.visits.clear()
        self.focus_search(clear=True)
