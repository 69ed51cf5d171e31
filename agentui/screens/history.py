"""F4: past cases in a table (newest first, filtered); open one read-only, reopen it, export it."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import DataTable, Footer, Input, Markdown, Select, Static

from agentui.core.cases import markdown
from agentui.core.cases.errors import StoreError
from agentui.core.cases.markdown import duration_text, local_time, operator_name
from agentui.core.cases.model import Case, Disposition
from agentui.core.operators import OPERATORS
from agentui.screens.base import AgentModal, AgentScreen
from agentui.strings import Strings
from agentui.widgets.fields import SafeInput
from agentui.widgets.safe_text import clean_line

if TYPE_CHECKING:
    pass

HISTORY_LIMIT = 200


def case_markdown(case: Case, strings: Strings) -> str:
    """The case as Markdown in the console's language (export and the read-only view share it)."""
    return markdown.case_markdown(case, strings.field_labels, strings.dispositions)


def export_case(case: Case, data_dir: Path, strings: Strings) -> Path:
    """Write the case as Markdown under `<data dir>/exports/` (0600); returns the path."""
    folder = data_dir / "exports"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = folder / f"{clean_line(case.id).replace('/', '_')}.md"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(case_markdown(case, strings))
    return path


@dataclass(frozen=True, slots=True)
class HistoryFilter:
    """What F4 was filtered by; kept while the console runs."""

    text: str = ""
    operator: str = ""
    disposition: str = ""


class HistoryScreen(AgentScreen[None]):
    """Typing filters at once (the filter has focus); ↓ moves into the table, Enter opens a case."""

    BINDINGS = [
        Binding("escape", "app.focus_search", "close"),
        Binding("down", "into_table", "to_table", show=False),
    ]
    AUTO_FOCUS = "#history-text"

    def __init__(self, strings: Strings) -> None:
        super().__init__()
        self.strings = strings
        self.cases: dict[str, Case] = {}

    def compose(self) -> ComposeResult:
        s = self.strings
        with Vertical(id="history"):
            with Horizontal(id="history-filters"):
                yield SafeInput(placeholder=s.history_filter, id="history-text", max_length=100)
                yield Select(
                    [(op.name, op.id) for op in OPERATORS.values()],
                    prompt=s.history_any_operator,
                    id="history-operator",
                )
                yield Select(
                    [(s.dispositions[d.value], d.value) for d in Disposition],
                    prompt=s.history_any_disposition,
                    id="history-disposition",
                )
            yield DataTable(id="history-table", cursor_type="row", zebra_stripes=True)
            yield Static("", id="history-count", markup=False)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#history").border_title = self.strings.history_title
        table = self.query_one(DataTable)
        table.add_columns(*self.strings.history_columns)
        kept = self.agent_app.history_filter or HistoryFilter()
        self.query_one("#history-text", Input).value = kept.text
        if kept.operator:
            self.query_one("#history-operator", Select).value = kept.operator
        if kept.disposition:
            self.query_one("#history-disposition", Select).value = kept.disposition
        self.reload()

    def action_into_table(self) -> None:
        self.query_one(DataTable).focus()

    @on(Input.Changed, "#history-text")
    @on(Select.Changed)
    def reload(self) -> None:
        operator = self.query_one("#history-operator", Select).value
        disposition = self.query_one("#history-disposition", Select).value
        kept = HistoryFilter(
            self.query_one("#history-text", Input).value,
            operator if isinstance(operator, str) else "",
            disposition if isinstance(disposition, str) else "",
        )
        self.agent_app.history_filter = kept
        self.load_cases(kept.text.strip(), kept.operator, kept.disposition)

    @on(Input.Submitted, "#history-text")
    def view_first_case(self) -> None:
        """Enter in the filter opens the case the table highlights (the newest match)."""
        table = self.query_one(DataTable)
        if table.row_count:
            row_key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
            case = self.cases.get(str(row_key.value))
            if case is not None:
                self.app.push_screen(CaseViewScreen(self.strings, case))

    @work(thread=True, exclusive=True, group="history")
    def load_cases(self, text: str, operator: str, disposition: str) -> None:
        session = self.agent_app.session
        if not session.ready:
            return
        try:
            cases = list(session.history(text=text, operator=operator, disposition=disposition, limit=HISTORY_LIMIT))
        except StoreError as error:
            self.app.call_from_thread(self.agent_app.tell, str(error), "error")
            return
        finally:
            # A month first read here may turn out damaged: it is moved aside or repaired and the
            # agent is told, as for damage found at start.
            for note in session.new_recovery_notes():
                self.app.call_from_thread(
                    self.agent_app.tell, self.strings.recovery.format(note=note), "warning"
                )
        self.app.call_from_thread(self.show_cases, cases)

    def show_cases(self, cases: list[Case]) -> None:
        s = self.strings
        table = self.query_one(DataTable)
        table.clear()
        self.cases = {c.id: c for c in cases}
        for case in cases:
            cells = (
                case.id,
                local_time(case.opened_at),
                case.caller.name,
                case.caller.phone,
                operator_name(case.caller.operator),
                case.category,
                s.dispositions.get(case.disposition or "", case.disposition or ""),
                duration_text(case.duration_s),
            )
            # Text, not str: DataTable would parse a str cell as markup.
            table.add_row(*(Text(clean_line(c)) for c in cells), key=case.id)
        count = s.history_count.format(count=len(cases)) if cases else s.history_empty
        self.query_one("#history-count", Static).update(count)

    @on(DataTable.RowSelected, "#history-table")
    def view_case(self, event: DataTable.RowSelected) -> None:
        case = self.cases.get(str(event.row_key.value))
        if case is not None:
            self.app.push_screen(CaseViewScreen(self.strings, case))


class CaseViewScreen(AgentModal[None]):
    """One past case, read-only; R reopens it, E exports it."""

    BINDINGS = [
        Binding("escape", "dismiss", "close"),
        Binding("r", "reopen", "reopen"),
        Binding("e", "export", "export"),
    ]

    def __init__(self, strings: Strings, case: Case) -> None:
        super().__init__()
        self.strings = strings
        self.case = case

    def compose(self) -> ComposeResult:
        s = self.strings
        with Vertical(id="case-view", classes="dialog"):
            with VerticalScroll(id="case-view-body"):
                # Rendered, not shown as source: the data in it is escaped and fenced by
                # `case_markdown`, and links are never opened.
                yield Markdown(case_markdown(self.case, s), id="case-view-text", open_links=False)
            yield Static(
                " · ".join((s.case_reopen, s.case_export, s.case_close_view)), classes="dialog-hint", markup=False
            )

    def on_mount(self) -> None:
        self.query_one("#case-view").border_title = Content(
            self.strings.case_view_title.format(case_id=clean_line(self.case.id))
        )
        self.query_one("#case-view-body").focus()

    def action_reopen(self) -> None:
        self.agent_app.reopen_case(self.case.id)

    def action_export(self) -> None:
        self._export()

    @work(thread=True, group="export")
    def _export(self) -> None:
        app = self.agent_app
        try:
            path = export_case(self.case, app.settings.data_dir, self.strings)
        except OSError as error:
            app.call_from_thread(app.tell, self.strings.error.format(error=error), "error")
            return
        app.call_from_thread(app.tell, self.strings.case_exported.format(path=path))
