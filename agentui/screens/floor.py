"""The floor view for supervisors: every agent's call live (LISTEN/NOTIFY), and today's totals."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import ActiveBinding, Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from agentui.core.cases.markdown import operator_name
from agentui.screens.base import localized
from agentui.widgets.header import elapsed_text
from agentui.widgets.safe_text import clean_line

if TYPE_CHECKING:
    from agentui.core.cases.protocol import SyncStatus
    from agentui.core.cases.server.floor import AgentRow

TEXT: dict[str, dict[str, str]] = {
    "zh": {
        "title": "坐席现场", "agent": "坐席", "case": "案例", "operator": "运营商", "category": "类别",
        "talk": "通话", "hold": "保持", "last": "最近活动", "calls": "今日通话", "aht": "平均处理",
        "mix": "今日结果", "waiting": "正在连接服务器…", "release": "释放案例", "close": "返回",
        "released": "已释放案例 {case_id}（原由 {agent} 处理）", "no_case": "该坐席当前没有案例",
        "offline": "离线 · {n} 条更改待发送", "synced": "已同步 {time}", "online": "在线",
        "not_supervisor": "坐席现场仅供主管使用（--role supervisor 且配置了 --store）",
    },
    "en": {
        "title": "Floor", "agent": "agent", "case": "case", "operator": "operator", "category": "category",
        "talk": "talk", "hold": "hold", "last": "last activity", "calls": "calls today", "aht": "avg handle",
        "mix": "dispositions today", "waiting": "connecting to the server…", "release": "release case",
        "close": "back", "released": "Released case {case_id} (held by {agent})", "no_case": "No case open",
        "offline": "offline · {n} changes waiting", "synced": "caught up {time}", "online": "online",
        "not_supervisor": "The floor view is for supervisors (--role supervisor with --store)",
    },
}  # fmt: skip


def sync_text(status: SyncStatus, lang: str) -> str:
    """The header's team-mode status: what waits while offline, and when it last caught up."""
    t = TEXT.get(lang, TEXT["en"])
    if not status.online or status.waiting:
        return t["offline"].format(n=status.waiting) if not status.online else f"{t['online']} · {status.waiting}…"
    if status.caught_up_at:
        local = datetime.fromisoformat(status.caught_up_at).astimezone().strftime("%H:%M")
        return t["synced"].format(time=local)
    return t["online"]


def _clock(seconds: int | None) -> str:
    if seconds is None:
        return "-"
    minutes, secs = divmod(max(0, int(seconds)), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


def row_cells(row: AgentRow, now: datetime, dispositions: Mapping[str, str] | None = None) -> list[Text]:
    """Cells as `Text`: names, categories and ids come from the floor's data, never parsed as markup.
    Operators by name and dispositions in `dispositions`' words (the console's language), most
    frequent first: the stored ids are for machines."""
    case = row.case
    talk = hold = "-"
    if case is not None:
        hold_s = case.hold_s
        if case.hold_started_at:
            started = datetime.fromisoformat(case.hold_started_at)
            hold_s += max(0, int((now - started).total_seconds()))
            hold = f"⏸ {_clock(hold_s)}"
        elif case.hold_count:
            hold = _clock(hold_s)
        talk = elapsed_text(case.timer_start, now)
    last = datetime.fromisoformat(row.last_activity).astimezone().strftime("%H:%M:%S") if row.last_activity else "-"
    words = dispositions or {}
    counted = sorted(row.dispositions.items(), key=lambda item: (-item[1], words.get(item[0], item[0])))
    mix = " ".join(f"{words.get(name, name)}:{n}" for name, n in counted)
    values = [
        row.agent, case.id if case else "-", operator_name(case.caller.operator) if case else "",
        case.category if case else "",
        talk, hold, last, str(row.calls_today), _clock(row.avg_handle_s), mix,
    ]  # fmt: skip
    return [Text(clean_line(value or "-")) for value in values]


class FloorScreen(Screen[None]):
    BINDINGS = [
        Binding("f8", "release", "release", key_display="F8"),
        Binding("escape,f9", "close", "close", key_display="Esc"),
    ]

    def __init__(self, url: str, lang: str, *, release: Any = None) -> None:
        super().__init__()
        self.url = url
        self.text = TEXT.get(lang, TEXT["en"])
        from agentui.strings import strings_for

        self.strings = strings_for(lang)
        self._release = release
        """`release(case_id) -> agent`: a supervisor frees a case (None: read-only view)."""
        self._rows: list[AgentRow] = []
        self._watcher: Any = None

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        """Key labels in the console's language, as on every screen (`screens.base`); this screen
        also runs in `agentui floor`, whose app is not the console's."""
        return localized(super().active_bindings, self.strings)

    def compose(self) -> ComposeResult:
        yield Static(Text(self.text["title"] + " · " + self.text["waiting"]), id="floor-status")
        yield DataTable(id="floor-table", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        from agentui.core.cases.server.floor import FloorWatcher

        table = self.query_one(DataTable)
        t = self.text
        table.add_columns(*(t[k] for k in ("agent", "case", "operator", "category", "talk", "hold", "last", "calls",
                                           "aht", "mix")))  # fmt: skip
        self._watcher = FloorWatcher(self.url, self._rows_from_thread, on_error=self._error_from_thread)
        self._watcher.start()
        self.set_interval(1.0, self._redraw)  # the call clocks tick here; the data only changes on NOTIFY

    def on_unmount(self) -> None:
        if self._watcher is not None:
            self._watcher.stop()

    def _rows_from_thread(self, rows: list[AgentRow]) -> None:
        self.app.call_from_thread(self.show_rows, rows)

    def _error_from_thread(self, message: str) -> None:
        self.app.call_from_thread(self._show_status, message)

    def show_rows(self, rows: list[AgentRow]) -> None:
        self._rows = rows
        on_call = sum(1 for row in rows if row.case is not None)
        self._show_status(f"{self.text['title']} · {len(rows)} {self.text['agent']} · {on_call} {self.text['case']}")
        self._redraw()

    def _show_status(self, message: str) -> None:
        self.query_one("#floor-status", Static).update(Text(clean_line(message)))

    def _redraw(self) -> None:
        table = self.query_one(DataTable)
        cursor = table.cursor_row
        table.clear()
        now = datetime.now(UTC)
        for row in self._rows:
            table.add_row(*row_cells(row, now, self.strings.dispositions), key=row.agent)
        if self._rows:
            table.move_cursor(row=min(cursor, len(self._rows) - 1))

    def action_close(self) -> None:
        if len(self.app.screen_stack) > 1:
            self.app.pop_screen()
        else:
            self.app.exit()

    def action_release(self) -> None:
        table = self.query_one(DataTable)
        if self._release is None or not self._rows:
            return
        row = self._rows[min(table.cursor_row, len(self._rows) - 1)]
        if row.case is None:
            self.notify(self.text["no_case"], severity="warning", markup=False)
            return
        self._do_release(row.case.id)

    @work(thread=True, group="floor-release")
    def _do_release(self, case_id: str) -> None:
        try:
            agent = self._release(case_id)
        except Exception as error:  # noqa: BLE001 - shown to the supervisor, the view stays up
            self.app.call_from_thread(self.notify, clean_line(str(error)), severity="error", markup=False)
            return
        message = clean_line(self.text["released"].format(case_id=case_id, agent=agent))
        self.app.call_from_thread(self.notify, message, markup=False)
