"""Deterministic synthetic KBs and queries in the real KB file format, for the search benchmark."""

from __future__ import annotations

import json
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

FILES_PER_FOLDER = 1000
GENERATOR_VERSION = 2
"""Bump when the output changes, so KBs kept with --keep are regenerated."""
_PHONE = re.compile(r"\+7 \(\d{3}\) \d{3}-\d{2}-\d{2}")

# operator id -> (Latin, Cyrillic, Chinese, app, hotline); Latin is most common in titles.
OPERATORS = {
    "mts": ("MTS", "МТС", "移动电信", "Мой МТС", "8 800 250-08-90"),
    "megafon": ("MegaFon", "МегаФон", "麦加丰", "МегаФон", "8 800 550-05-00"),
    "beeline": ("Beeline", "Билайн", "比莱恩", "Мой Билайн", "8 800 700-06-11"),
    "tele2": ("Tele2", "Теле2", "Теле2", "Мой Tele2", "8 800 555-06-11"),
}
# (Chinese, English, Russian)
OBJECTS = [
    ("流量卡", "data card", "SIM для интернета"), ("保号卡", "number-keeping card", "SIM для сохранения номера"),
    ("SIM卡", "SIM card", "SIM-карта"), ("eSIM", "eSIM", "eSIM"), ("套餐", "plan", "тариф"),
    ("余额", "balance", "баланс"), ("话费", "airtime credit", "счёт"), ("漫游", "roaming", "роуминг"),
    ("实名认证", "identity verification", "верификация"), ("携号转网", "number porting", "перенос номера"),
    ("配置文件", "eSIM profile", "профиль eSIM"), ("个人账户", "personal account", "личный кабинет"),
    ("国际长途", "international calls", "международные звонки"), ("短信服务", "SMS service", "SMS-сервис"),
    ("来电转接", "call forwarding", "переадресация"), ("号码", "phone number", "номер"),
]
ACTIONS = [
    ("补卡", "replace", "замена"), ("注销", "cancel", "отключение"), ("续费", "renew", "продление"),
    ("激活", "activate", "активация"), ("查询", "check", "проверка"), ("充值", "top up", "пополнение"),
    ("开通", "enable", "подключение"), ("停机", "suspend", "блокировка"), ("复机", "restore", "разблокировка"),
    ("变更", "change", "смена"), ("办理", "apply for", "оформление"), ("退订", "unsubscribe from", "отказ от"),
]
CHANNELS = {"online": ("线上", "online"), "offline": ("营业厅", "in a store"), "phone": ("电话", "by phone")}
QUALIFIERS = [
    ("护照过期", "with an expired passport", "просроченный паспорт"), ("人在国外", "abroad", "за границей"),
    ("手机丢失", "after losing the phone", "потеря телефона"), ("欠费", "with a negative balance", "задолженность"),
    ("学生", "for students", "студент"), ("企业客户", "for business customers", "корпоративный клиент"),
    ("代办", "by proxy", "по доверенности"), ("无护照", "without a passport", "без паспорта"),
    ("莫斯科", "in Moscow", "Москва"), ("圣彼得堡", "in Saint Petersburg", "Санкт-Петербург"),
    ("喀山", "in Kazan", "Казань"), ("新西伯利亚", "in Novosibirsk", "Новосибирск"),
    ("叶卡捷琳堡", "in Yekaterinburg", "Екатеринбург"), ("老用户", "for long-time customers", "давний абонент"),
]
OTHER_ZH = ["营业厅", "护照", "运营商", "客服", "热线", "验证码", "工作日", "手续费", "人工", "短信"]
OTHER_EN = ["passport", "hotline", "operator", "profile", "store", "refund", "SMS code", "QR code"]
OTHER_RU = ["паспорт", "оператор", "салон связи", "доверенность", "код", "возврат", "договор"]
DEVICES = ["iPhone 15", "Xiaomi 14", "Huawei P60", "Samsung Galaxy S24", "Honor 90", "Pixel 8"]
# Similar-sounding or similar-looking substitutes an agent might type by mistake.
HOMOPHONES = {
    "补": "不", "卡": "咔", "流": "留", "量": "两", "保": "宝", "号": "好", "费": "废", "注": "住", "销": "消",
    "激": "级", "活": "火", "套": "讨", "餐": "参", "余": "鱼", "额": "俄", "话": "画", "漫": "慢", "游": "由",
    "续": "需", "停": "听", "复": "付", "认": "任", "证": "正", "转": "赚", "网": "往", "查": "茶", "询": "寻",
    "充": "冲", "值": "直", "开": "凯", "通": "同", "办": "半", "理": "里", "护": "户", "照": "找", "营": "赢",
    "厅": "听", "客": "刻", "服": "福", "热": "惹", "线": "现", "携": "鞋", "退": "推", "订": "定", "变": "便",
    "更": "跟", "实": "时", "名": "明", "账": "帐", "户": "互", "配": "陪", "置": "治", "文": "问", "件": "见",
}


