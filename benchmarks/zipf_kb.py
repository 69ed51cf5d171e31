"""A second synthetic KB for the search benchmark: tens of thousands of distinct words (Chinese,
Latin, Cyrillic) drawn with Zipf frequencies, as a real KB's vocabulary is, instead of the
16-object x 12-action grid of `synthetic_kb`; and queries made from the entries themselves, each
with the entry it came from. Entry i depends only on the seed and i, as in `synthetic_kb`.

Two query sets: `make_queries(..., held_out=False)` may be looked at while tuning; the held-out
set (another seed, other entries) must not be: report its figures, never tune on its misses."""

from __future__ import annotations

import bisect
import itertools
import json
import random
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

from synthetic_kb import FILES_PER_FOLDER, EntrySpec

GENERATOR_VERSION = 2
VOCABULARY = 40_000
ZIPF_S = 1.07
LATIN = ("b", "d", "f", "g", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z"), ("a", "e", "i", "o", "u")
CYRILLIC = ("б", "в", "г", "д", "к", "л", "м", "н", "п", "р", "с", "т"), ("а", "е", "и", "о", "у", "ы")
OPERATORS = ("mts", "megafon", "beeline", "tele2")
HELD_OUT_SEED = 1001
QUERY_KINDS = ("zh_word", "zh_words", "title", "title_en_words", "pinyin", "initials", "typo_latin", "alias",
               "body_words", "cyrillic")


@lru_cache(maxsize=4)
def vocabulary(seed: int = 1) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """(Chinese, Latin, Cyrillic) words, most frequent first, distinct within each script. The
    Chinese words are real ones: pypinyin's phrase dictionary (2-4 characters, with the readings
    that make pinyin hard), in a seeded order of frequency."""
    from pypinyin.phrases_dict import phrases_dict  # the generator only; never in a measured worker

    rng = random.Random(seed * 31)
    real = sorted(word for word in phrases_dict if 2 <= len(word) <= 4)
    rng.shuffle(real)

    def spelled(letters: tuple[tuple[str, ...], tuple[str, ...]], syllables: int) -> str:
        return "".join(rng.choice(letters[0]) + rng.choice(letters[1]) for _ in range(syllables))

    chinese = iter(real)
    makers = (
        lambda: next(chinese),
        lambda: spelled(LATIN, rng.choice((2, 2, 3, 3, 4))),
        lambda: spelled(CYRILLIC, rng.choice((2, 3, 3, 4))),
    )
    shares = (0.6, 0.3, 0.1)
    words: list[tuple[str, ...]] = []
    for make, share in zip(makers, shares, strict=True):
        found: dict[str, None] = {}
        while len(found) < int(VOCABULARY * share):
            found[make()] = None
        words.append(tuple(found))
    return words[0], words[1], words[2]


@lru_cache(maxsize=8)
def _cumulative(size: int) -> list[float]:
    return list(itertools.accumulate(1 / rank**ZIPF_S for rank in range(1, size + 1)))


def _draw(rng: random.Random, words: tuple[str, ...], count: int) -> list[str]:
    """`count` words by Zipf frequency (the first word the most frequent)."""
    weights = _cumulative(len(words))
    return [words[bisect.bisect_left(weights, rng.random() * weights[-1])] for _ in range(count)]


def make_entry(index: int, seed: int = 1) -> EntrySpec:
    rng = random.Random(seed * 1_000_003 + index)
    zh, latin, cyrillic = vocabulary(seed)
    roll = rng.random()
    kind = "procedure" if roll < 0.6 else "faq" if roll < 0.9 else "script" if roll < 0.95 else "contact"
    title = "".join(_draw(rng, zh, rng.randint(2, 4)))
    if rng.random() < 0.3:
        title = f"{_draw(rng, latin, 1)[0].upper()} {title}"
    title_en = " ".join(_draw(rng, latin, rng.randint(3, 6))).capitalize()
    aliases = ["".join(_draw(rng, zh, rng.randint(1, 3))) for _ in range(rng.randint(1, 3))]
    aliases += [" ".join(_draw(rng, cyrillic, rng.randint(1, 2)))] if rng.random() < 0.5 else []
    tags = _draw(rng, zh, rng.randint(1, 3))
    sentences = []
    for _ in range(rng.randint(4, 9)):
        script = rng.random()
        if script < 0.65:
            sentences.append("".join(_draw(rng, zh, rng.randint(4, 9))) + "。")
        elif script < 0.9:
            sentences.append(" ".join(_draw(rng, latin, rng.randint(4, 9))).capitalize() + ".")
        else:
            sentences.append(" ".join(_draw(rng, cyrillic, rng.randint(3, 7))).capitalize() + ".")
    body = " ".join(sentences)
    if kind == "procedure":
        steps = ["".join(_draw(rng, zh, rng.randint(2, 5))) for _ in range(rng.randint(2, 5))]
        body += "\n\n## 步骤\n\n" + "\n".join(f"{i}. {step}" for i, step in enumerate(steps, 1))
    if kind == "script":
        body += " {客户姓名}"
    eid = f"zipf-{index:06d}"
    operators = sorted(rng.sample(OPERATORS, rng.randint(0, 2)))
    spec = EntrySpec(eid, kind, title, title_en, list(dict.fromkeys(aliases)), list(dict.fromkeys(tags)),
                     operators, body, channel="online" if kind == "procedure" else "")
    if kind == "contact":
        spec.phones = [f"+7 (9{rng.randint(10, 99)}) {rng.randint(100, 999)}-{rng.randint(10, 99)}-"
                       f"{rng.randint(10, 99)}"]
    return spec


def generate_entries(count: int, seed: int = 1) -> Iterator[EntrySpec]:
    return (make_entry(i, seed) for i in range(count))


def render(spec: EntrySpec) -> str:
    def q(value: object) -> str:
        return json.dumps(value, ensure_ascii=False)

    lines = ["---", f"id: {spec.id}", f"type: {spec.type}", f"title: {q(spec.title)}", f"title_en: {q(spec.title_en)}",
             f"aliases: {q(spec.aliases)}", f"tags: {q(spec.tags)}", f"operators: {q(spec.operators)}"]
    if spec.channel:
        lines.append(f"channel: {spec.channel}")
    if spec.type == "contact":
        lines += [f"phones: {q(spec.phones)}", "apps: []"]
    lines += ["source: synthetic", "verified: 2026-11-22", "---", "", spec.body, ""]
    return "\n".join(lines)


def write_kb(root: Path, count: int, seed: int = 1) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for number, spec in enumerate(generate_entries(count, seed)):
        folder = root / f"part-{number // FILES_PER_FOLDER:03d}"
        if number % FILES_PER_FOLDER == 0:
            folder.mkdir(exist_ok=True)
        (folder / f"{spec.id}.md").write_text(render(spec), encoding="utf-8")
    return root


def make_queries(count: int = 240, seed: int = 1, source_entries: int = 1000,
                 held_out: bool = False) -> list[tuple[str, str, str]]:
    """(kind, query, id of the entry it was made from), round-robin over QUERY_KINDS, from the
    first `source_entries` entries (so valid at every size). The held-out set takes its own seed
    and the other half of those entries."""
    from pypinyin import Style, lazy_pinyin  # only here: the bench's workers must not carry its tables

    rng = random.Random((HELD_OUT_SEED if held_out else seed) * 7919)
    half = range(source_entries // 2, source_entries) if held_out else range(source_entries // 2)
    specs = [make_entry(i, seed) for i in half]

    def chinese(spec: EntrySpec) -> list[str]:
        return [run for run in _han_runs(spec.title) if len(run) >= 2]

    def piece(run: str) -> str:
        size = min(len(run), rng.randint(2, 4))
        start = rng.randint(0, len(run) - size)
        return run[start:start + size]

    def make(kind: str, spec: EntrySpec) -> str:
        runs = chinese(spec) or [spec.tags[0]]
        latin_title = spec.title_en.lower().split()
        match kind:
            case "zh_word":
                return piece(rng.choice(runs))
            case "zh_words":
                return f"{piece(rng.choice(runs))} {rng.choice(spec.tags)}"
            case "title":
                return spec.title
            case "title_en_words":
                return " ".join(rng.sample(latin_title, min(2, len(latin_title))))
            case "pinyin":
                return "".join(lazy_pinyin(piece(rng.choice(runs))))
            case "initials":
                return "".join(lazy_pinyin(rng.choice(runs), style=Style.FIRST_LETTER))
            case "typo_latin":
                word = max(latin_title, key=len)
                i = rng.randrange(len(word) - 1)
                return word[:i] + word[i + 1] + word[i] + word[i + 2:]
            case "alias":
                return rng.choice(spec.aliases)
            case "body_words":
                words = [w for w in spec.body.replace("。", " ").replace(".", " ").split() if w.isascii()]
                return " ".join(rng.sample(words, 2)) if len(words) >= 2 else spec.title
            case _:
                cyrillic = [a for a in spec.aliases if any("\u0400" <= ch <= "\u04ff" for ch in a)]
                return cyrillic[0].split()[0] if cyrillic else spec.title_en.split()[0].lower()

    queries: list[tuple[str, str, str]] = []
    seen: set[str] = set()
    attempts = 0
    while len(queries) < count and attempts < count * 50:
        kind = QUERY_KINDS[attempts % len(QUERY_KINDS)]
        spec = rng.choice(specs)
        query = make(kind, spec).strip()
        attempts += 1
        if query and query not in seen:
            seen.add(query)
            queries.append((kind, query, spec.id))
    return queries


def _han_runs(text: str) -> list[str]:
    runs, current = [], ""
    for ch in text:
        if "\u4e00" <= ch <= "\u9fff":
            current += ch
        elif current:
            runs.append(current)
            current = ""
    return runs + ([current] if current else [])
