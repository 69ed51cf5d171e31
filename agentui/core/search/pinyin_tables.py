"""The pinyin tables the search reads, built from pypinyin's data files once and kept in the search cache dir."""

# Building them reads pypinyin's two JSON files (~0.35 s: 42k characters, 47k phrases); a warm
# start reads them back from one file in a few milliseconds. Readings and phrases stay packed in
# strings there (per 256 code points, per first character) and `hanzi` unpacks a pack on first
# use, so a start pays for the characters its KB and queries touch, not for all of them.
#
# Importing pypinyin builds every table it has (56 MiB, 0.2 s), so its data files are read as
# files; the segmentation they feed repeats pypinyin's step for step (see `hanzi`).

from __future__ import annotations

import contextlib
import importlib.util
import json
import pickle
import re
import threading
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

TABLE_FORMAT = "pinyin-tables-1"
"""Bumped whenever what the tables hold or how they are packed changes."""
TABLE_MARK = "agentui-pinyin-tables"
PREFIX, PLAIN = 0, 1
"""What `hanzi` makes of a phrase pack: a proper prefix of some phrase only; a phrase read as its
characters' primary readings. Any other value is the phrase's own syllables, space-joined."""
ITEM, FIELD = "\x1e", "\x1f"
"""Separate the items of a pack, and an item's key from its value (neither is in any reading)."""
BLOCK_SHIFT = 8
"""Readings are packed per 256 code points (`ord(char) >> BLOCK_SHIFT`)."""

_TONE_MARKS = str.maketrans({
    **dict.fromkeys("āáǎà", "a"), **dict.fromkeys("ēéěè", "e"), **dict.fromkeys("ōóǒò", "o"),
    **dict.fromkeys("īíǐì", "i"), **dict.fromkeys("ūúǔù", "u"), **dict.fromkeys("üǖǘǚǜ", "v"),
    **dict.fromkeys("ńňǹ", "n"), "ḿ": "m", "ế": "ê", "ề": "ê",
    "\u0304": None, "\u0300": None, "\u030c": None,  # the marks of m̄, m̀, ê̄, ê̌ (no precomposed form)
})
_DIGITS = re.compile(r"\d")
_VERSION = re.compile(r"""^__version__\s*=\s*['"]([^'"]+)['"]""", re.MULTILINE)
_PHRASE_KEY = re.compile(r'"([^"]+)":\s*\[')
_FIRST_READING = re.compile(r'\[\s*"([^"]*)"')
"""In `{"银行": [["yín"], ["háng", "xíng"]], …}` the phrases, and the first reading of each character."""


@dataclass(frozen=True, slots=True)
class PinyinTables:
    version: str
    """The pypinyin version whose data files these were built from."""
    syllables: tuple[str, ...]
    """Every toneless syllable of every character's readings (~420), sorted."""
    readings: Mapping[int, str]
    """Code point >> BLOCK_SHIFT -> `字a,b` items (the character, then its distinct toneless
    readings, most common first), ITEM-separated."""
    phrases: Mapping[str, str]
    """First character -> `phrase FIELD syllables` items (syllables space-joined, or empty for a
    phrase read as its characters' primary readings), ITEM-separated."""


def toneless(reading: str) -> str:
    """`lǜ` -> `lv`, `ê̄` -> `ê`: pypinyin's NORMAL style."""
    return _DIGITS.sub("", reading.translate(_TONE_MARKS))


def _package_dir() -> Path:
    spec = importlib.util.find_spec("pypinyin")  # finds the package without running its __init__
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("pypinyin is not installed")
    return Path(next(iter(spec.submodule_search_locations)))


def pypinyin_version() -> str:
    """Read from its `__init__.py`: importing it builds its tables, `importlib.metadata` takes 50 ms."""
    found = _VERSION.search((_package_dir() / "__init__.py").read_text(encoding="utf-8"))
    return found.group(1) if found else "unknown"


# --- built from pypinyin's data files -------------------------------------------------------------
def build() -> PinyinTables:
    """The tables from pypinyin's data files (~0.35 s)."""
    char_table = json.loads((_package_dir() / "pinyin_dict.json").read_text(encoding="utf-8"))
    readings: dict[int, tuple[str, ...]] = {}
    marked: set[str] = set()
    for code, joined in char_table.items():
        own = joined.split(",")
        marked.update(own)
        readings[int(code)] = tuple(dict.fromkeys(toneless(r) for r in own))
    blocks: dict[int, list[str]] = {}
    for code in sorted(readings):
        blocks.setdefault(code >> BLOCK_SHIFT, []).append(chr(code) + ",".join(readings[code]))
    return PinyinTables(
        version=pypinyin_version(),
        syllables=_syllables_of(marked),
        readings={block: ITEM.join(items) for block, items in blocks.items()},
        phrases=_phrase_packs(readings),
    )


def _syllables_of(marked: set[str]) -> tuple[str, ...]:
    """Toneless syllables of ~1,500 distinct tone-marked readings (ǜ -> v, as pypinyin writes it)."""
    syllables = set()
    for reading in marked:
        plain = unicodedata.normalize("NFD", reading).replace("u\u0308", "v")
        syllables.add("".join(c for c in plain if not unicodedata.combining(c)))
    return tuple(sorted(syllables))


