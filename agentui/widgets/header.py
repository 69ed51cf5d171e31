"""One-line header: app title, the open case's id, the call timer and, on hold or in wrap-up, a
second timer for that phase."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from textual.content import Content
from textual.reactive import reactive
from textual.widget import Widget

from agentui.core.cases.markdown import duration_text
from agentui.core.cases.model import Case
from agentui.strings import Strings
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


@dataclass(frozen=True, slots=True)
class PhaseLabels:
    """The header's words for the call phases (from `Strings`)."""

    hold: str  # {time}: on hold now, since when
    holds: str  # {count} {total}: finished holds of this call
    wrap: str  # {time}: after-call work since the talk ended

    @classmethod
    def of(cls, strings: Strings) -> PhaseLabels:
        return cls(strings.header_hold, strings.header_holds, strings.header_wrap)


@dataclass(frozen=True, slots=True)
class Phases:
    """What the header shows of a case's phases."""

    hold_started_at: str = ""
    hold_count: int = 0
    hold_s: int = 0
    talk_ended_at: str = ""

    @classmethod
    def of(cls, case: Case | None) -> Phases:
        if case is None:
            return cls()
        return cls(case.hold_started_at or "", case.hold_count, case.hold_s, case.talk_ended_at or "")


class CallHeader(Widget):
    DEFAULT_CSS = """
    CallHeader { height: 1; width: 1fr; background: $panel; color: $foreground; }
    CallHeader.-on-call { background: $primary-muted; }
    CallHeader.-on-hold { background: $warning-muted; }
    """

    case_id: reactive[str] = reactive("")
    opened_at: reactive[str] = reactive("")
    phases: reactive[Phases] = reactive(Phases())
    sync: reactive[str] = reactive("")
    """Team mode: "offline · 3 changes waiting" / "synced 10:42"; empty with the embedded store."""

    def __init__(
        self, title: str, idle: str, clock: Callable[[], datetime], labels: PhaseLabels | None = None, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self._title = title
        self._idle = idle
        self._clock = clock
        self._labels = labels or PhaseLabels("⏸ {time}", "{count}× {total}", "{time}")

    def on_mount(self) -> None:
        self._ticker = self.set_interval(1.0, self.refresh, pause=not self.opened_at)

    def show_case(self, case: Case | None) -> None:
        """The open case (or none): its id, the call timer and its phases."""
        self.case_id = case.id if case is not None else ""
        self.opened_at = case.timer_start if case is not None else ""
        self.phases = Phases.of(case)

    def watch_opened_at(self, opened_at: str) -> None:
        self.set_class(bool(opened_at), "-on-call")
        ticker = getattr(self, "_ticker", None)
        if ticker is not None:
            ticker.resume() if opened_at else ticker.pause()

    def watch_phases(self, phases: Phases) -> None:
        self.set_class(bool(phases.hold_started_at), "-on-hold")

    @property
    def timer_text(self) -> str:
        return elapsed_text(self.opened_at, self._clock()) if self.opened_at else self._idle

    @property
    def phase_text(self) -> str:
        """The second timer: the hold in progress, else the wrap-up, else past holds ("" if none)."""
        phases, labels, now = self.phases, self._labels, self._clock()
        if not self.opened_at:
            return ""
        if phases.hold_started_at:
            return labels.hold.format(time=elapsed_text(phases.hold_started_at, now))
        if phases.talk_ended_at:
            return labels.wrap.format(time=elapsed_text(phases.talk_ended_at, now))
        if phases.hold_count:
            return labels.holds.format(count=phases.hold_count, total=duration_text(phases.hold_s))
        return ""

    def render(self) -> Content:
        parts: list[str | tuple[str, str]] = [(f" {self._title} ", "bold")]
        if self.case_id:
            parts += [" · ", clean_line(self.case_id)]
        parts += [" · ⏱ ", (self.timer_text, "bold")]
        phase = self.phase_text
        if phase:
            parts += [" · ", (phase, "bold" if self.phases.hold_started_at else "")]
        if self.sync:
            parts += [" · ", (clean_line(self.sync), "italic")]
        return Content.assemble(*parts)
