"""The front-matter fast path must read every file exactly as PyYAML does, or leave it to PyYAML."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from agentui.core.kb import fastpath, frontmatter, load_kb
from agentui.core.kb.fields import convert_fields
from agentui.locations import bundled_kb_dir

BROKEN = Path(__file__).parents[1] / "data" / "kb_broken"
PATH = Path("/kb/entry.md")

# Front matters that are simple enough for the fast path; each must be read by it.
SIMPLE = [
    'id: esim-replacement\ntype: procedure\ntitle: "eSIM 补卡（丢失或损坏）"\nverified: 2025-05-13',
    "id: x\ntype: faq\ntitle: 补卡\ntitle_en: Replace a SIM  card\nchannel: online",
    "title: Замена SIM-карты\naliases: [补卡, замена, Ёлка, Beeline hotline, a-b]",
    "phones: [+7 (495) 777-00-00, 8 800 555-06-11]",
    "aliases: [\"a\", 'b', c]\ntags: []\noperators: [ ]\nphones: [\"+7 (495) 797-79-79\"]",
    'tags: ["补卡", "补卡", "eSIM"]\nrelated: [a,b , c]',
    "tags:\n- a\n- \"b\"\n- 'c'\nid: x",
    "tags:\n  - 补卡\n  - замена\n\nid: x",
    "title:\naliases:\nverified:",
    "title: \"\"\naliases: ['']\ntags: [\"\", a]",
    "title: 'it''s'\ntitle_en: \"a \\\"quoted\\\" \\\\ word\"",
    "title: a:b\nwebsite: https://example.com/a?b=c#d\ntitle_en: a#b",
    "title: he said \"hi\"\ntitle_en: it's",
    "title: a [b] {c}\nsource: [000_4f2ece68647e1306.txt, 001_3b3e44bfe086585b.txt]",
    "title: \u00a0补卡\ntitle_en: 补卡\u3000\naliases: [e\u0301, Cafe\u0301]",
    "id: x\nid: y\ntitle: t\ntitle: u",
    "id: x   \ntitle:   spaced out   \ntags: [a]   ",
    "verified: 2026-11-22\nsource: synthetic\ntitle: 2025-05-13\naliases: [.5a, o, of, yesno, nope]",
    "title: \U0001F600 emoji\naliase: [x]\nfoo: bar\n_x: y",
    "verified: 2025-5-13", "verified: yesterday", 'title: "a: b"', "title: 'a\\nb'", "title: [a, b]",
    "tags: a", "tags: ''", "tags: ['a' , \"b\" ]", "tags: [a , b]", "title: 1e3",
]

# Front matters the fast path must leave to PyYAML (types other than text, YAML syntax it does not
# read, characters YAML treats specially); the results must still be PyYAML's.
TRICKY = [
    "id: 0123\ntype: faq\ntitle: no",
    "title: yes", "title: On", "title: off", "title: true", "title: FALSE", "title: ~", "title: null",
    "title: 1.5", "title: 1_000", "title: 0x1F", "title: 12:30", "title: .inf", "title: -1",
    "title: <<", "title: =", "tags: [on, 补卡]", "tags: [1, 2]", "tags: [2025-05-13]", "tags:\n- no",
    "verified: 2025-05-13 10:00:00", "verified: 2025-05-13T10:00:00Z",
    "verified: 2025-02-30", "verified: 20250513",
    "title: a: b", "title: a #comment", 'title: "a" # comment', "title: a:",
    "# comment\nid: x", "id: x\n  # indented comment", "id: x # trailing",
    "tags: [a, b,]", "tags: [a, [b]]", "tags: [a: b]", "tags: [a, {b: c}]", "tags: [a, b", "tags: [a] b",
    "tags: [a\n  , b]", "tags:\n- a\n  - b", "tags:\n  - a\n- b", "tags:\n-\n- a", "tags:\n\n- a",
    "tags:\n- a\n\n- b", "tags:\n- - a", "tags:\n- a: b", "tags: \n  a", "id: x\n- a",
    "title:\ta", "title: a\tb", "\ttitle: a", "title: a\t", "tags: [a,\tb]",
    "title: \ufeffbom", "\ufeffid: x", "title: a\x85b", "title: a\u2028b", "title: a\x7fb",
    'title: "a\\nb"', 'title: "\\u00e9"', 'title: "\\x41"', 'title: "a\\/b"',
    "title: a\n  b", 'title: "a\n  b"', "title: |\n  a", "title: >\n  a",
    "Title: x\nti-tle: y", '"id": x', "? id\n: x", "<<: {a: b}", "x" * 70 + ": y", "ключ: x", "1a: x",
    "title: &a x\ntitle_en: *a", "title: !!str 0123", "title: !custom x",
    "- just\n- a list", "just text", "", "\n\n", "# only a comment",
    "title: -a", "title: - a", "title: ?a", "title: @x", "title: %x", "title: `x`", "title: [a] b",
    "title: {a: b}", "tags: {a: b}", "tags: ~",
    "%YAML 1.1\n---\nid: x", "id: x\n--- y", "id: x\n...x", "id :x", "id:x",
    "tags: [!!str 1]", "title: 'a' b", "title: \"a\" b",
]


def _outcome(function):
    try:
        value = function()
    except Exception as error:  # both paths must fail alike, down to the message
        return ("error", type(error).__name__, str(error))
    return ("ok", type(value).__name__, repr(value))


def observe(text: str) -> tuple:
    """Everything the loader reads from `split`: problems, fields, body, converted values."""
    document, problems = frontmatter.split(PATH, text)
    seen: tuple = (tuple(str(p) for p in problems),)
    if document is None:
        return seen
    fields = []
    for key, field in document.fields.items():
        is_list = _outcome(field.is_list)
        fields.append((
            key, field.line, _outcome(field.python), _outcome(field.text), is_list, _outcome(field.is_empty),
            _outcome(lambda f=field: list(f.items())) if is_list[2] == "True" else None,
        ))
    converted = _outcome(lambda: _converted(document.fields))
    return (*seen, tuple(fields), document.body, document.body_line, converted)


def _converted(fields: dict) -> tuple:
    values, problems = convert_fields(PATH, fields)
    return sorted((key, type(value).__name__, repr(value)) for key, value in values.items()), [str(p) for p in problems]


def compare(monkeypatch: pytest.MonkeyPatch, front_matter: str) -> tuple[bool, tuple, tuple]:
    """(fast path used?, what the loader sees with it, what it sees with PyYAML alone)."""
    text = f"---\n{front_matter}\n---\n\n正文\n"
    used: list[bool] = []
    real = fastpath.parse

    def spy(*args):
        result = real(*args)
        used.append(result is not None)
        return result

    monkeypatch.setattr(fastpath, "parse", spy)
    fast = observe(text)
    monkeypatch.setattr(fastpath, "parse", lambda *args: None)
    slow = observe(text)
    monkeypatch.setattr(fastpath, "parse", real)
    return any(used), fast, slow


@pytest.mark.parametrize("front_matter", SIMPLE)
def test_fast_path_reads_simple_front_matter_as_pyyaml(monkeypatch, front_matter: str):
    used, fast, slow = compare(monkeypatch, front_matter)
    assert used, "the fast path should have read this front matter"
    assert fast == slow


@pytest.mark.parametrize("front_matter", TRICKY)
def test_fast_path_leaves_tricky_front_matter_to_pyyaml(monkeypatch, front_matter: str):
    used, fast, slow = compare(monkeypatch, front_matter)
    assert not used, "the fast path should have declined this front matter"
    assert fast == slow


def test_type_traps_are_still_reported_exactly():
    document, _ = frontmatter.split(PATH, "---\nid: 0123\ntype: faq\ntitle: no\n---\nbody\n")
    assert document is not None
    _, problems = convert_fields(PATH, document.fields)
    assert [str(p) for p in problems] == [
        f"{PATH}:2: 'id' must be text, but YAML read number 83; if you meant the text, quote it: id: \"0123\"",
        f"{PATH}:4: 'title' must be text, but YAML read boolean false; if you meant the text, quote it: title: \"no\"",
    ]


def _split_before(text: str) -> tuple[str, int] | None:
    """The body and body line as `split` found them before it stopped splitting the whole file."""
    lines = text.split("\n")
    closing = next((i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "...")), None)
    return None if closing is None else ("\n".join(lines[closing + 1:]), closing + 2)


@pytest.mark.parametrize("fence", ["---", "---  ", "...", "---\x0c", "---\u3000", "---\x85", "--- x", "----", " ---"])
@pytest.mark.parametrize("body", ["", "\n", "x", "\n\n正文\n", "正文\n---\nmore", "\n...\n"])
def test_closing_fence_and_body_line_as_before(fence: str, body: str):
    text = f"---\nid: x\n{fence}\n{body}"
    document, problems = frontmatter.split(PATH, text)
    expected = _split_before(text)
    if expected is None:
        assert document is None and "never closed" in problems[0].message
    elif document is None:  # a line like `--- x` before the fence is a YAML error
        assert problems[0].message.startswith("YAML error")
    else:
        assert (document.body, document.body_line) == expected


def _with_pyyaml(monkeypatch: pytest.MonkeyPatch, function):
    with monkeypatch.context() as patch:
        patch.setattr(fastpath, "parse", lambda *args: None)
        patch.setattr(fastpath, "read_key_line", lambda *args: None)  # the loader's route from bytes
        return function()


WORDS = [
    "esim", "补卡", "замена", "Beeline hotline", "a  b", "x", "2025-05-13", "2025-13-01", "no", "On", "0123",
    "1.5",
    "~", "null", "<<", "", " ", "a:b", "a: b", "a #b", "a#b", "it's", 'say "x"', "a,b", "a]b", "[a]", "{a}", "-a",
    "?a", "&a", "*a", "!a", "|", ">", "%a", "@a", "`a`", "\\", "\t", "\u3000", "\xa0", "\ufeff", "\u2028", "ё",
]


def _random_scalar(rng: random.Random) -> str:
    word = rng.choice(WORDS)
    kind = rng.random()
    if kind < 0.45:
        return word
    if kind < 0.8:
        return '"' + (word.replace("\\", "\\\\").replace('"', '\\"') if rng.random() < 0.8 else word) + '"'
    return "'" + (word.replace("'", "''") if rng.random() < 0.8 else word) + "'"


def _random_front_matter(rng: random.Random) -> str:
    keys = ["id", "type", "title", "aliases", "tags", "operators", "channel", "verified", "source", "apps", "foo"]
    lines = []
    for _ in range(rng.randint(1, 7)):
        key = rng.choice(keys)
        shape = rng.random()
        if shape < 0.45:
            lines.append(f"{key}: {_random_scalar(rng)}")
        elif shape < 0.75:
            items = ", ".join(_random_scalar(rng) for _ in range(rng.randint(0, 3)))
            lines.append(f"{key}: [{items}]")
        else:
            lines.append(f"{key}:")
            indent = " " * rng.choice([0, 0, 2])
            lines += [f"{indent}- {_random_scalar(rng)}" for _ in range(rng.randint(0, 3))]
        if rng.random() < 0.05:
            lines.append(rng.choice(["", "# c", "  x", "- y"]))
    return "\n".join(lines)


def test_fast_path_matches_pyyaml_on_random_front_matter(monkeypatch):
    rng = random.Random(20251203)
    used_count = 0
    for _ in range(1500):
        front_matter = _random_front_matter(rng)
        used, fast, slow = compare(monkeypatch, front_matter)
        used_count += used
        assert fast == slow, front_matter
    assert used_count > 300  # the fast path was really exercised


def _lines_read_alone(front_matter: str) -> list[tuple[str, int, object]] | None:
    read = [fastpath.read_key_line(line, RESOLVERS, {}) for line in front_matter.split("\n")]
    return None if None in read else [(key, number, value) for number, (key, value) in enumerate(read, 2)]


def _lines_read_by_parse(front_matter: str) -> list[tuple[str, int, object]] | None:
    parsed = fastpath.parse(front_matter, 2, RESOLVERS, {})
    return None if parsed is None else [(key, line, value) for key, line, value, _ in parsed]


RESOLVERS = frontmatter.implicit_resolvers()


@pytest.mark.parametrize("front_matter", SIMPLE + TRICKY)
def test_a_key_line_read_alone_reads_as_in_its_front_matter(front_matter: str):
    """`read_key_line` takes a line `parse` would leave to PyYAML for none, and reads the rest alike."""
    alone = _lines_read_alone(front_matter)
    if alone is not None:
        assert alone == _lines_read_by_parse(front_matter)


def test_key_lines_read_alone_match_parse_on_random_front_matter():
    rng = random.Random(5)
    read_alone = 0
    for _ in range(3000):
        front_matter = _random_front_matter(rng)
        alone = _lines_read_alone(front_matter)
        if alone is not None:
            read_alone += 1
            assert alone == _lines_read_by_parse(front_matter), front_matter
        elif all(line and line[0] not in "- " for line in front_matter.split("\n")):  # key lines only
            assert _lines_read_by_parse(front_matter) is None, front_matter
    assert read_alone > 300


@pytest.mark.parametrize("root", [bundled_kb_dir(), BROKEN], ids=["bundled", "broken"])
def test_whole_kb_loads_the_same_with_and_without_the_fast_path(monkeypatch, root: Path):
    fast = load_kb(root)
    slow = _with_pyyaml(monkeypatch, lambda: load_kb(root))
    assert fast.entries == slow.entries
    assert [str(p) for p in fast.problems] == [str(p) for p in slow.problems]
    assert fast.fingerprint == slow.fingerprint


def test_broken_kb_problems_are_exactly_as_before():
    """Captured from the loader before the fast path, streaming and scandir discovery."""
    kb = load_kb(BROKEN)
    found = [(p.path.relative_to(BROKEN).as_posix(), p.line, p.message.replace(f"{BROKEN}/", "")) for p in kb.problems]
    known = "{客户姓名}, {客户电话}, {operator}, {hotline}, {app}, {website}, {case_id}, {坐席姓名}"
    assert found == [
        ("bad/duplicate.md", 2, "duplicate id 'faq-fee': loaded from good/faq-fee.md:2, the file named after the "
                                "id; this file is not loaded"),
        ("bad/empty.md", 1, "empty file: an entry needs front matter and a body"),
        ("bad/gbk.md", 4, "not valid UTF-8: byte 0xb2 at line 4 (it looks like GBK/GB18030); save the file as UTF-8"),
        ("bad/huge.md", 1, "file is 1,330,041 bytes, over the 1,048,576-byte limit: not loaded"),
        ("bad/missing-title.md", 1, "required field 'title' is missing"),
        ("bad/no-steps.md", 5, "unknown field 'aliase' (did you mean 'aliases'?)"),
        ("bad/no-steps.md", 7, "procedure has no '## 步骤' section with the numbered steps"),
        ("bad/script-bad.md", 6, f"placeholder {{护照号}} is not filled by any case field (known: {known})"),
        ("bad/traps.md", 2,
         "'id' must be text, but YAML read number 83; if you meant the text, quote it: id: \"0123\""),
        ("bad/traps.md", 4,
         "'title' must be text, but YAML read boolean false; if you meant the text, quote it: title: \"no\""),
        ("bad/unclosed.md", 1, "front matter opened on line 1 is never closed: add a line '---' after it"),
        ("bad/unknown-type.md", 3, "unknown type 'howto': use one of procedure | faq | script | contact"),
        ("bad/yaml-error.md", 4, "YAML error in front matter: did not find expected ',' or ']'"),
        ("good/esim-replacement.md", 9, "related id 'missing-entry' does not exist"),
    ]
    assert {k: e.path.relative_to(BROKEN).as_posix() for k, e in kb.entries.items()} == {
        "bom-entry": "good/bom.md", "esim-replacement": "good/esim-replacement.md", "faq-fee": "good/faq-fee.md",
        "no-steps": "bad/no-steps.md", "script-bad": "bad/script-bad.md",
    }
