"""One output-cleaning rule for every printing path: a corpus of escape sequences, C1 controls, bidi
overrides and spreadsheet formulas goes through the CLI's search (text and JSON), `kb check`, the
search warnings, and `cases list|show|export` (JSON, CSV, Markdown); nothing active comes out."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from agentui.cli import main
from agentui.cli import search as search_cli
from agentui.core.cases.model import Caller, Disposition
from agentui.core.cases.opening import open_store
from agentui.core.search import Hits
from agentui.core.terminal_text import clean, clean_line, json_text, spreadsheet_cell

CORPUS = [
    "\x1b[2J\x1b[H", "\x1b[31mred\x1b[0m", "\x1b[?1049h", "\x1b]52;c;ZXZpbA==\x07", "\x1b]52;c;ZXZpbA==\x1b\\",
    "\x1b]8;;https://osc8.invalid\x07link\x1b]8;;\x07", "\x1bP1$qm\x1b\\", "\x1bPq#0;2;0;0;0#0~~@@\x1b\\",
    "\x9b31mC1", "\x9d0;title\x9c", "\x90q\x9c", "\x85\x8d\x84", "\u202eevil\u202c", "\u202dLTR", "\u2066iso\u2069",
    "\u200fRLM\u200e", "\u061cALM", "bell\x07bs\x08nul\x00vt\x0bff\x0cdel\x7f", "cr\rover", "\x1b7\x1b8\x1bc",
]
FORMULAS = ["=1+1", "+7 916 123-45-67", "-2+3", "@SUM(A1)", "\t=cmd|' /C calc'!A0", "\r=1", "＝1+1",
            " =HYPERLINK(\"https://evil.invalid\")"]
EVIL = " ".join(CORPUS)
ACTIVE = {chr(c) for c in [*range(0, 9), *range(11, 32), *range(0x7F, 0xA0), *range(0x202A, 0x202F),
                           *range(0x2066, 0x206A), 0x200E, 0x200F, 0x061C]}


def assert_inert(text: str, *, allow_tab: bool = True, escaped: bool = False) -> None:
    """No character that acts on a terminal. Text output drops whole sequences, so no payload
    shows either; JSON (`escaped`) keeps the payload as inert text behind a `\u001b`."""
    active = sorted({hex(ord(ch)) for ch in text if ch in ACTIVE and not (allow_tab and ch == "\t")})
    assert not active, f"active characters were printed: {active}"
    if not escaped:
        assert "ZXZpbA" not in text, "an OSC 52 payload was printed"
        assert "osc8.invalid" not in text, "an OSC 8 link target was printed"


@pytest.mark.parametrize("raw", [*CORPUS, EVIL])
def test_the_rule_itself(raw: str) -> None:
    assert_inert(clean(raw))
    assert_inert(clean_line(raw), allow_tab=False)
    assert "\n" not in clean_line(raw)
    encoded = json_text({"title": raw})
    assert_inert(encoded, allow_tab=False, escaped=True)
    assert json.loads(encoded) == {"title": raw}, "JSON escapes: the data itself is kept whole"


def test_text_that_cannot_be_encoded_is_printable() -> None:
    """A file name that was not UTF-8 reaches Python with surrogate escapes: printing it raw raises."""
    name = "补卡说明".encode("gbk").decode("utf-8", "surrogateescape") + ".md"
    for printed in (clean(name), clean_line(name), json_text(name)):
        printed.encode("utf-8")
    assert "\\xb2" in clean(name).lower()


@pytest.mark.parametrize("raw", FORMULAS)
def test_spreadsheet_cells_never_start_a_formula(raw: str) -> None:
    cell = spreadsheet_cell(raw)
    assert cell.startswith("'"), cell
    assert_inert(cell)
    assert spreadsheet_cell("王芳 +7") == "王芳 +7" and spreadsheet_cell("") == ""


@dataclass
class FakeHit:
    id: str
    type: str
    title: str
    score: float = 90.0
    spans: dict[str, tuple[tuple[int, int], ...]] = field(default_factory=dict)


class FakeIndex:
    def search(self, query: str, limit: int, usage: object = None) -> Hits:
        hits = [FakeHit(f"id-{n}\x1b[2J", "faq\x9b", f"{raw}标题") for n, raw in enumerate(CORPUS)]
        found = Hits(hits)  # type: ignore[arg-type]
        found.words, found.unmatched_words = (f"注销{EVIL}", "流量卡"), (f"注销{EVIL}",)
        return found


@pytest.mark.parametrize("as_json", [False, True], ids=["text", "json"])
def test_search_output(capsys: pytest.CaptureFixture[str], as_json: bool) -> None:
    search_cli._answer(FakeIndex(), "补卡\x1b]52;c;ZXZpbA==\x07", 50, None, as_json=as_json)  # type: ignore[arg-type]
    out = capsys.readouterr().out
    assert_inert(out, allow_tab=False, escaped=as_json)
    assert out.count("标题") == len(CORPUS)
    if as_json:
        assert [r["title"] for r in json.loads(out)["results"]] == [f"{raw}标题" for raw in CORPUS]


class EmptyIndex:
    def search(self, query: str, limit: int, usage: object = None) -> Hits:
        return Hits()


def test_search_echoes_a_query_it_did_not_find_inertly(capsys: pytest.CaptureFixture[str]) -> None:
    search_cli._answer(EmptyIndex(), EVIL, 5, None, as_json=False)  # type: ignore[arg-type]
    assert_inert(capsys.readouterr().out, allow_tab=False)


@pytest.fixture
def hostile_kb(tmp_path: Path) -> Path:
    """A KB whose one file has a name that writes the clipboard when printed raw, and bad content."""
    kb = tmp_path / "kb"
    (kb / "faq").mkdir(parents=True)
    (kb / "faq" / "x\x1b]52;c;ZXZpbA==\x07\u202e.md").write_text("no front matter\n", encoding="utf-8")
    return kb


def test_kb_check_prints_file_names_inertly(hostile_kb: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["kb", "check", "--kb", str(hostile_kb)]) == 1
    out, err = capsys.readouterr()
    assert "problem" in out and "x" in out
    # kb check shows the author what is in the file: sequences as inert escapes (`\x1b]52;…`).
    assert_inert(out + err, allow_tab=False, escaped=True)
    assert "\\x1b" in out


def test_search_warnings_print_file_names_inertly(hostile_kb: Path, capsys: pytest.CaptureFixture[str],
                                                  monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    main(["search", "--kb", str(hostile_kb), "补卡"])
    out, err = capsys.readouterr()
    assert "warning" in err
    assert_inert(out + err, allow_tab=False, escaped=True)  # a KB problem names the file as it is


@pytest.fixture
def hostile_cases(tmp_path: Path) -> Path:
    data_dir = tmp_path / "data"
    store = open_store(data_dir)
    for n, formula in enumerate(FORMULAS):
        store.open_case()
        store.update(caller=Caller(f"{formula}{EVIL}", formula, "mts"), category=formula, notes=f"{formula}\n{EVIL}")
        store.record_article(f"faq-{n}\x1b]8;;https://osc8.invalid\x07")
        store.close(Disposition.RESOLVED, formula)
    store.open_case()
    store.update(notes=EVIL)
    store.close_store()
    return data_dir


@pytest.mark.parametrize("argv", [["list"], ["export"], ["export", "--format", "md"], ["export", "--mask"]],
                         ids=["list", "json", "md", "json-masked"])
def test_cases_output(hostile_cases: Path, capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    assert main(["cases", *argv, "--data", str(hostile_cases)]) == 0
    out, err = capsys.readouterr()
    assert_inert(out + err, escaped=argv[0] == "export" and "md" not in argv)
    if argv == ["export"]:
        cases = json.loads(out)
        assert len(cases) == len(FORMULAS) + 1
        assert cases[0]["notes"] == EVIL, "JSON keeps the data whole, escaped"


def test_cases_show_and_a_missing_id(hostile_cases: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main(["cases", "list", "--data", str(hostile_cases)])
    first = capsys.readouterr().out.split()[0]
    assert main(["cases", "show", first, "--data", str(hostile_cases)]) == 0
    assert main(["cases", "show", "C1\x1b]52;c;ZXZpbA==\x07", "--data", str(hostile_cases)]) == 1
    out, err = capsys.readouterr()
    assert_inert(out + err)


def test_cases_csv(hostile_cases: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["cases", "export", "--format", "csv", "--data", str(hostile_cases)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("\ufeff"), "the BOM Excel needs is kept"
    assert_inert(out)
    rows = list(csv.reader(io.StringIO(out[1:])))
    header, body = rows[0], rows[1:]
    assert len(body) == len(FORMULAS) + 1
    for row in body:
        for cell in row:
            assert not cell.lstrip(" ").startswith(("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")), cell
    phones = [row[header.index("caller_phone")] for row in body]
    assert "'+7 916 123-45-67" in phones, "a phone stays readable: one quote in front, per OWASP"
