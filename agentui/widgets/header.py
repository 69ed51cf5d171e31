"""One-line header: app title, the open case's id and the call timer."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from textual.content import Content
from textual.reactive import reactive
from textual.widget import Widget

from agentui.widgets.safe_text import clean_line


def elapsed_text(opened_at: str, now: datetime) -> str:
    """`mm:ss` (or `h:mm:ss`) since `opened_at` (UTC ISO-8601); `--:--` when unparseable."""
    try:
        opened = datetime.fromisoformat(opened_at)
    except ValueError:
        return "--:--"
    if opened.tzinfo is None:
        opened = opened.replace(tzinfo=UTC)
    seconds = max(0, int((now - opened).total_seconds()))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


class CallHeader(Widget):
    DEFAULT_CSS = """
    CallHeader { height: 1; width: 1fr; background: $panel; color: $foreground; }
    CallHeader.-on-call { background: $primary-muted; }
    """

    case_id: reactive[str] = reactive("")
    opened_at: reactive[str] = reactive("")
    sync: reactive[str] = reactive("")
    """Team mode: "offline · 3 changes waiting" / "synced 10:42"; empty with the embedded store."""

    def __init__(self, title: str, idle: str, clock: Callable[[], datetime], **kwargs) -> None:
        super().__init__(**kwargs)
        self._title = title
        self._idle = idle
        self._clock = clock

    def on_mount(self) -> None:
        self._ticker = self.set_interval(1.0, self.refresh, pause=not self.opened_at)

    def watch_opened_at(self, opened_at: str) -> None:
        self.set_class(bool(opened_at), "-on-call")
        ticker = getattr(self, "_ticker", None)
        if ticker is not None:
            ticker.resume() if opened_at else ticker.pause()

    @property
    def timer_text(self) -> str:
        return elapsed_text(self.opened_at, self._clock()) if self.opened_at else self._idle

    def render(self) -> Content:
        parts: list[str | tuple[str, str]] = [(f" {self._title} ", "bold")]
        if self.case_id:
            parts += [" · ", clean_line(self.case_id)]
        parts += [" · ⏱ ", (self.timer_text, "bold")]
        if self.sync:
            parts += [" · ", (clean_line(self.sync), "italic")]
        return Content.assemble(*parts)
