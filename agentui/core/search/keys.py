"""Integer keys of the candidate index: for one query, and for a batch of entries at once (numpy)."""

from __future__ import annotations

import re

import numpy as np

from agentui.core.search.normalize import CJK_RANGES, TEXT_BREAK, fold_alone, fold_letters

# A key is an int64: a kind in the top bits, code points (21 bits each) or a word hash below.
UNIGRAM, BIGRAM, START1, START2, WORD, TRIGRAM, PREFIX = (kind << 59 for kind in range(1, 8))
HASHED = (WORD, PREFIX)
"""The kinds whose payload is a word hash, not code points (`compact` loses part of it)."""
PREFIXES = range(4, 9)
"""Lengths of the word beginnings keyed (head words of 5+ letters, not pinyin): typing `rene` or
`replacem`, whose bigrams thousands of entries share, finds the words that begin so."""
INITIALS = 1 << 58
"""Set on the keys of pinyin initials (`bk`), so `gx` typed as initials is not confused with the
bigram `gx` inside the joined pinyin of 生效 (`shengxiao`)."""
COMPACT_SHIFT = 16
"""A compact key (see `compact`) is the key shifted down this much above its payload."""
_PAYLOAD = (1 << 42) - 1
_HASH_BASE = 0x9E3779B97F4A7C15
_MASK64 = (1 << 64) - 1

_BREAK, _HAN, _DIGIT, _LETTER = 0, 1, 2, 3
_LETTER_CHAR = re.compile(r"[^\W\d_]")




# ---------------------------------------------------------------- one query unit at a time


def word_key(word: str) -> int:
    """Whole-word key: a polynomial hash mod 2**64, the same sum the batch path takes with numpy."""
    value, power = 0, _HASH_BASE
    for char in word:
        value = (value + ord(char) * power) & _MASK64
        power = (power * _HASH_BASE) & _MASK64
    return WORD | (value >> 8)


def prefix_key(word: str) -> int:
    """The key of entries with a head word that begins with `word` (and is longer)."""
    return word_key(word) ^ WORD | PREFIX


NAME_MARK = "\x01"
"""Begins the text a name key hashes: no unit holds it, so a name key is no word's key."""


def name_key(units: str) -> int:
    """The key of entries named exactly so (a title, an alias; see `document.SearchDoc.names`):
    the whole-word key of the name's units (`normalize.units_text`) after NAME_MARK."""
    return word_key(NAME_MARK + units)


def latin_keys(word: str) -> set[int]:
    """A query word's bigrams (typos, substrings), start (prefix typing) and whole word.

    The one-letter start is asked only of one-letter words: for longer words the two-letter start
    says more, and a one-letter start alone would add a posting list of a third of the KB."""
    codes = [ord(c) for c in word]
    keys = {BIGRAM | a << 21 | b for a, b in zip(codes, codes[1:], strict=False)}
    keys.add(START1 | codes[0] if len(codes) == 1 else START2 | codes[0] << 21 | codes[1])
    keys.add(word_key(word))
    return keys


def initials_keys(word: str) -> set[int]:
    return {key | INITIALS for key in latin_keys(word)}


def typo_words(word: str) -> set[str]:
    """The word with two neighbours swapped or one letter dropped: a typo the agent made that the
    KB's own word undoes (`азмена` -> `замена`, `esimm` -> `esim`)."""
    swaps = {word[:i] + word[i + 1] + word[i] + word[i + 2:] for i in range(len(word) - 1)}
    drops = {word[:i] + word[i + 1:] for i in range(len(word))}
    return (swaps | drops) - {word}


def han_keys(run: str) -> set[int]:
    """Bigrams of a Chinese query run; single characters only for short runs, where one wrong
    character (补咔) leaves no correct bigram. A longer run keeps correct bigrams around a typo."""
    codes = [ord(c) for c in run]
    keys = {BIGRAM | a << 21 | b for a, b in zip(codes, codes[1:], strict=False)}
    if len(codes) <= 2:
        keys.update(UNIGRAM | c for c in codes)
    return keys


def digit_keys(digits: str) -> set[int]:
    """Trigrams of each `|`-separated digit group: `7977979` finds `+7 (495) 797-79-79`."""
    return {TRIGRAM | int(group[i:i + 3]) for group in digits.split("|") for i in range(len(group) - 2)}


# ---------------------------------------------------------------- a batch of entries at once


