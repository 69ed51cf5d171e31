"""Files in the common shape are read straight from their bytes; no file may load differently for it."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from agentui.core.kb import body as body_rules
from agentui.core.kb import load_kb, loader
from agentui.core.kb.loader import parse_kb
from agentui.core.kb.model import KnowledgeBase
from agentui.core.kb.source import read_kb_files

WORDS = [
    "esim", "补卡", "замена", "a  b", "x", "2025-05-13", "2025-13-01", "no", "On", "0123", "1.5", "~", "", " ",
    "a:b", "a: b", "a #b", "it's", 'say "x"', "a,b", "[a]", "-a", "\\", "\t", "\u3000", "\xa0", "ё",
    "e\u0301", "mts", "MTS", "beeline", "tele2", "online", "offline", "phone", "faq", "procedure", "script",
    "contact",
]
KEYS = ["id", "type", "title", "title_en", "aliases", "tags", "operators", "channel", "related", "verified",
        "source", "phones", "apps", "website", "foo"]
BODY_LINES = [
    "## 步骤", "### 步骤", "# 步骤", "## Steps", "## 其他", "1. 一", "2) 二", "10. 十", "  续行", "\t续", "",
    "   ", "正文 {客户姓名}", "{护照号}", "{hotline}", "```", "~~~", "  ```", "## 步骤 ##", "#### x", "- item",
    "1.no space", "12345. too long", "---", "...", "plain text", "３. fullwidth", "\u2028", "a\x85b",
]


def _scalar(rng: random.Random) -> str:
    word = rng.choice(WORDS)
    kind = rng.random()
    if kind < 0.5:
        return word
    if kind < 0.8:
        return '"' + word.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return "'" + word.replace("'", "''") + "'"


def _value(rng: random.Random, key: str, index: int) -> list[str]:
    """Lines for one field: mostly the shapes real entries use (and repeat), sometimes anything."""
    shape = rng.random()
    typical = {
        "verified": ["2025-05-13", "2024-02-29", "2025-13-01", "2025-5-1", '"2025-05-13"'],
        "related": ["[f-1, f-2]", f"[f-{index}]", '["f-3", "nope"]', "[]"],
        "operators": ['["mts"]', "[mts, beeline]", "[MTS]", "[mst]", '["tele2", "megafon"]'],
        "channel": ["online", "offline", "phone", "mail"],
        "type": ["procedure", "faq", "script", "contact", "howto"],
        "tags": ['["补卡", "eSIM"]', "[补卡, 热线]", '["补卡", "补卡"]', '[""]', "[ a , b ]"],
    }
    if key in typical and shape < 0.7:
        return [f"{key}: {rng.choice(typical[key])}"]
    if shape < 0.8:
        return [f"{key}: {_scalar(rng)}"]
    if shape < 0.93:
        return [f"{key}: [{', '.join(_scalar(rng) for _ in range(rng.randint(0, 3)))}]"]
    indent = " " * rng.choice([0, 2])
    return [f"{key}:", *(f"{indent}- {_scalar(rng)}" for _ in range(rng.randint(0, 3)))]


def _good_entry(rng: random.Random, index: int) -> str:
    """An entry as authors write them, with nothing to report (unless a link or id clashes)."""
    entry_type = rng.choice(["procedure", "faq", "script", "contact"])
    lines = [f"id: {rng.choice([f'f-{index}', f'dup-{index % 50}'])}", f"type: {entry_type}",
             rng.choice([f'title: "标题 {index}"', f"title: 标题 {index}", f"title: 'on {index}'"]),
             rng.choice(['title_en: "Replace"', "title_en: Replace the eSIM", "title_en: yes-no"]),
             rng.choice(['aliases: ["补卡", "换卡"]', "aliases: [补卡, Cafe\u0301, 補卡]",
                         f'aliases: ["别名 {index}"]']),
             rng.choice(['tags: ["补卡"]', "tags: [补卡, eSIM]", "tags: []"]),
             rng.choice(['operators: ["mts"]', "operators: [mts, beeline]", "operators: [MTS, Tele2]"]),
             rng.choice(["source: synthetic", "source: [a.txt, b.txt]", 'source: "000.txt"']),
             rng.choice(["verified: 2026-11-22", "verified: 2025-05-13", 'verified: "2025-05-13"'])]
    if rng.random() < 0.3:
        lines.append(f"related: [f-{rng.randint(0, index)}, f-{rng.randint(0, index)}]")
    body = "正文。\n"
    if entry_type == "procedure":
        lines.append(rng.choice(["channel: online", "channel: phone"]))
        body += rng.choice(
            ["\n## 步骤\n\n1. 一\n2. 二\n", "## Steps\n```\ncode\n```\n1) one\n", "### 步骤\n#### 细节\n3. 三"]
        )
    elif entry_type == "script":
        body += rng.choice(["您好 {客户姓名}，热线 {hotline}。", "{{literal}} {客户姓名}"])
    elif entry_type == "contact":
        lines += ['phones: ["+7 (495) 797-79-79"]', rng.choice(["apps: []", 'apps: ["Мой МТС"]'])]
        lines.append("website: https://x.ru")
    if rng.random() < 0.2:  # one slip an author makes
        lines.append(rng.choice(["website: https://y.ru", "apps: []", "phones: []", "channel: online", "aliase: [x]",
                                 lines[rng.randrange(len(lines))], "title_en:", "tags: [a, '']"]))
    rng.shuffle(lines)
    return "---\n" + "\n".join(lines) + "\n---\n" + "\n" * rng.randint(0, 2) + body + "\n" * rng.randint(0, 2)


def _odd_entry(rng: random.Random, index: int) -> str:
    """An entry of random fields, shapes and bytes: most have something to report."""
    lines = [f"id: {rng.choice([f'f-{index}', f'f-{index}', f'dup-{index % 5}', _scalar(rng)])}"]
    lines += [f"type: {rng.choice(['procedure', 'procedure', 'faq', 'script', 'contact'])}", f'title: "标题 {index}"']
    for _ in range(rng.randint(0, 6)):
        lines += _value(rng, rng.choice(KEYS), index)
    rng.shuffle(lines)
    if rng.random() < 0.03:
        lines.append(rng.choice(["# comment", "  x", "- y", ""]))
    body = "\n".join(rng.choice(BODY_LINES) for _ in range(rng.randint(0, 12)))
    fence = rng.choice(["---", "---", "---", "...", "--- ", "----"])
    return "---\n" + "\n".join(lines) + f"\n{fence}\n" + "\n" * rng.randint(0, 2) + body + "\n" * rng.randint(0, 2)


def _entry(rng: random.Random, index: int) -> bytes:
    return (_good_entry(rng, index) if rng.random() < 0.5 else _odd_entry(rng, index)).encode()


def _damaged(rng: random.Random, data: bytes) -> bytes:
    """Now and then the bytes of a file saved by the wrong tool."""
    variant = rng.random()
    if variant < 0.04:
        return data.replace(b"\n", b"\r\n")
    if variant < 0.06:
        return b"\xef\xbb\xbf" + data
    if variant < 0.08:
        return data.decode().encode("gb18030")
    if variant < 0.09:
        return data.replace("正文".encode(), b"\xff\xfe", 1)
    if variant < 0.10:
        return data.replace(b"\n", b"\0", 2)
    return data


@pytest.fixture(scope="module")
def random_kb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("random-kb")
    rng = random.Random(20251204)
    for index in range(1500):
        path = root / f"part-{index % 7}" / f"e{index:04d}.md"
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(_damaged(rng, _entry(rng, index)))
    return root


def _sharing(kb: KnowledgeBase) -> list[int]:
    """Which of the records' values are one object: each object numbered by first sight."""
    numbers: dict[int, int] = {}
    shape = []
    for record in kb.records:
        for value in record:
            shape.append(numbers.setdefault(id(value), len(numbers)))
            if isinstance(value, tuple):
                shape += [numbers.setdefault(id(item), len(numbers)) for item in value]
    return shape


