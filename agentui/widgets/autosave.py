"""Autosave timing: a debounce with a maximum wait, so typing that never pauses is still saved."""

from __future__ import annotations

import time
from collections.abc import Callable

from textual.message_pump import MessagePump
from textual.timer import Timer

SAVE_DELAY = 0.5
"""Seconds after the latest keystroke before a save."""
MAX_WAIT = 1.0
"""Seconds at most between the first unsaved keystroke and its save, however fast the agent types.
A plain debounce never fired for an agent typing a character every 0.1 s: a crash lost it all."""


MIN_WAIT = 0.01


class Debounce:
    """Calls `save` `delay` seconds after the latest `changed()`, and no later than `max_wait`
    seconds after the first `changed()` since the previous save."""

    def __init__(
        self,
        owner: MessagePump,
        save: Callable[[], None],
        *,
        delay: float = SAVE_DELAY,
        max_wait: float = MAX_WAIT,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._owner = owner
        self._save = save
        self._delay = delay
        self._max_wait = max_wait
        self._clock = clock
        self._timer: Timer | None = None
        self._deadline: float | None = None

    @property
    def pending(self) -> bool:
        return self._timer is not None

    def changed(self) -> None:
        now = self._clock()
        if self._deadline is None:
            self._deadline = now + self._max_wait
        elif self._timer is not None and self._deadline - now <= self._delay:
            return  # the pending timer fires by the deadline: pushing it back would miss it
        if self._timer is not None:
            self._timer.stop()
        # Never a zero interval: Textual's Timer divides by it once the event loop is late.
        wait = max(MIN_WAIT, min(self._delay, self._deadline - now))
        self._timer = self._owner.set_timer(wait, self._fire, name="autosave")

    def cancel(self) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._timer = None
        self._deadline = None

    def _fire(self) -> None:
        self._timer = None
        self._deadline = None
        self._save()
