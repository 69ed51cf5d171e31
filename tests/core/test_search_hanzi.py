"""hanzi: pinyin read from pypinyin's data files must be exactly what pypinyin itself gives."""

from __future__ import annotations

import random
import subprocess
import sys

from pypinyin import Style, lazy_pinyin, pinyin
from pypinyin.phrases_dict import phrases_dict
from pypinyin.pinyin_dict import pinyin_dict

from agentui.core.search import hanzi


def _reference(text: str) -> list[str]:
    return lazy_pinyin(text, style=Style.NORMAL, errors=lambda chars: list(chars))


def test_every_character_reads_as_pypinyin_reads_it():
    assert len(pinyin_dict) > 40_000
    for code in pinyin_dict:
        char = chr(code)
        assert hanzi.syllables(char) == _reference(char), char
        assert hanzi.char_readings(char) == tuple(pinyin(char, style=Style.NORMAL, heteronym=True)[0]), char


def test_every_phrase_reads_as_pypinyin_reads_it():
    assert len(phrases_dict) > 40_000
    for phrase in phrases_dict:
        assert hanzi.syllables(phrase) == _reference(phrase), phrase


def test_runs_of_several_phrases_are_cut_as_pypinyin_cuts_them():
    """Where one phrase ends and the next begins decides readings: 银行长 is yin hang zhang."""
    rng = random.Random(3)
    phrases = list(phrases_dict)
    for _ in range(3000):
        text = "".join(rng.choice(phrases) for _ in range(rng.randint(2, 4)))[rng.randint(0, 1):]
        assert hanzi.syllables(text) == _reference(text), text
    for text in ("银行长", "重庆银行还款", "长度和长大", "保号卡", "ab银行12重"):
        assert hanzi.syllables(text) == _reference(text), text
    assert hanzi.syllables("银行") == ["yin", "hang"]


def test_searching_never_imports_pypinyin():
    """Its import alone builds 56 MiB of tables; the index reads the data files it needs."""
    code = (
        "import sys\n"
        "from agentui.core.kb import load_kb\n"
        "from agentui.core.search import SearchIndex\n"
        "from agentui.locations import bundled_kb_dir\n"
        "index = SearchIndex.from_records(load_kb(bundled_kb_dir()).records)\n"
        "assert index.search('yinhang') is not None and index.search('补卡')[0]\n"
        "assert not [m for m in sys.modules if m.startswith('pypinyin')], 'pypinyin imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
