"""Terminal input: a bracketed paste reaches the console whole, in order, without control bytes.

Textual's input parser (8.x) reads an ESC inside a bracketed paste as the start of an escape
sequence: the bytes after it are re-issued as key presses (ESC shown as `^`), and only the text
before the first ESC arrives as the paste, after them. `AAA \\e[31mRED\\e[0m BBB` pasted after
"first line" was stored as `first line^[31mRED^[0m BBBAAA `. `PasteSafeParser` cleans the paste's
payload before Textual's parser sees it; `use_paste_safe_parser` is the one place that reaches into
Textual's driver for that, and `tests/ui/test_paste.py` fails when a Textual upgrade changes it.
"""

from __future__ import annotations

from collections.abc import Iterable

from textual._xterm_parser import XTermParser
from textual.message import Message

from agentui.core.terminal_text import clean

PASTE_START = "\x1b[200~"
PASTE_END = "\x1b[201~"


class PasteSafeParser(XTermParser):
    """Textual's parser, fed pastes whose payload holds no escape sequence nor control character."""

    def __init__(self, debug: bool = False) -> None:
        super().__init__(debug)
        self._paste: list[str] | None = None
        """The payload of the paste being received (None outside a paste)."""
        self._tail = ""
        """The last few characters seen (passed on outside a paste, held inside one): a marker
        may be split across two reads."""

    def feed(self, data: str) -> Iterable[Message]:
        if not data:  # end of input; a paste cut short is passed on as far as it came
            if self._paste is not None:
                rest, self._paste = clean("".join(self._paste)) + PASTE_END, None
                yield from super().feed(rest)
            yield from super().feed("")
            return
        filtered = self._filter(data)
        if filtered:  # never "": that would tell Textual's parser the input ended
            yield from super().feed(filtered)

    def _filter(self, data: str) -> str:
        out: list[str] = []
        while data:
            if self._paste is None:
                seen = self._tail + data
                start = seen.find(PASTE_START)
                if start == -1:
                    out.append(data)
                    self._tail = seen[-(len(PASTE_START) - 1) :]
                    break
                # Up to the end of the start marker everything goes on as it came (the marker may
                # have begun at the end of the previous read, already passed on).
                cut = start + len(PASTE_START) - len(self._tail)
                out.append(data[:cut])
                data, self._paste, self._tail = data[cut:], [], ""
            else:
                # The end marker may begin in the payload already held from earlier reads.
                held = self._tail
                end = (held + data).find(PASTE_END)
                self._paste.append(data)
                if end == -1:
                    self._tail = (held + data)[-(len(PASTE_END) - 1) :]
                    break
                payload = "".join(self._paste)
                end += len(payload) - len(data) - len(held)
                out.append(clean(payload[:end]) + PASTE_END)
                data, self._paste, self._tail = payload[end + len(PASTE_END) :], None, ""
        return "".join(out)


def use_paste_safe_parser() -> None:
    """Make Textual's Linux driver read input with `PasteSafeParser`. Its input thread builds the
    parser from the module's `XTermParser` name; no public API chooses the parser."""
    from textual.drivers import linux_driver

    setattr(linux_driver, "XTermParser", PasteSafeParser)  # noqa: B010 - a module global, on purpose
