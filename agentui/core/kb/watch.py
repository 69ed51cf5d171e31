"""Watching a KB folder for changes (an author saving, a `git pull`) with watchfiles, in a thread."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

DEBOUNCE_MS = 500
"""Longest a burst of changes (a `git pull` of many files) is gathered before it is reported."""
QUIET_MS = 100
"""A burst ends after this long without a change; also how often the thread checks for `stop`."""


def is_kb_change(path: str, *, deleted: bool) -> bool:
    """Entry files (`*.md`, not READMEs nor hidden files) anywhere below the root; deletions of
    anything (a folder removed takes its entries with it)."""
    name = Path(path).name
    if deleted:
        return True
    return name.endswith(".md") and name.lower() != "readme.md" and not name.startswith(".")


class KbWatcher:
    """Calls `on_change()` from its own thread after each burst of changes to the KB's files, until
    `stop()`. watchfiles (the Rust `notify` crate: inotify, FSEvents, ReadDirectoryChangesW) is
    imported only here, so a console that does not watch never loads it."""

    def __init__(self, root: Path, on_change: Callable[[], None], *, debounce_ms: int = DEBOUNCE_MS,
                 quiet_ms: int = QUIET_MS) -> None:
        self.root = root
        self.on_change = on_change
        self.debounce_ms = debounce_ms
        self.quiet_ms = quiet_ms
        self._stop = threading.Event()
        self._ready = threading.Event()
        self._thread: threading.Thread | None = None
        self.error: str = ""
        """Why watching stopped (the folder vanished, no inotify watches left), if it did."""

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="agentui-kb-watch", daemon=True)
        self._thread.start()

    def wait_ready(self, timeout: float = 5.0) -> bool:
        """True once the watch is set up (changes after this are seen); for tests and benchmarks."""
        return self._ready.wait(timeout)

    def stop(self, timeout: float = 2.0) -> None:
        """Stop watching and wait for the thread (it checks every `quiet_ms`)."""
        self._stop.set()
        thread, self._thread = self._thread, None
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def _run(self) -> None:
        from watchfiles import Change, DefaultFilter, watch

        default = DefaultFilter()  # editors' swap and backup files, `.git`, caches

        def kb_change(change: Change, path: str) -> bool:
            return default(change, path) and is_kb_change(path, deleted=change == Change.deleted)

        try:
            changes = watch(
                self.root, watch_filter=kb_change, debounce=self.debounce_ms, step=self.quiet_ms,
                stop_event=self._stop, yield_on_timeout=True, rust_timeout=self.quiet_ms * 5,
                raise_interrupt=False, recursive=True,
            )
            for batch in changes:
                self._ready.set()
                if self._stop.is_set():
                    return
                if batch:
                    self.on_change()
        except Exception as error:  # noqa: BLE001 - a watch that fails leaves the console as it is
            self.error = str(error)
        finally:
            self._ready.set()
