"""A knowledge base of hostile files (bad names, YAML bombs, huge fields, special files …) built in a
temporary directory, with what the loader must make of each; shared by the core and console tests."""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

GOOD_FAQ = "---\nid: {id}\ntype: faq\ntitle: {title}\n---\n{body}\n"
PROCEDURE = ("---\nid: {id}\ntype: procedure\ntitle: {title}\n---\n简介。\n\n"
             "## 步骤\n\n1. 第一步。\n2. 第二步。\n3. 第三步。\n")
GBK_NAME = "补卡说明.md".encode("gbk")
"""The name unzipping a Windows archive gives: GBK bytes, not UTF-8."""


@dataclass(frozen=True)
class Expected:
    """What loading the hostile KB must give."""

    loaded: frozenset[str]
    """Ids that must load (possibly with a field cut or cleaned)."""
    refused: frozenset[str]
    """Ids that must not load."""
    problems: dict[str, str]
    """Root-relative path (undecodable bytes as \\xNN) -> a part of its problem's message."""


def _bomb(levels: int = 9) -> str:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    previous = "a"
    for level in range(1, levels + 1):
        lines.append(f"l{level}: &l{level} [" + ",".join([f"*{previous}"] * 9) + "]")
        previous = f"l{level}"
    return "\n".join(lines)


def _write(root: Path, relative: str, text: str | bytes) -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, str):
        text = text.encode("utf-8")
    path.write_bytes(text)
    return path


