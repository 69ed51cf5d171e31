"""Garbage collection of the old generation moved to the agent's pauses, off the keystrokes."""

from __future__ import annotations

import gc

PAUSE = 1.5
"""Seconds without typing after which the console counts the agent as pausing."""
DUE = 10
"""Young-generation passes after which an old-generation pass is due: CPython's own default."""
_NEVER = 1 << 30


class PauseCollector:
    """CPython collects its oldest generation when enough objects have survived younger passes.
    With a KB loaded and the search's scoring views built, that pass walks a few hundred thousand
    objects, 40-50 ms at 10k entries, and it fell on keystrokes: the console bench saw five in 200
    keys, each a frame late. While `hold` is in force the interpreter never starts that pass by
    itself; `collect_if_due` runs it, and the console calls it once the agent pauses."""

    def __init__(self) -> None:
        self._saved: tuple[int, int, int] | None = None

    def hold(self) -> None:
        if self._saved is None:
            self._saved = gc.get_threshold()
            young, middle, _ = self._saved
            gc.set_threshold(young, middle, _NEVER)

    def release(self) -> None:
        if self._saved is not None:
            gc.set_threshold(*self._saved)
            self._saved = None

    def collect_if_due(self) -> bool:
        """Collect the old generation if the younger ones have run DUE times since it last was."""
        if gc.get_count()[2] < DUE:
            return False
        gc.collect()
        return True