KeyPairs = tuple[np.ndarray, np.ndarray]
"""(keys, owners): int64 keys and, for each, the owner value given for the text it came from."""

_UNKNOWN = 255
_code_classes: np.ndarray | None = None


def _class_table() -> np.ndarray:
    """The class of every code point, one byte each, so classifying a batch is one lookup. ASCII and
    Chinese are set up front; other code points (a KB meets a few hundred) when first seen."""
    global _code_classes
    if _code_classes is None:
        table = np.full(0x110000, _UNKNOWN, dtype=np.uint8)
        table[:128] = _BREAK
        table[ord("a"):ord("z") + 1] = table[ord("A"):ord("Z") + 1] = _LETTER
        table[ord("0"):ord("9") + 1] = _DIGIT
        for low, high in CJK_RANGES:
            table[low:high + 1] = _HAN
        _code_classes = table
    return _code_classes


def _classes(codes: np.ndarray) -> np.ndarray:
    table = _class_table()
    classes = table.take(codes)
    if classes.max(initial=0) == _UNKNOWN:  # a letter (Cyrillic, accented) or a break (marks, symbols)
        unknown = np.unique(codes[classes == _UNKNOWN])
        table[unknown] = [_LETTER if _LETTER_CHAR.match(chr(code)) else _BREAK for code in unknown.tolist()]
        classes = table.take(codes)
    return classes


def _powers(length: int) -> np.ndarray:
    """The hash's multipliers, from the base itself on: with 1 for the first character, words that
    differ only there by under 256 code points (`смена`, `змена`; `cat`, `bat`) differed only in
    the 8 low bits the key drops, and shared their key."""
    powers, value = [], _HASH_BASE
    for _ in range(max(1, length)):
        powers.append(value)
        value = (value * _HASH_BASE) & _MASK64
    return np.array(powers, dtype=np.uint64)


