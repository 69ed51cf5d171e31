"""A small desk thesaurus: words agents use interchangeably for the same thing."""

from __future__ import annotations

# Each group is one meaning; a query word from a group also matches the others (slightly lower:
# `rules.SYNONYM`).
GROUPS: tuple[tuple[str, ...], ...] = (
    ("原因", "理由", "为什么"),
    ("多少钱", "费用", "收费", "价格", "手续费"),
    ("多久", "多长时间", "时间", "时长", "几天"),
    ("丢了", "丢失", "遗失", "不见了", "挂失"),
    ("坏了", "损坏", "坏掉"),
    ("充值", "续费", "缴费", "交费"),
    ("注销", "销号", "停用"),
    ("忘了", "忘记", "想不起"),
    ("电话", "热线", "客服"),
    ("线下", "营业厅", "门店"),
    ("线上", "网上", "在线"),
    ("time", "duration", "long"),
    ("fee", "cost", "price", "charge"),
    ("lost", "lose", "missing"),
    ("broken", "damaged"),
    ("renew", "renewal", "topup", "recharge"),
    ("cancel", "deactivate", "terminate"),
    ("phone", "hotline", "number", "call"),
)

_ALTERNATIVES: dict[str, tuple[str, ...]] = {}
for _group in GROUPS:
    for _word in _group:
        _ALTERNATIVES[_word] = tuple(w for w in _group if w != _word)


def word_alternatives(word: str) -> tuple[str, ...]:
    return _ALTERNATIVES.get(word, ())


def run_variants(run: str, limit: int = 6) -> list[tuple[str, str]]:
    """The Chinese run with one thesaurus word swapped for each of its alternatives, with the word
    put in (an entry that never uses it cannot match the variant better than the run itself)."""
    variants: list[tuple[str, str]] = []
    for word, alternatives in _ALTERNATIVES.items():
        if not word.isascii() and word in run:
            variants.extend((run.replace(word, alternative, 1), alternative) for alternative in alternatives)
            if len(variants) >= limit:
                break
    return variants[:limit]
