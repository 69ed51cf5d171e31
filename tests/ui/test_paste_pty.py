"""End to end on a pty: a bracketed paste holding escape sequences arrives whole, in order, with
its control characters removed, in the notes and in the search box."""

from __future__ import annotations

from pathlib import Path

from .pty_console import CASE_OPENED, CTRL_Q, F2, F6, PASTE_END, PASTE_START, start_console, stored_case

EVIL_PASTE = "AAA \x1b[31mRED\x1b[0m BBB\r第二行 \x1b]52;c;ZXZpbA==\x07end"


def test_a_paste_with_escape_bytes_lands_whole_in_the_notes(tmp_path: Path) -> None:
    app = start_console(tmp_path)
    try:
        app.send(F2)
        app.wait_for(CASE_OPENED)
        app.send(F6)
        app.type("first line ")
        app.send(PASTE_START + EVIL_PASTE + PASTE_END)
        app.type(" after")
        app.wait_for(b"after")
        app.send(CTRL_Q)
        assert app.finish() == 0
    finally:
        app.kill()
    assert stored_case(tmp_path).notes == "first line AAA RED BBB\n第二行 end after"


def test_a_paste_with_escape_bytes_lands_whole_in_the_search_box(tmp_path: Path) -> None:
    app = start_console(tmp_path)
    try:
        mark = len(app.output)
        app.type("eSIM ")
        app.send(PASTE_START + "\x1b[1m补卡\x1b[0m MTS" + PASTE_END)
        app.wait_for("「eSIM 补卡 MTS」".encode(), since=mark)
        app.send(CTRL_Q)
        assert app.finish() == 0
    finally:
        app.kill()