def text_codes(joined: str) -> np.ndarray:
    """Code points of TEXT_BREAK-joined texts, a TEXT_BREAK added at both ends so every unit starts
    and ends inside (the form the functions below take)."""
    return np.frombuffer(f"{TEXT_BREAK}{joined}{TEXT_BREAK}".encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def codes_text(codes: np.ndarray) -> str:
    """The joined texts of `text_codes`."""
    return codes[1:-1].tobytes().decode("utf-32-le", "surrogatepass")


_NOT_SEEN, _NOT_ALONE = 0xFFFFFFFF, 0xFFFFFFFE
_UNIFIED_HAN = ((0x4E00, 0x9FFF), (0x3400, 0x4DBF))
_code_folds: np.ndarray | None = None


def _fold_table() -> np.ndarray:
    """Each BMP code point folded (`normalize.fold_alone`), or _NOT_ALONE, filled in when first seen."""
    global _code_folds
    if _code_folds is None:
        table = np.full(0x10000, _NOT_SEEN, dtype=np.uint32)
        table[:128] = text_codes("".join(map(chr, range(128))).lower())[1:-1]
        for low, high in _UNIFIED_HAN:  # no decomposition, no case: themselves
            table[low:high + 1] = np.arange(low, high + 1)
        _code_folds = table
    return _code_folds


def fold_codes(codes: np.ndarray, joined: str) -> np.ndarray:
    """`text_codes` of each text's `fold_letters`, from the `text_codes` of `joined`: one table
    lookup, but for a text holding a character the table cannot fold alone (NFKC may change it with
    its neighbours; it folds to several characters, `ß`; it is beyond the BMP), folded as a string."""
    table = _fold_table()
    if codes.max(initial=0) <= 0xFFFF:
        folded = table.take(codes)
    else:
        folded = table.take(np.minimum(codes, 0xFFFF))
        folded[codes > 0xFFFF] = _NOT_ALONE
    if folded.max(initial=0) == _NOT_SEEN:
        unseen = np.unique(codes[folded == _NOT_SEEN])
        alone = [fold_alone(chr(code)) for code in unseen.tolist()]
        table[unseen] = [ord(char) if char is not None and len(char) == 1 else _NOT_ALONE for char in alone]
        folded[folded == _NOT_SEEN] = table[codes[folded == _NOT_SEEN]]
    if folded.max(initial=0) < _NOT_ALONE:
        return folded
    bounds = np.flatnonzero(codes == ord(TEXT_BREAK))
    pieces, done = [], 0
    for text in np.unique(np.searchsorted(bounds, np.flatnonzero(folded == _NOT_ALONE)) - 1).tolist():
        start, end = int(bounds[text]) + 1, int(bounds[text + 1])
        pieces += [folded[done:start], text_codes(fold_letters(joined[start - 1:end - 1]))[1:-1]]
        done = end
    pieces.append(folded[done:])
    return np.concatenate(pieces)


def han_runs(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where each run of Chinese characters (what `normalize.CJK_RUN` finds) starts and ends."""
    edges = np.flatnonzero(np.diff(_classes(codes) == _HAN, prepend=False, append=False))
    return edges[0::2], edges[1::2]


def _position_owners(codes: np.ndarray, owners: np.ndarray) -> np.ndarray:
    """The owner of each position of `text_codes` (a break's owner is never read)."""
    bounds = np.flatnonzero(codes == ord(TEXT_BREAK))
    if len(bounds) != len(owners) + 1:
        raise ValueError(f"{len(bounds) - 1} texts for {len(owners)} owners")
    return np.repeat(owners, np.diff(bounds))


def batch_keys(
    codes: np.ndarray, owners: np.ndarray, *, head: bool, flag: int = 0, prefixes: bool = False
) -> tuple[list[KeyPairs], KeyPairs]:
    """The keys of folded texts (see `text_codes`), `flag` (INITIALS or 0) set, each with the owner
    given for its text, possibly repeated; units are split as `normalize.split_units` splits them
    (script changes and non-word characters). Code-point keys come compact (see `compact`), in
    parts; whole-word keys apart, as they are.

    Head texts (titles, aliases, tags, their pinyin) get every bigram, Chinese single characters
    and both start keys; bodies get Chinese bigrams, word starts and whole words only: bigrams of
    every body word would double the postings for little recall."""
    position_owner = _position_owners(codes, owners)
    classes = _classes(codes)
    wide = codes.astype(np.int64)
    next_code = wide[1:]
    change = classes[1:] != classes[:-1]
    pair = ~change  # codes[i], codes[i + 1] in one unit
    pair &= classes[:-1] != _BREAK if head else classes[:-1] == _HAN
    first = np.flatnonzero(pair)
    bigrams = wide[first] << 21
    bigrams |= next_code[first]
    bigrams |= (BIGRAM | flag) >> COMPACT_SHIFT
    parts = [(bigrams, position_owner[first])]
    if head:
        han = np.flatnonzero(classes == _HAN)
        parts.append((wide[han] | (UNIGRAM | flag) >> COMPACT_SHIFT, position_owner[han]))
    starts, lengths = _word_spans(classes)
    one_letter = starts if head else starts[lengths == 1]  # the head has one-letter starts of every word
    long_starts = starts[lengths >= 2]
    start2 = wide[long_starts] << 21
    start2 |= next_code[long_starts]
    start2 |= (START2 | flag) >> COMPACT_SHIFT
    parts += [(wide[one_letter] | (START1 | flag) >> COMPACT_SHIFT, position_owner[one_letter]),
              (start2, position_owner[long_starts])]
    return parts, _word_keys(wide, classes, starts, lengths, position_owner, flag, prefixes)


def batch_words(codes: np.ndarray, owners: np.ndarray, *, flag: int = 0) -> KeyPairs:
    """Only the whole-word keys `batch_keys` gives these texts (for words whose other keys an
    entry holds already: the tails of a run's pinyin)."""
    classes = _classes(codes)
    starts, lengths = _word_spans(classes)
    return _word_keys(codes.astype(np.int64), classes, starts, lengths, _position_owners(codes, owners), flag, False)


def _word_spans(classes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where each word starts, and its length: the runs of one class that are letters or digits. A
    run ends where the class changes; the codes end on a break, so every word's run has a next one."""
    run_ends = np.flatnonzero(classes[1:] != classes[:-1])
    word_runs = np.flatnonzero(classes[1:][run_ends[:-1]] >= _DIGIT)
    starts = run_ends[word_runs] + 1
    return starts, run_ends[word_runs + 1] + 1 - starts


def _word_keys(
    wide: np.ndarray, classes: np.ndarray, starts: np.ndarray, lengths: np.ndarray, position_owner: np.ndarray,
    flag: int, prefixes: bool,
) -> KeyPairs:
    """Whole-word keys (a polynomial hash, as `word_key`) and, with `prefixes`, the PREFIXES keys."""
    if not len(starts):
        return wide[:0], position_owner[:0]
    terms = np.compress(classes >= _DIGIT, wide).view(np.uint64)  # the words' characters, in order
    offsets = np.zeros(len(lengths), dtype=np.int64)
    np.cumsum(lengths[:-1], out=offsets[1:])
    places = np.arange(len(terms)) - np.repeat(offsets, lengths)  # each character's place in its word
    terms *= _powers(int(lengths.max())).take(places)
    hashes = np.add.reduceat(terms, offsets)
    hashes >>= np.uint64(8)
    hashes = hashes.view(np.int64)
    hashes |= WORD | flag
    word_owners = position_owner[starts]
    if not prefixes:
        return hashes, word_owners
    # Word beginnings: the hash is a sum over the characters, so a beginning's is a running sum.
    word_of = np.repeat(np.arange(len(lengths)), lengths)
    kept = np.flatnonzero((places >= PREFIXES[0] - 1) & (places <= PREFIXES[-1] - 1)
                          & (places < lengths.take(word_of) - 1))
    running = np.cumsum(terms)
    before = np.zeros(len(lengths), dtype=np.uint64)
    before[1:] = running[offsets[1:] - 1]
    sums = running[kept] - before[word_of[kept]]
    sums >>= np.uint64(8)
    begun = sums.view(np.int64) | PREFIX | flag
    return np.concatenate([hashes, begun]), np.concatenate([word_owners, word_owners[word_of[kept]]])


def batch_name_keys(codes: np.ndarray, owners: np.ndarray, item_break: int) -> KeyPairs:
    """`name_key` of each item of folded texts (see `text_codes`; items are the texts, and the
    pieces of a text between `item_break` characters), each with its text's owner: the units of an
    item, one space between two, hashed as `word_key` hashes, after NAME_MARK."""
    position_owner = _position_owners(codes, owners)
    classes = _classes(codes)
    kept = np.flatnonzero(classes != _BREAK)
    if not len(kept):
        return np.zeros(0, np.int64), owners[:0]
    item_of = np.cumsum((codes == ord(TEXT_BREAK)) | (codes == item_break))[kept]
    first = np.r_[True, item_of[1:] != item_of[:-1]]
    new_unit = np.r_[True, (kept[1:] != kept[:-1] + 1) | (classes[kept[1:]] != classes[kept[:-1]])]
    spaced = new_unit & ~first
    # The hashed text of each item: NAME_MARK, then its characters with a space before each unit but the first.
    shift = np.cumsum(first.astype(np.int64) + spaced)
    places = np.arange(len(kept)) + shift
    text = np.empty(len(kept) + int(shift[-1]), dtype=np.uint64)
    text[places] = codes[kept]
    text[places[spaced] - 1] = ord(" ")
    item_starts = places[first] - 1
    text[item_starts] = ord(NAME_MARK)
    lengths = np.diff(np.append(item_starts, len(text)))
    offsets = np.repeat(item_starts, lengths)
    text *= _powers(int(lengths.max())).take(np.arange(len(text)) - offsets)
    hashes = np.add.reduceat(text, item_starts)
    hashes >>= np.uint64(8)
    return hashes.view(np.int64) | WORD, position_owner[kept[first]]


def compact(keys: np.ndarray) -> np.ndarray:
    """Code-point keys (every kind but WORD) leave bits 42 to 57 empty: with their kind and flag
    moved down right above the 42 payload bits, they fit 46 bits, room left for an owner."""
    return keys >> 58 << 42 | keys & _PAYLOAD


def expand(compacted: np.ndarray) -> np.ndarray:
    return compacted >> 42 << 58 | compacted & _PAYLOAD


def batch_digit_keys(codes: np.ndarray, owners: np.ndarray) -> KeyPairs:
    """Compact digit trigram keys of digit groups (see `text_codes`); the keys of `digit_keys`."""
    position_owner = _position_owners(codes, owners)
    digit = (codes >= 48) & (codes <= 57)
    first = np.flatnonzero(digit[:-2] & digit[1:-1] & digit[2:])
    values = codes[first].astype(np.int64) * 100 + codes[first + 1] * 10 + codes[first + 2] - 48 * 111
    return values | TRIGRAM >> COMPACT_SHIFT, position_owner[first]