def _phrase_packs(readings: Mapping[int, tuple[str, ...]]) -> dict[str, str]:
    """Read with two regexes rather than `json.loads`, whose 150k little lists cost 100 MiB of
    peak memory for a table that ends up a tenth of that. A phrase listed twice keeps its last
    reading, as pypinyin's dict does."""
    text = (_package_dir() / "phrases_dict.json").read_text(encoding="utf-8")
    phrases = _PHRASE_KEY.findall(text)
    firsts = _FIRST_READING.findall(text)
    if sum(map(len, phrases)) != len(firsts):  # a layout these regexes misread: take the slow way
        raw = json.loads(text)
        phrases, firsts = list(raw), [items[0] for values in raw.values() for items in values]
    del text
    spoken = toneless(" ".join(firsts)).split(" ")
    own: dict[str, str] = {}
    position = 0
    for phrase in phrases:
        syllables = spoken[position:position + len(phrase)]
        position += len(phrase)
        primary = [readings[ord(c)][0] if ord(c) in readings else c for c in phrase]
        own[phrase] = "" if syllables == primary else " ".join(syllables)
    packs: dict[str, list[str]] = {}
    for phrase, value in own.items():
        packs.setdefault(phrase[0], []).append(phrase + FIELD + value)
    return {first: ITEM.join(items) for first, items in packs.items()}


# --- kept in the search cache dir -----------------------------------------------------------------
def tables_path(cache_dir: Path, version: str) -> Path:
    import hashlib

    digest = hashlib.sha256(f"{TABLE_FORMAT}\0{version}".encode()).hexdigest()[:40]
    return cache_dir / f"pinyin-{digest}.pickle"


class _PlainUnpickler(pickle.Unpickler):
    """Strings, numbers, tuples and dicts only: a tables file never makes the reader import a class."""

    def find_class(self, module: str, name: str) -> Any:
        raise pickle.UnpicklingError(f"not a tables file: {module}.{name}")


def read(path: Path, version: str) -> PinyinTables:
    """The tables kept at `path`; ValueError for anything but a well-formed file of this format
    and pypinyin version (OSError if it cannot be read)."""
    with path.open("rb") as handle:
        try:
            value = _PlainUnpickler(handle).load()
        except (pickle.UnpicklingError, EOFError, ValueError, TypeError, IndexError, KeyError,
                AttributeError, MemoryError, RecursionError) as error:
            raise ValueError(f"not a tables file: {error}") from error
    if not (isinstance(value, tuple) and len(value) == 6 and value[:3] == (TABLE_MARK, TABLE_FORMAT, version)):
        raise ValueError("not a tables file of this format and pypinyin version")
    _, _, _, syllables, readings, phrases = value
    if not (isinstance(syllables, tuple) and syllables and all(isinstance(s, str) for s in syllables)
            and _packs(readings, int) and _packs(phrases, str)):
        raise ValueError("not a tables file: malformed tables")
    return PinyinTables(version, syllables, readings, phrases)


def _packs(value: object, key_type: type) -> bool:
    return isinstance(value, dict) and bool(value) and all(
        isinstance(key, key_type) and isinstance(pack, str) for key, pack in value.items())


def write(path: Path, tables: PinyinTables) -> None:
    """Best effort, atomically (temp file, fsync, rename): a cache dir that cannot be written only
    costs the next start a rebuild."""
    from agentui.core.cases.atomic import atomic_write, ensure_private_dir
    from agentui.core.cases.errors import StoreError

    value = (TABLE_MARK, TABLE_FORMAT, tables.version, tables.syllables, dict(tables.readings), dict(tables.phrases))
    try:
        ensure_private_dir(path.parent)  # 0700, whatever the umask
        atomic_write(path, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))  # 0600
    except (OSError, StoreError):
        return
    for old in path.parent.glob("pinyin-*.pickle"):  # another pypinyin's or format's: never read again
        if old != path:
            with contextlib.suppress(OSError):
                old.unlink()


def load(cache_dir: Path | None, have: PinyinTables | None = None) -> PinyinTables:
    """The tables kept in `cache_dir`; a missing, unreadable, foreign or stale file (another
    pypinyin version, another format) is rebuilt from pypinyin's data (or taken from `have`, the
    tables already in memory) and written again."""
    if cache_dir is None:
        return have or build()
    version = pypinyin_version()
    path = tables_path(cache_dir, version)
    try:
        return read(path, version)
    except (OSError, ValueError):
        pass
    tables = have if have is not None and have.version == version else build()
    write(path, tables)
    return tables


# --- the tables of this process -------------------------------------------------------------------
_home: Path | None = None
_tables: PinyinTables | None = None
_tables_home: Path | None = None
"""Where `_tables` were read from or written to."""
_lock = threading.Lock()


def keep_in(cache_dir: Path | None) -> None:
    """Where `tables` reads (or first writes) the tables: the search cache dir, given by whoever
    opens the index (None: built in memory, as in tests without a cache dir)."""
    global _home
    _home = cache_dir


def tables() -> PinyinTables:
    """This process's tables, read (or built) on first use; the loading worker asks first. Once a
    cache dir is known, tables built without one are written there."""
    global _tables, _tables_home
    if _tables is None or _tables_home != _home:
        with _lock:  # the KB worker and a search worker may both ask first
            if _tables is None or _tables_home != _home:
                home = _home
                _tables, _tables_home = load(home, _tables), home
    return _tables
