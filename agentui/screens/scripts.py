"""F5: scripted answers with placeholders filled from the case; Enter copies, I inserts in notes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from agentui.core.kb.model import Entry, EntryType, KnowledgeBase
from agentui.core.operators import OPERATORS
from agentui.core.placeholders import fill, placeholders_in
from agentui.screens.base import AgentModal
from agentui.strings import Strings
from agentui.widgets.focus import focus_now
from agentui.widgets.safe_text import clean, clean_line

if TYPE_CHECKING:
    from agentui.app import AgentApp

CASE_FIELDS = {"客户姓名": "name", "客户电话": "phone"}


def ordered_scripts(kb: KnowledgeBase, entry: Entry | None) -> tuple[list[Entry], list[Entry]]:
    """(scripts relevant to `entry`, all the others), each sorted by title."""
    scripts = sorted(kb.of_type(EntryType.SCRIPT), key=lambda e: e.id)
    if entry is None:
        return [], scripts
    tags = set(entry.tags) - {"话术"}

    def relevant(script: Entry) -> bool:
        return (
            script.id in entry.related
            or entry.id in script.related
            or bool(tags & set(script.tags))
        )

    related = [s for s in scripts if s.id != entry.id and relevant(s)]
    if entry.type is EntryType.SCRIPT:
        related.insert(0, entry)
    others = [s for s in scripts if s not in related]
    return related, others


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
    # Enter copies (the pane stays open for the next script) and says so; I (or Shift+I) inserts
    # into the notes and closes; F5 (the app's key) and Esc close.
    BINDINGS = [
        Binding("escape", "dismiss", "close"),
        Binding("i,I", "use(True)", "insert", key_display="I"),
    ]

    def __init__(self, strings: Strings, kb: KnowledgeBase, entry: Entry | None, select: str | None = None) -> None:
        super().__init__()
        self.strings = strings
        self.kb = kb
        self.entry = entry
        self.select = select

    def compose(self) -> ComposeResult:
        s = self.strings
        related, others = ordered_scripts(self.kb, self.entry)
        options: list[Option | None] = []
        if related:
            options.append(Option(Content.styled(s.scripts_related, "bold $accent"), disabled=True))
            options += [Option(clean_line(e.title), id=e.id) for e in related]
            options.append(Option(Content.styled(s.scripts_all, "bold $accent"), disabled=True))
        options += [Option(clean_line(e.title), id=e.id) for e in others]
        with Vertical(id="scripts-dialog", classes="dialog"):
            with Horizontal(id="scripts-body"):
                yield OptionList(*options, id="script-list", markup=False)
                with VerticalScroll(id="script-preview"):
                    yield Static(s.scripts_empty if not (related or others) else "", id="script-text", markup=False)
            yield Static(s.scripts_hint, classes="dialog-hint", markup=False)

    def on_mount(self) -> None:
        self.query_one("#scripts-dialog").border_title = self.strings.scripts_title
        scripts = self.query_one("#script-list", OptionList)
        scripts.focus()
        target = self.select
        for index in range(scripts.option_count):
            option = scripts.get_option_at_index(index)
            if option.id and (target is None or option.id == target):
                scripts.highlighted = index
                break

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
