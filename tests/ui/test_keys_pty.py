"""End to end on a pty: keys typed in one burst while the article has focus all reach the search
box (the terminal delivers them before the first one has moved the focus)."""

from __future__ import annotations

from pathlib import Path

from .pty_console import CTRL_Q, start_console


def test_a_burst_typed_in_the_article_lands_whole_in_the_search_box(tmp_path: Path) -> None:
    app = start_console(tmp_path)
    try:
        app.type("补卡")
        mark = len(app.output)
        app.send("\r")  # open the top result: the focus goes to its steps
        app.wait_for("步骤".encode(), since=mark)
        mark = len(app.output)
        app.send("fee")  # one write: three keys before the first is handled
        app.wait_for("「fee」".encode(), since=mark)  # a new question: the old query is replaced
        app.send(CTRL_Q)
        assert app.finish() == 0
    finally:
        app.kill()
