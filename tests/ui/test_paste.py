"""Bracketed paste: the payload reaches the console whole, in order, without control characters,
however the terminal's bytes are split across reads; and the one reach into Textual's driver
still does what it must (these tests fail on a Textual upgrade that changes it)."""

from __future__ import annotations

import inspect

import pytest
from textual import events
from textual._xterm_parser import XTermParser

from agentui.terminal_input import PASTE_END, PASTE_START, PasteSafeParser, use_paste_safe_parser

PAYLOAD = "AAA \x1b[31mRED\x1b[0m BBB\r二行\x1b]52;c;ZXZpbA==\x07\x00end"
STREAM = "ab" + PASTE_START + PAYLOAD + PASTE_END + "cd"
EXPECTED = ["key:a", "key:b", "paste:AAA RED BBB\n二行end", "key:c", "key:d"]


def events_of(parser: XTermParser, chunks: list[str]) -> list[str]:
    seen = []
    for chunk in chunks:
        for event in parser.feed(chunk):
            if isinstance(event, events.Paste):
                seen.append(f"paste:{event.text}")
            elif isinstance(event, events.Key):
                seen.append(f"key:{event.key}")
    return seen


def test_a_paste_with_escape_bytes_comes_whole_and_clean() -> None:
    assert events_of(PasteSafeParser(), [STREAM]) == EXPECTED


@pytest.mark.parametrize("cut", range(1, len(STREAM)))
def test_however_the_reads_split_the_stream(cut: int) -> None:
    assert events_of(PasteSafeParser(), [STREAM[:cut], STREAM[cut:]]) == EXPECTED


def test_one_byte_at_a_time() -> None:
    assert events_of(PasteSafeParser(), list(STREAM)) == EXPECTED


def test_keys_outside_a_paste_are_untouched() -> None:
    stream = "x\x1b[A\x1bOQ" + PASTE_START + "p" + PASTE_END + "\x1b[B"
    assert events_of(PasteSafeParser(), [stream]) == ["key:x", "key:up", "key:f2", "paste:p", "key:down"]


def test_textual_still_splits_such_a_paste() -> None:
    """When this fails, Textual's parser keeps a paste with escape bytes whole by itself: drop
    `PasteSafeParser` and `use_paste_safe_parser`."""
    assert events_of(XTermParser(), [STREAM]) != EXPECTED


def test_the_linux_driver_still_builds_its_parser_by_that_name() -> None:
    """`use_paste_safe_parser` swaps the name the input thread builds its parser from."""
    from textual.drivers import linux_driver

    assert "XTermParser(" in inspect.getsource(linux_driver.LinuxDriver.run_input_thread)
    original = linux_driver.XTermParser
    try:
        use_paste_safe_parser()
        assert linux_driver.XTermParser is PasteSafeParser
    finally:
        linux_driver.XTermParser = original  # type: ignore[misc]