@dataclass(slots=True)
class EntrySpec:
    """One synthetic entry before it is written, so queries can be drawn from what was generated."""

    id: str
    type: str
    title: str
    title_en: str
    aliases: list[str]
    tags: list[str]
    operators: list[str]
    body: str
    channel: str = ""
    phones: list[str] = field(default_factory=list)
    apps: list[str] = field(default_factory=list)


def _rng(seed: int, index: int) -> random.Random:
    """Entry i depends only on (seed, i), so the 1k KB is a prefix of the 10k and 100k ones."""
    return random.Random(seed * 1_000_003 + index)


def _mobile(rng: random.Random) -> str:
    return f"+7 (9{rng.randint(10, 99)}) {rng.randint(100, 999)}-{rng.randint(10, 99)}-{rng.randint(10, 99)}"


def _title(rng: random.Random, kind: str, op: str, obj: tuple, act: tuple, chan: str, qual: tuple | None) -> str:
    latin, cyr, zh = OPERATORS[op][:3]
    name = rng.choices([latin, cyr, zh], weights=[6, 2, 1])[0]
    q = qual[0] if qual else ""
    if kind == "faq":
        forms = [f"{name} {obj[0]}{act[0]}需要护照吗？", f"为什么{name}{obj[0]}无法{act[0]}？",
                 f"{obj[0]}{act[0]}后多久生效（{name}）？", f"{name} {obj[0]}{act[0]}{q}怎么办？"]
        return rng.choice(forms)
    ch = CHANNELS[chan][0]
    forms = [f"{name} {obj[0]}{act[0]}（{ch}）", f"{name} {obj[0]}{act[0]}：{q or ch}",
             f"{obj[0]}{act[0]}（{name}，{q or ch}）", f"如何{ch}{act[0]}{name}{obj[0]}{q}"]
    return rng.choice(forms)


def _sentences(rng: random.Random, op: str, obj: tuple, act: tuple, qual: tuple | None) -> list[str]:
    latin, cyr, _zh, app, hotline = OPERATORS[op]
    q = qual or rng.choice(QUALIFIERS)
    n = rng.randint(1, 30)
    pool = [
        f"客户需携带护照到{latin}营业厅办理{obj[0]}{act[0]}，工作人员会核对实名认证信息。",
        f"Абонент {cyr}: {act[2]} ({obj[2]}) через личный кабинет или по телефону {_mobile(rng)}.",
        f"If the customer is {q[1]}, {act[1]} the {obj[1]} in the {app} app.",
        f"{latin} 热线 {hotline}，工作时间 9:00–21:00（莫斯科时间）。",
        f"办理费用约 {n * 10} ₽，余额不足时需先充值（пополнение баланса）。",
        f"注意：{obj[0]}{act[0]}后原号码保留 {n} 天，{q[0]}的情况需要人工审核。",
        f"Проверьте баланс командой *100# перед операцией «{act[2]}».",
        f"常见机型 {rng.choice(DEVICES)} 支持 eSIM，配置文件通过 QR code 下载。",
        f"Roaming and {obj[1]} fees are charged per {rng.choice(['day', 'MB', 'minute'])}.",
        f"Для случая «{q[2]}» нужны {rng.choice(OTHER_RU)} и {rng.choice(OTHER_RU)}; see {rng.choice(OTHER_EN)}.",
        f"{rng.choice(OTHER_ZH)}相关问题请联系运营商客服，手续费以 {latin} 官网为准。",
    ]
    rng.shuffle(pool)
    return pool


def _steps(rng: random.Random, op: str, obj: tuple, act: tuple) -> list[str]:
    _latin, _cyr, _zh, app, hotline = OPERATORS[op]
    pool = [f"核对客户护照和号码 {_mobile(rng)}", f"登录「{app}」，进入「{obj[0]}」页面",
            f"选择「{act[0]}」（{act[2]}）并确认", "等待短信验证码（SMS код）并输入",
            f"告知客户 {rng.randint(1, 5)} 个工作日内生效", f"如失败，拨打 {hotline} 转人工"]
    return rng.sample(pool, rng.randint(3, 5))


