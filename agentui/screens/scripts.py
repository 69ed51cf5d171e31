"""F5: scripted answers with placeholders filled from the case: typing filters, Enter copies,
Ctrl+N inserts in notes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from agentui.core.kb.model import Entry, EntryType, KnowledgeBase
from agentui.core.operators import OPERATORS
from agentui.core.placeholders import fill, placeholders_in
from agentui.core.script_order import call_stage, order_scripts, search_scripts
from agentui.screens.base import AgentModal
from agentui.strings import Strings
from agentui.widgets.fields import SafeInput
from agentui.widgets.focus import focus_now
from agentui.widgets.safe_text import clean, clean_line
from agentui.widgets.titles import entry_title

if TYPE_CHECKING:
    from agentui.app import AgentApp

CASE_FIELDS = {"客户姓名": "name", "客户电话": "phone"}


def operator_id(text: str) -> str:
    """The operator id a typed name means (MTS, МТС, 麦加丰…), or ""."""
    folded = text.strip().casefold()
    for op in OPERATORS.values():
        if folded in {op.id, op.name.casefold(), *(n.casefold() for n in op.names)}:
            return op.id
    return ""


def placeholder_values(app: AgentApp) -> dict[str, str]:
    """Every placeholder value known for this call: case pane fields first, then the rest."""
    session, kb = app.session, app.kb
    values = dict(session.values)
    fields = app.main.case_pane.fields()
    if fields.name:
        values["客户姓名"] = fields.name
    if fields.phone:
        values["客户电话"] = fields.phone
    if fields.operator in OPERATORS:
        values["operator"] = OPERATORS[fields.operator].name
        contact = kb.contact_for(fields.operator) if kb is not None else None
        if contact is not None:
            if contact.phones:
                values.setdefault("hotline", contact.phones[0])
            if contact.apps:
                values.setdefault("app", contact.apps[0])
            if contact.website:
                values.setdefault("website", contact.website)
    if session.case is not None:
        values["case_id"] = session.case.id
    if app.settings.agent_name:
        values.setdefault("坐席姓名", app.settings.agent_name)
    return {k: clean_line(v) for k, v in values.items() if v}


def remember_value(app: AgentApp, name: str, value: str) -> None:
    """A value typed in the prompt: case fields go to the case pane, the rest to the call."""
    session = app.session
    session.remembered[name] = value
    pane = app.main.case_pane
    if name in CASE_FIELDS:
        pane.set_field(CASE_FIELDS[name], value)
    elif name == "operator" and operator_id(value):
        pane.set_field("operator", operator_id(value))
    elif name == "坐席姓名":
        session.values[name] = value
        app._save_choice(agent_name=value)
    else:
        session.values[name] = value


def preview(body: str, values: dict[str, str]) -> Content:
    """The filled script; placeholders still missing are shown highlighted."""
    text = fill(clean(body), values)
    content = Content(text)
    for name in placeholders_in(text):
        token = "{" + name + "}"
        start = text.find(token)
        while start != -1:
            content = content.stylize("bold reverse $warning", start, start + len(token))
            start = text.find(token, start + len(token))
    return content


class ScriptsScreen(AgentModal[None]):
    """The scripts for this moment of the call (see `order_scripts`). Focus stays in the filter:
    typing filters with the main search, ↑/↓ choose, so no key here is a letter."""

    BINDINGS = [
        Binding("escape", "dismiss", "close"),
        Binding("ctrl+n", "use(True)", "insert", key_display="Ctrl+N"),
        Binding("down", "move(1)", "choose", show=False),
        Binding("up", "move(-1)", "choose", show=False),
        Binding("pagedown", "move(8)", "choose", show=False),
        Binding("pageup", "move(-8)", "choose", show=False),
    ]

    def __init__(self, strings: Strings, kb: KnowledgeBase, entry: Entry | None, select: str | None = None) -> None:
        super().__init__()
        self.strings = strings
        self.kb = kb
        self.entry = entry
        self.select = select

    def compose(self) -> ComposeResult:
        s = self.strings
        with Vertical(id="scripts-dialog", classes="dialog"):
            yield SafeInput(placeholder=s.scripts_filter, id="script-filter", max_length=100)
            with Horizontal(id="scripts-body"):
                scripts = OptionList(id="script-list", markup=False)
                scripts.can_focus = False  # typing always reaches the filter
                yield scripts
                with VerticalScroll(id="script-preview"):
                    yield Static(id="script-text", markup=False)
            yield Static(s.scripts_hint, classes="dialog-hint", markup=False)

    def on_mount(self) -> None:
        self.query_one("#scripts-dialog").border_title = self.strings.scripts_title
        focus_now(self.query_one("#script-filter"))
        self.show_ordered(self.select)

    def ordered(self) -> tuple[list[Entry], list[Entry]]:
        """(suggested, others) for this moment of the call."""
        case = self.agent_app.session.case
        stage = call_stage(self.entry is not None, case is not None and case.talk_ended_at is not None)
        order = order_scripts(self.kb.of_type(EntryType.SCRIPT), self.entry, stage)
        return order.suggested, order.others

    def show_ordered(self, select: str | None = None) -> None:
        s = self.strings
        suggested, others = self.ordered()
        options: list[Option | None] = []
        if suggested:
            options.append(Option(Content.styled(s.scripts_related, "bold $accent"), disabled=True))
            options += [Option(self._title(e), id=e.id) for e in suggested]
            if others:
                options.append(Option(Content.styled(s.scripts_all, "bold $accent"), disabled=True))
        options += [Option(self._title(e), id=e.id) for e in others]
        self._show(options, select)
        if not (suggested or others):
            self.query_one("#script-text", Static).update(s.scripts_empty)

    def _title(self, script: Entry) -> Content:
        return entry_title(script.title, script.title_en, self.strings.title_en_first)

    def _show(self, options: list[Option | None], select: str | None) -> None:
        scripts = self.query_one("#script-list", OptionList)
        scripts.clear_options()
        scripts.add_options(options)
        for index in range(scripts.option_count):
            option = scripts.get_option_at_index(index)
            if option.id and not option.disabled and (select is None or option.id == select):
                scripts.highlighted = index
                break
        else:
            self.query_one("#script-text", Static).update("")

    @on(Input.Changed, "#script-filter")
    def filter_as_you_type(self, event: Input.Changed) -> None:
        if event.value.strip():
            self.run_filter(event.value)
        else:
            self.workers.cancel_group(self, "filter")
            self.show_ordered()

    @work(exclusive=True, thread=True, group="filter")
    def run_filter(self, query: str) -> None:
        index = self.agent_app.index
        if index is not None:
            found = search_scripts(index, query)
        else:  # the KB is loaded but its index is not: a plain title match
            folded = query.strip().casefold()
            found = [e.id for e in self.kb.of_type(EntryType.SCRIPT) if folded in e.title.casefold()]
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self.show_filtered, query, found)

    def show_filtered(self, query: str, found: list[str]) -> None:
        """Matches in search rank order, unless the filter changed meanwhile."""
        if query != self.query_one("#script-filter", Input).value:
            return
        entries = [entry for entry in map(self.kb.get, found) if entry is not None]
        options: list[Option | None] = [Option(self._title(e), id=e.id) for e in entries]
        if not options:
            options = [Option(Content.styled(self.strings.scripts_no_match, "dim"), disabled=True)]
        self._show(options, None)

    def action_move(self, delta: int) -> None:
        scripts = self.query_one("#script-list", OptionList)
        enabled = [i for i in range(scripts.option_count) if not scripts.get_option_at_index(i).disabled]
        if not enabled:
            return
        current = scripts.highlighted
        if current not in enabled:
            scripts.highlighted = enabled[0]
            return
        position = max(0, min(len(enabled) - 1, enabled.index(current) + delta))
        scripts.highlighted = enabled[position]

    @on(Input.Submitted, "#script-filter")
    def copy_highlighted(self) -> None:
        self.action_use(False)

    @property
    def current(self) -> Entry | None:
        scripts = self.query_one("#script-list", OptionList)
        if scripts.highlighted is None:
            return None
        option_id = scripts.get_option_at_index(scripts.highlighted).id
        return self.kb.get(option_id) if option_id else None

    def refresh_preview(self) -> None:
        entry = self.current
        text = self.query_one("#script-text", Static)
        if entry is not None:
            text.update(preview(entry.body, placeholder_values(self.agent_app)))

    @on(OptionList.OptionHighlighted, "#script-list")
    def show_preview(self) -> None:
        self.refresh_preview()

    @on(OptionList.OptionSelected, "#script-list")
    def copy_selected(self) -> None:
        self.action_use(False)

    def action_use(self, insert: bool) -> None:
        entry = self.current
        if entry is not None:
            self.fill_and_use(entry, insert)

    @work(exclusive=True, group="fill")
    async def fill_and_use(self, entry: Entry, insert: bool) -> None:
        from agentui.screens.prompt import ValuePrompt

        app = self.agent_app
        values = placeholder_values(app)
        for name in entry.placeholders or placeholders_in(entry.body):
            if values.get(name):
                continue
            last = app.session.remembered.get(name, "")
            answer = await app.push_screen_wait(ValuePrompt(self.strings, name, last))
            if answer is None:
                return
            remember_value(app, name, answer)
            values = {**values, **placeholder_values(app), name: answer}  # e.g. operator → hotline
            self.refresh_preview()
        text = fill(clean(entry.body), values)
        if insert:
            self.dismiss()
            app.main.case_pane.insert_into_notes(text)
            focus_now(app.main.query_one("#notes"))
            app.tell(self.strings.inserted)
        else:
            app.copy_text(text)
        app.record_script(entry.id)