def test_loading_from_bytes_gives_what_parsing_every_text_gives(random_kb: Path, monkeypatch):
    read_simply: list[bool] = []
    parse_simple = loader._Parser.parse_simple

    def spy(self, *args):
        parsed = parse_simple(self, *args)
        read_simply.append(parsed is not None)
        return parsed

    monkeypatch.setattr(loader._Parser, "parse_simple", spy)
    streamed = load_kb(random_kb)
    every_text = parse_kb(read_kb_files(random_kb))  # every file through split, Field and convert_fields
    assert [str(p) for p in streamed.problems] == [str(p) for p in every_text.problems]
    assert streamed.records == every_text.records
    assert _sharing(streamed) == _sharing(every_text)
    assert streamed.fingerprint == every_text.fingerprint
    assert 200 < sum(read_simply) < len(read_simply) - 200  # both ways were taken, many times
    assert len(streamed.records) > 300 and len(streamed.problems) > 1000


def test_a_line_shared_by_many_files_is_judged_in_each(tmp_path: Path):
    """Lines like `verified: …` are converted once per load; a bad one must still fail every file."""
    for index in range(3):
        (tmp_path / f"e{index}.md").write_text(
            f"---\nid: e{index}\ntype: faq\ntitle: t\nverified: 2025-13-01\ntags: [a, a]\n---\n正文\n",
            encoding="utf-8",
        )
    kb = load_kb(tmp_path)
    assert [(p.path.name, p.line) for p in kb.problems] == [("e0.md", 5), ("e1.md", 5), ("e2.md", 5)]
    assert all("'verified' has a value YAML cannot read" in p.message for p in kb.problems)
    assert [kb.entries[f"e{i}"].tags for i in range(3)] == [("a",)] * 3


def _random_body(rng: random.Random) -> str:
    body = "\n".join(rng.choice(BODY_LINES) for _ in range(rng.randint(0, 10)))
    return body if rng.random() < 0.5 else body.replace("```", "").replace("~~~", "")


def test_step_checks_report_exactly_what_parse_steps_reports():
    rng = random.Random(7)
    path = Path("/kb/p.md")
    outcomes = set()
    for _ in range(20000):
        body = _random_body(rng)
        problems = [str(p) for p in body_rules.parse_steps(path, body, 5)[1]]
        assert [str(p) for p in body_rules.steps_problems(path, body, 5)] == problems, body
        assert body_rules.has_steps(body) == (not problems), body
        outcomes.add((bool(problems), "```" in body or "~~~" in body))
    assert len(outcomes) == 4  # steps and no steps, with and without fences


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("## 步骤\n\n1. 一", True),
        ("intro\n## 步骤\n## 下一节\n1. 一", False),  # the next heading ends the section first
        ("## 步骤\n### 细节\n1. 一", True),  # a deeper heading does not
        ("## 步骤\n```\n1. 代码\n```\n", False),  # an item inside a fence is no step
        ("## 步骤\n  ```\n1. 代码\n  ```\n2. 二", True),
        ("#步骤\n1. 一", False),  # not a heading without the space
        ("# Steps #\n1) one", True),
    ],
)
def test_has_steps_on_the_shapes_authors_write(body: str, expected: bool):
    assert body_rules.has_steps(body) is expected
    assert body_rules.parse_steps(Path("/kb/p.md"), body, 1)[1] is not expected
