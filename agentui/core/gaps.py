"""The KB's to-do list: searches that found nothing or were given up, grouped by topic.

Agents ask one question in several forms: `注销流量卡`, `流量卡注销`, `流量卡 注销`, `怎么注销流量卡`,
a typo (`注消流量卡`), `cancel data card` / `data card cancel`. A topic is the multiset of a query's
tokens (each Chinese character, each other word, folded; question words and particles dropped),
so word order, spacing, punctuation and case never split one. Topics whose token multisets are
nearly the same (Dice ≥ `SIMILAR`, i.e. one character in five differs) are joined too, which
catches typos and an extra word in longer questions while keeping short ones (`mts` / `mtc`,
`esim` / `esim 国外`) apart.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace

from agentui.core.cases.records import Event
from agentui.core.search.normalize import fold, is_cjk, split_units

SIMILAR = 0.8
"""Dice similarity of two token multisets at or above which they are one topic."""
STOP_CHARACTERS = frozenset("的了吗呢啊吧么嘛呀哦")
STOP_WORDS = frozenset({
    "怎么", "怎样", "如何", "怎么办", "请问", "我想", "我要", "一下", "可以", "能不能", "是否",
    "how", "to", "do", "i", "my", "the", "a", "an", "can", "what", "is",
})
"""Question words and particles: `怎么注销流量卡` asks what `注销流量卡` asks."""
_CJK_STOP_WORDS = sorted((w for w in STOP_WORDS if is_cjk(w[0])), key=lambda w: (-len(w), w))
"""Longest first, so `怎么办` goes whole rather than leaving `办`."""


@dataclass(frozen=True, slots=True)
class Offered:
    """The entry the search offers for a topic: what the agent saw first."""

    id: str
    title: str
    all_words: bool
    """It holds every word of the query (otherwise the closest entry, lacking some)."""


@dataclass(frozen=True, slots=True)
class Gap:
    topic: str
    """The form asked most often (the most recent of equally frequent ones)."""
    count: int
    found_nothing: int
    """How many of `count` found no entry at all (the others: results shown, none opened)."""
    last_seen: str
    """UTC ISO-8601 of the latest."""
    forms: tuple[str, ...]
    """Every form asked, most often first (`topic` first)."""
    agents: int
    """How many agents asked it (floor wide with the team store)."""
    offered: Offered | None = None


def topic_tokens(query: str) -> tuple[str, ...]:
    """The query's tokens, sorted: equal for the same words in any order, spacing or case."""
    tokens: list[str] = []
    for unit in split_units(fold(query)):
        if is_cjk(unit[0]):
            for word in _CJK_STOP_WORDS:
                unit = unit.replace(word, "")
            tokens.extend(char for char in unit if char not in STOP_CHARACTERS)
        elif unit not in STOP_WORDS:
            tokens.append(unit)
    if not tokens:  # a query of stop words only is still a question
        tokens = list(split_units(fold(query)))
    return tuple(sorted(tokens))


def similarity(a: Sequence[str], b: Sequence[str]) -> float:
    """Dice coefficient of two token multisets (1.0: the same tokens)."""
    if not a and not b:
        return 1.0
    common = sum((Counter(a) & Counter(b)).values())
    return 2 * common / (len(a) + len(b))


def group_misses(events: Iterable[Event], similar: float = SIMILAR) -> list[Gap]:
    """`miss` and `zero` records grouped by topic, most asked first (then most recent, then by
    topic): the same records always give the same list."""
    by_key: dict[tuple[str, ...], list[Event]] = {}
    for event in events:
        form = " ".join(event.ref.split())
        if form:
            by_key.setdefault(topic_tokens(form), []).append(replace(event, ref=form))
    keys = list(by_key)
    parent = list(range(len(keys)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j in _similar_pairs(keys, similar):
        parent[root(i)] = root(j)
    groups: dict[int, list[Event]] = {}
    for i, key in enumerate(keys):
        groups.setdefault(root(i), []).extend(by_key[key])
    gaps = [_gap(members) for members in groups.values()]
    gaps.sort(key=lambda gap: (-gap.count, _descending(gap.last_seen), gap.topic))
    return gaps


def with_offered(gaps: Sequence[Gap], offer: Callable[[str], Offered | None]) -> list[Gap]:
    """Each gap with the entry the search offers for its topic (e.g. `index.search(topic, 1)`)."""
    return [replace(gap, offered=offer(gap.topic)) for gap in gaps]


def _gap(events: list[Event]) -> Gap:
    counts = Counter(event.ref for event in events)
    latest: dict[str, str] = {}
    for event in events:
        latest[event.ref] = max(latest.get(event.ref, ""), event.at)
    forms = sorted(counts, key=lambda form: (-counts[form], _descending(latest[form]), form))
    return Gap(
        topic=forms[0], count=len(events), found_nothing=sum(1 for e in events if e.kind == "zero"),
        last_seen=max(latest.values()), forms=tuple(forms), agents=len({e.agent for e in events}),
    )  # fmt: skip


def _descending(text: str) -> tuple[int, ...]:
    return tuple(-ord(char) for char in text)


def _similar_pairs(keys: list[tuple[str, ...]], similar: float) -> Iterable[tuple[int, int]]:
    """Pairs of keys with similarity ≥ `similar`, without comparing every pair: two multisets that
    similar share a token among the rarest few of either (prefix filtering, on tokens numbered by
    occurrence so multisets become sets)."""
    sets = [_numbered(key) for key in keys]
    frequency = Counter(token for tokens in sets for token in tokens)
    jaccard = similar / (2 - similar)  # Dice ≥ d  ⇔  Jaccard ≥ d / (2 - d)
    seen_with: dict[tuple[str, int], list[int]] = {}
    for i, tokens in enumerate(sets):
        ordered = sorted(tokens, key=lambda token: (frequency[token], token))
        prefix = len(ordered) - math.ceil(jaccard * len(ordered)) + 1
        candidates: set[int] = set()
        for token in ordered[:prefix]:
            candidates.update(seen_with.get(token, ()))
            seen_with.setdefault(token, []).append(i)
        for j in sorted(candidates):
            if similarity(keys[i], keys[j]) >= similar:
                yield i, j


def _numbered(tokens: tuple[str, ...]) -> set[tuple[str, int]]:
    seen: Counter[str] = Counter()
    numbered = set()
    for token in tokens:
        seen[token] += 1
        numbered.add((token, seen[token]))
    return numbered