def make_entry(index: int, seed: int = 1) -> EntrySpec:
    """Mostly procedures and FAQs with a sprinkle of contacts, so every query word has many candidates."""
    rng = _rng(seed, index)
    roll = rng.random()
    kind = "contact" if roll < 0.01 else "faq" if roll < 0.35 else "procedure"
    op = rng.choice(list(OPERATORS))
    latin, cyr, zh_name, app, hotline = OPERATORS[op]
    obj, act = rng.choice(OBJECTS), rng.choice(ACTIONS)
    qual = rng.choice(QUALIFIERS) if rng.random() < 0.5 else None
    chan = rng.choice(list(CHANNELS))
    eid = f"synthetic-{index:06d}"
    if kind == "contact":
        city = rng.choice(QUALIFIERS[8:13])
        phone = f"+7 ({rng.randint(300, 999)}) {rng.randint(100, 999)}-{rng.randint(10, 99)}-{rng.randint(10, 99)}"
        body = (f"{latin}（{cyr}，{zh_name}）{city[0]}客服热线 {hotline}，地区电话 {phone}。"
                f"Официальное приложение «{app}». Hotline for {city[1]}: {hotline}. "
                + " ".join(_sentences(rng, op, obj, act, city)[:3]))
        return EntrySpec(eid, kind, f"{latin} 客服热线（{city[0]}）", f"{latin} hotline {city[1]}",
                         [f"{cyr} {city[2]}", f"{zh_name}客服"], ["热线", "客服"], [op], body[:360],
                         phones=[hotline, phone], apps=[app])
    title = _title(rng, kind, op, obj, act, chan, qual)
    en_chan = CHANNELS[chan][1] if kind == "procedure" else ""
    title_en = " ".join(filter(None, [act[1].capitalize(), f"the {latin} {obj[1]}", en_chan, qual[1] if qual else ""]))
    aliases = rng.sample([f"{obj[0]}丢了", f"{act[2]} {obj[2]}", f"{act[1]} {obj[1]}", f"怎么{act[0]}",
                          f"{obj[0]}不能用了", f"{cyr} {act[2]}"], rng.randint(2, 3))
    tags = [act[0], obj[0]] + ([qual[0]] if qual else [])
    operators = [op] if rng.random() < 0.85 else sorted(rng.sample(list(OPERATORS), 2))
    body, target = "", rng.randint(170, 230) if kind == "procedure" else rng.randint(270, 330)
    for sentence in _sentences(rng, op, obj, act, qual):
        if len(body) >= target:
            break
        body += sentence if sentence.endswith("。") else sentence + " "
    body = body.rstrip()
    if kind == "procedure":
        steps = _steps(rng, op, obj, act)
        body += "\n\n## 步骤\n\n" + "\n".join(f"{i}. {s}" for i, s in enumerate(steps, 1))
    channel = chan if kind == "procedure" else ""
    return EntrySpec(eid, kind, title, title_en, aliases, tags, operators, body, channel=channel)


def generate_entries(count: int, seed: int = 1) -> Iterator[EntrySpec]:
    return (make_entry(i, seed) for i in range(count))


def render(spec: EntrySpec) -> str:
    """JSON-quoted scalars and lists are valid YAML and never trip on `:`, `#` or brackets in the text."""

    def q(value: object) -> str:
        return json.dumps(value, ensure_ascii=False)

    lines = ["---", f"id: {spec.id}", f"type: {spec.type}", f"title: {q(spec.title)}", f"title_en: {q(spec.title_en)}",
             f"aliases: {q(spec.aliases)}", f"tags: {q(spec.tags)}", f"operators: {q(spec.operators)}"]
    if spec.channel:
        lines.append(f"channel: {spec.channel}")
    if spec.type == "contact":
        lines += [f"phones: {q(spec.phones)}", f"apps: {q(spec.apps)}"]
    lines += ["source: synthetic", "verified: 2026-11-22", "---", "", spec.body, ""]
    return "\n".join(lines)


def write_kb(root: Path, count: int, seed: int = 1) -> Path:
    """Write `count` entry files under root in subfolders of at most FILES_PER_FOLDER files."""
    root.mkdir(parents=True, exist_ok=True)
    for spec in generate_entries(count, seed):
        number = int(spec.id.rsplit("-", 1)[1])
        folder = root / f"part-{number // FILES_PER_FOLDER:03d}"
        if number % FILES_PER_FOLDER == 0:
            folder.mkdir(exist_ok=True)
        (folder / f"{spec.id}.md").write_text(render(spec), encoding="utf-8")
    return root


def _is_han(text: str) -> bool:
    return bool(text) and all("\u4e00" <= ch <= "\u9fff" for ch in text)


def _swap_typo(rng: random.Random, word: str) -> str:
    i = rng.randrange(len(word) - 1)
    return word[:i] + word[i + 1] + word[i] + word[i + 2:]