def build(root: Path) -> Expected:
    """Write the hostile KB under root (which must exist) and say what must come of it."""
    problems: dict[str, str] = {}
    loaded = {"good-faq", "good-procedure"}
    refused: set[str] = set()
    _write(root, "good/good-faq.md", GOOD_FAQ.format(id="good-faq", title="正常的问题", body="正常的回答。"))
    _write(root, "good/good-procedure.md", PROCEDURE.format(id="good-procedure", title="正常的流程"))

    # File and folder names that are not UTF-8.
    bad_dir = os.fsencode(root / "names")
    os.makedirs(bad_dir, exist_ok=True)
    with open(bad_dir + b"/" + GBK_NAME, "wb") as handle:
        handle.write(GOOD_FAQ.format(id="gbk-named", title="补卡说明", body="内容。").encode())
    refused.add("gbk-named")
    problems["names/" + GBK_NAME.decode("utf-8", "backslashreplace")] = "file name is not valid UTF-8"
    os.makedirs(bad_dir + b"/" + "资料".encode("gbk"), exist_ok=True)
    with open(bad_dir + b"/" + "资料".encode("gbk") + b"/inside.md", "wb") as handle:
        handle.write(GOOD_FAQ.format(id="inside-gbk-folder", title="文件夹", body="内容。").encode())
    refused.add("inside-gbk-folder")
    problems["names/" + "资料".encode("gbk").decode("utf-8", "backslashreplace")] = "folder name is not valid UTF-8"
    escape_name = "names/\x1b]52;c;aGk=\x07\nnew-line.md"
    _write(root, escape_name, "---\nid: escape-named\ntype: faq\ntitle: 控制字符文件名\ncolour: red\n---\n内容。\n")
    problems["names/\\x1b]52;c;aGk=\\x07\\nnew-line.md"] = "unknown field 'colour'"
    loaded.add("escape-named")

    # YAML aliases that expand exponentially, as a value and as a mapping key; a recursive one.
    _write(root, "yaml/alias-key-bomb.md",
           f"---\nid: alias-key-bomb\ntype: faq\ntitle: 炸弹\n{_bomb()}\n? *l9\n: x\n---\n正文\n")
    _write(root, "yaml/alias-value-bomb.md",
           f"---\n{_bomb()}\nid: alias-value-bomb\ntype: faq\ntitle: 炸弹\naliases: *l9\n---\n正文\n")
    _write(root, "yaml/alias-recursive.md",
           "---\nid: alias-recursive\ntype: faq\ntitle: 递归\naliases: &r [a, *r]\n---\n正文\n")
    refused |= {"alias-key-bomb", "alias-value-bomb", "alias-recursive"}
    for name in ("alias-key-bomb", "alias-value-bomb", "alias-recursive"):
        problems[f"yaml/{name}.md"] = "YAML alias"
    deep = "[" * 5000 + "]" * 5000
    _write(root, "yaml/deep-nesting.md", f"---\nid: deep-nesting\ntype: faq\ntitle: 深\naliases: {deep}\n---\n正文\n")
    problems["yaml/deep-nesting.md"] = "YAML error"
    refused.add("deep-nesting")
    many_keys = "".join(f"k{i}: v\n" for i in range(900))
    _write(root, "yaml/many-unknown-keys.md",
           f"---\nid: many-unknown-keys\ntype: faq\ntitle: 键\n{many_keys}---\n正文\n")
    problems["yaml/many-unknown-keys.md"] = "unknown field"
    loaded.add("many-unknown-keys")
    many_keys = "".join(f"k{i}: v\n" for i in range(60_000))
    _write(root, "yaml/many-lines.md", f"---\nid: many-lines\ntype: faq\ntitle: 行\n{many_keys}---\n正文\n")
    problems["yaml/many-lines.md"] = "front matter has 60,003 lines"
    refused.add("many-lines")

    # Fields: huge, full of control characters, or too many items.
    _write(root, "fields/long-title.md", GOOD_FAQ.format(id="long-title", title="补" * 300_000, body="正文"))
    problems["fields/long-title.md"] = "'title' is 300,000 characters"
    loaded.add("long-title")
    _write(root, "fields/long-alias.md",
           "---\nid: long-alias\ntype: faq\ntitle: 长别名\naliases: [短别名, " + "卡" * 20_000 + "]\n---\n正文\n")
    problems["fields/long-alias.md"] = "'aliases' item 2 is 20,000 characters"
    loaded.add("long-alias")
    many = ", ".join(f"别名{i}" for i in range(20_000))
    _write(root, "fields/many-aliases.md",
           f"---\nid: many-aliases\ntype: faq\ntitle: 多\naliases: [{many}]\n---\n正文\n")
    problems["fields/many-aliases.md"] = "'aliases' has 20,000 items"
    loaded.add("many-aliases")
    _write(root, "fields/control-title.md",
           '---\nid: control-title\ntype: faq\ntitle: "清屏\\e[2J剪贴板\\e]52;c;aGk=\\a"\n---\n正文\n')
    problems["fields/control-title.md"] = "control character"
    loaded.add("control-title")
    _write(root, "fields/c1-alias.md",
           "---\nid: c1-alias\ntype: faq\ntitle: C1\naliases: [\"a\\u009b2Jb\", 好]\n---\n正文\n")
    problems["fields/c1-alias.md"] = "control character"
    loaded.add("c1-alias")
    _write(root, "fields/bidi-title.md", "---\nid: bidi-title\ntype: faq\ntitle: 号码\u202e00-00-777\n---\n正文\n")
    problems["fields/bidi-title.md"] = "control character"
    loaded.add("bidi-title")
    _write(root, "fields/long-id.md", GOOD_FAQ.format(id="a" * 500_000, title="长id", body="正文"))
    problems["fields/long-id.md"] = "'id' is 500,000 characters"

    # Encodings the loader must name correctly.
    text = GOOD_FAQ.format(id="utf16-entry", title="UTF-16", body="正文")
    _write(root, "encodings/utf16le.md", text.encode("utf-16-le"))
    _write(root, "encodings/utf16be.md", text.encode("utf-16-be"))
    problems["encodings/utf16le.md"] = "UTF-16"
    problems["encodings/utf16be.md"] = "UTF-16"
    refused.add("utf16-entry")

    # Things that are not regular files.
    special = root / "special"
    special.mkdir()
    os.mkfifo(special / "pipe.md")
    problems["special/pipe.md"] = "not a regular file"
    os.mknod(special / "socket.md", stat.S_IFSOCK | 0o600)
    problems["special/socket.md"] = "not a regular file"
    (special / "dangling.md").symlink_to(special / "nowhere.md")
    problems["special/dangling.md"] = "symbolic link to nothing"
    (special / "loop.md").symlink_to(special / "loop.md")
    problems["special/loop.md"] = "symbolic link loop"
    (special / "zero.md").symlink_to("/dev/zero")
    problems["special/zero.md"] = "not a regular file"
    (special / "folder-loop").symlink_to(root)
    problems["special/folder-loop"] = "symbolic link to a folder"
    locked = special / "locked"
    _write(root, "special/locked/hidden-entry.md", GOOD_FAQ.format(id="locked-entry", title="锁", body="正文"))
    locked.chmod(0)
    if os.geteuid() != 0:  # root reads it anyway
        problems["special/locked"] = "cannot read folder"
        refused.add("locked-entry")

    # Bodies that make naive checks quadratic.
    placeholders = "".join(f"{{p{i}}}" for i in range(30_000))
    _write(root, "body/many-placeholders.md",
           f"---\nid: many-placeholders\ntype: script\ntitle: 占位符\n---\n{placeholders}\n")
    problems["body/many-placeholders.md"] = "placeholder {p0} is not filled"
    loaded.add("many-placeholders")
    steps = "".join(f"{i}. 步骤{i}。\n" for i in range(1, 999)) * 40
    _write(root, "body/many-steps.md", f"---\nid: many-steps\ntype: procedure\ntitle: 多步骤\n---\n## 步骤\n{steps}")
    loaded.add("many-steps")

    _write(root, "body/bad-fact-date.md",
           "---\nid: bad-fact-date\ntype: faq\ntitle: 事实\n---\n热线 [8 800]{verified=2026-13-01} 可用。\n")
    problems["body/bad-fact-date.md"] = "fact marker"
    loaded.add("bad-fact-date")

    # Duplicate ids: the file named after the id wins; with no such file, neither loads.
    _write(root, "dups/dup-id.md", GOOD_FAQ.format(id="dup-id", title="原件", body="正文"))
    _write(root, "dups/a-copy.md", GOOD_FAQ.format(id="dup-id", title="副本", body="正文"))
    problems["dups/a-copy.md"] = "duplicate id 'dup-id'"
    loaded.add("dup-id")
    _write(root, "dups/first.md", GOOD_FAQ.format(id="contested", title="一", body="正文"))
    _write(root, "dups/second.md", GOOD_FAQ.format(id="contested", title="二", body="正文"))
    problems["dups/first.md"] = "duplicate id 'contested'"
    problems["dups/second.md"] = "duplicate id 'contested'"
    refused.add("contested")
    return Expected(frozenset(loaded), frozenset(refused), problems)


def unlock(root: Path) -> None:
    """Give the locked folder its permissions back, so the temporary directory can be removed."""
    locked = root / "special" / "locked"
    if locked.exists():
        locked.chmod(0o755)