QUERY_KINDS = ("zh_word", "zh_fragment", "pinyin", "pinyin_spaced", "initials", "latin", "cyrillic",
               "typo_latin", "typo_zh", "multi_word", "phone", "title")


def make_queries(count: int = 240, seed: int = 1, source_entries: int = 1000) -> list[tuple[str, str]]:
    """(kind, query) pairs drawn from the vocabulary and from the first `source_entries` entries.

    Only the first entries are used, so the same queries are valid at every KB size.
    """
    rng = random.Random(seed * 7919)
    specs = list(generate_entries(source_entries, seed))
    han_words = [w for w in [o[0] for o in OBJECTS] + [a[0] for a in ACTIONS] + [q[0] for q in QUALIFIERS]
                 + OTHER_ZH if _is_han(w)]
    latin_words = [o[1] for o in OBJECTS] + [a[1] for a in ACTIONS] + OTHER_EN + [v[0] for v in OPERATORS.values()]
    cyr_words = [o[2] for o in OBJECTS] + [a[2] for a in ACTIONS] + [q[2] for q in QUALIFIERS] + OTHER_RU
    cyr_words += [v[1] for v in OPERATORS.values()]

    def han_fragment() -> str:
        runs = [r for r in _han_runs(rng.choice(specs).title) if len(r) >= 2]
        run = rng.choice(runs) if runs else rng.choice(han_words)
        size = min(len(run), rng.randint(2, 4))
        start = rng.randint(0, len(run) - size)
        return run[start:start + size]

    def han_for_pinyin() -> str:
        return rng.choice(han_words) if rng.random() < 0.6 else han_fragment()

    def typo_zh() -> str:
        word = rng.choice([w for w in han_words if any(ch in HOMOPHONES for ch in w)])
        spots = [i for i, ch in enumerate(word) if ch in HOMOPHONES]
        i = rng.choice(spots)
        return word[:i] + HOMOPHONES[word[i]] + word[i + 1:]

    def multi_word() -> str:
        op = rng.choice(list(OPERATORS.values()))
        obj, act = rng.choice(OBJECTS), rng.choice(ACTIONS)
        forms = [f"{op[0].lower()} {act[0]}", f"{obj[1]} {act[1]}", f"{op[1]} {act[2]}",
                 f"{op[0].lower()} {obj[0]} {act[0]}", f"esim {act[1]}", f"{obj[0]} {act[1]}",
                 f"{op[0]} {rng.choice(QUALIFIERS)[0]}"]
        return rng.choice(forms)

    def phone() -> str:
        if rng.random() < 0.4:
            digits = "".join(ch for ch in rng.choice(list(OPERATORS.values()))[4] if ch.isdigit())
            return rng.choice([digits, digits[1:], digits[-7:]])
        found = [m for s in specs for m in _phones_in(s.body)]
        number = rng.choice(found)
        digits = "".join(ch for ch in number if ch.isdigit())
        return rng.choice([number[3:], digits[1:], digits[-7:], number[-9:]])

    # Imported here, not at the top: the bench's workers import this module too, and must not
    # carry pypinyin's 56 MiB of tables into the RSS they measure (agentui itself never imports it).
    from pypinyin import Style, lazy_pinyin

    makers = {
        "zh_word": lambda: rng.choice(han_words),
        "zh_fragment": han_fragment,
        "pinyin": lambda: "".join(lazy_pinyin(han_for_pinyin())),
        "pinyin_spaced": lambda: " ".join(lazy_pinyin(han_for_pinyin())),
        "initials": lambda: "".join(lazy_pinyin(han_for_pinyin(), style=Style.FIRST_LETTER)),
        "latin": lambda: rng.choice(latin_words).lower() if rng.random() < 0.7 else rng.choice(latin_words),
        "cyrillic": lambda: rng.choice(cyr_words),
        "typo_latin": lambda: _swap_typo(rng, rng.choice([w for w in latin_words + cyr_words if len(w) >= 5])),
        "typo_zh": typo_zh,
        "multi_word": multi_word,
        "phone": phone,
        "title": lambda: rng.choice(specs).title if rng.random() < 0.7 else rng.choice(specs).title_en,
    }
    queries: list[tuple[str, str]] = []
    seen: set[str] = set()
    attempts = 0
    while len(queries) < count and attempts < count * 50:
        kind = QUERY_KINDS[attempts % len(QUERY_KINDS)]
        query = makers[kind]().strip()
        attempts += 1
        if query and query not in seen:
            seen.add(query)
            queries.append((kind, query))
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


def _phones_in(text: str) -> list[str]:
    return _PHONE.findall(text)
