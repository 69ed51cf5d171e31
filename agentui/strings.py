"""Every string the console shows, in Chinese (default) and English.

`Strings` has no defaults, so a string missing from one language is an error at import time.
Binding descriptions are written as keys in `BINDINGS` and looked up in `Strings.keys` when a
widget mounts (`localize_bindings`).
"""

from __future__ import annotations

from dataclasses import replace

from textual.binding import BindingsMap


class Strings:
    """Every label in one language, read-only. A plain class, not a dataclass: generating a
    dataclass of ~110 fields cost ~5 ms of the console's time to first frame."""

    lang: str
    app_title: str
    keys: dict[str, str]
    """Binding description key -> footer label."""
    help_groups: tuple[tuple[str, tuple[tuple[str, str], ...]], ...]
    """(group title, ((key, what it does), ...)) for the F1 help screen."""
    # search and results
    search_placeholder: str
    results_title: str
    results_header: str  # {query} {count}
    results_default: str  # {count}
    kb_loading: str
    kb_loaded: str  # {count}
    kb_problems: str  # {count}
    kb_failed: str  # {error}
    badges: dict[str, str]
    no_results: str
    # article
    article_title: str
    article_empty: str
    steps_title: str  # {done} {total}
    copy_title: str
    related_title: str
    copied: str  # {what}
    copied_terminal: str  # {what}
    copy_failed: str
    link_ignored: str  # {href}
    operators_label: str
    channel_label: str
    verified_label: str
    # case pane
    case_title: str
    case_none: str
    case_id_label: str
    caller_name: str
    caller_phone: str
    operator_label: str
    operator_none: str
    category_label: str
    notes_label: str
    notes_placeholder: str
    saved_at: str  # {time}
    saving: str
    save_failed: str  # {error}
    unsaved: str
    case_opened: str  # {case_id}
    case_already_open: str  # {case_id}
    case_auto_opened: str  # {case_id}
    store_not_ready: str
    notes_capped: str  # {limit}
    field_capped: str
    redacted: str  # {what}
    recovery: str  # {note}
    # header
    timer_idle: str
    # scripts
    scripts_title: str
    scripts_related: str
    scripts_all: str
    scripts_empty: str
    scripts_hint: str
    prompt_title: str  # {name}
    prompt_help: str
    placeholder_names: dict[str, str]
    inserted: str
    ok: str
    cancel: str
    # wrap-up
    wrapup_title: str
    disposition_label: str
    dispositions: dict[str, str]
    summary_label: str
    wrapup_confirm: str
    wrapup_need_disposition: str
    wrapup_no_case: str
    case_closed: str  # {case_id}
    summary_steps: str  # {title} {done} {total} {numbers}
    summary_articles: str
    summary_scripts: str
    summary_caller: str
    # history
    history_title: str
    history_filter: str
    history_any_operator: str
    history_any_disposition: str
    history_columns: tuple[str, ...]
    history_count: str  # {count}
    history_empty: str
    case_view_title: str  # {case_id}
    case_reopen: str
    case_export: str
    case_close_view: str
    case_reopened: str  # {case_id}
    case_exported: str  # {path}
    reopen_blocked: str  # {case_id}
    field_labels: dict[str, str]
    # help, palette, misc
    help_title: str
    help_close: str
    cmd_new_case: str
    cmd_wrapup: str
    cmd_history: str
    cmd_scripts: str
    cmd_help: str
    cmd_search: str
    cmd_notes: str
    cmd_language: str
    cmd_language_help: str
    language_saved: str
    palette_open_help: str  # {id}
    error: str  # {error}


    __slots__ = tuple(__annotations__)

    def __init__(self, **labels: object) -> None:
        missing, unknown = set(self.__slots__) - labels.keys(), labels.keys() - set(self.__slots__)
        if missing or unknown:
            raise TypeError(f"Strings: missing {sorted(missing)}, unknown {sorted(unknown)}")
        for name, value in labels.items():
            object.__setattr__(self, name, value)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"Strings are read-only ({name})")


def _keys(**labels: str) -> dict[str, str]:
    return labels


ZH = Strings(
    lang="zh",
    app_title="坐席控制台",
    keys=_keys(
        help="帮助", new_case="新建案例", search="搜索", history="历史", scripts="话术",
        notes="备注", wrapup="结案", quit="退出", palette="命令", tick="勾选步骤",
        copy="复制", open="打开", insert="插入备注", close="关闭", reopen="重新打开",
        export="导出", confirm="确认", cancel="取消", to_search="回到搜索",
    ),
    help_groups=(
        ("全局（任何位置）", (
            ("F1", "帮助：所有按键"), ("F2", "新建案例（开始计时）"), ("Ctrl+F / F3", "回到搜索框"),
            ("F4", "案例历史"), ("F5", "话术（填充占位符、复制、插入备注）"), ("F6", "跳到案例备注"),
            ("F10", "结案（处理结果、摘要）"), ("Ctrl+P", "命令面板（条目、话术、命令）"),
            ("Ctrl+Q", "退出（先保存全部内容）"),
        )),
        ("搜索与结果", (
            ("输入文字", "边输入边搜索"), ("↓", "进入结果列表"), ("↑ / ↓", "在结果中移动"),
            ("Enter", "打开高亮的（第一个）结果"), ("↑（第一行）", "回到搜索框"),
        )),
        ("条目", (
            ("Space", "勾选/取消当前步骤（流程）"), ("1–9", "复制编号对应的电话、应用或网址"),
            ("Tab", "切换到相关条目"), ("Enter（相关条目）", "打开相关条目"),
        )),
        ("案例", (
            ("Tab / Shift+Tab", "在字段之间移动"), ("（自动）", "停止输入 1 秒内自动保存"),
        )),
        ("话术（F5）", (
            ("↑ / ↓", "选择话术"), ("Enter", "填充并复制"), ("I", "填充并插入备注"), ("Esc", "关闭"),
        )),
        ("历史（F4）", (
            ("输入文字", "按内容筛选"), ("Enter", "查看案例（只读）"), ("R", "重新打开（查看时）"),
            ("E", "导出为 Markdown（查看时）"), ("Esc", "返回"),
        )),
        ("结案（F10）", (
            ("↑ / ↓ / Space", "选择处理结果（必选）"), ("Ctrl+S", "确认结案"), ("Esc", "取消"),
        )),
    ),
    search_placeholder="搜索知识库：补卡、buka、eSIM、MTS…",
    results_title="结果",
    results_header="「{query}」 {count} 条",
    results_default="常用条目 {count} 条",
    kb_loading="正在加载知识库…",
    kb_loaded="知识库已加载：{count} 条",
    kb_problems="知识库有 {count} 个问题（运行 agentui kb check 查看）",
    kb_failed="知识库加载失败：{error}",
    badges={"procedure": "流程", "faq": "FAQ", "script": "话术", "contact": "联系"},
    no_results="没有结果",
    article_title="条目",
    article_empty="在左侧搜索并按 Enter 打开条目。",
    steps_title="步骤 {done}/{total}",
    copy_title="复制",
    related_title="相关条目",
    copied="已复制：{what}",
    copied_terminal="已通过终端复制：{what}（如无法粘贴，请用鼠标选中复制）",
    copy_failed="无法复制到剪贴板，请用鼠标选中复制",
    link_ignored="链接未打开：{href}",
    operators_label="运营商",
    channel_label="渠道",
    verified_label="核实于",
    case_title="案例",
    case_none="无进行中的案例（F2 新建）",
    case_id_label="编号",
    caller_name="姓名",
    caller_phone="电话",
    operator_label="运营商",
    operator_none="（未选）",
    category_label="类别",
    notes_label="备注",
    notes_placeholder="通话备注…",
    saved_at="已保存 {time}",
    saving="保存中…",
    save_failed="保存失败：{error}",
    unsaved="未保存",
    case_opened="已新建案例 {case_id}",
    case_already_open="案例 {case_id} 正在进行中，请先结案（F10）",
    case_auto_opened="已自动新建案例 {case_id}",
    store_not_ready="案例存储尚未就绪",
    notes_capped="粘贴内容过长，只保留了前 {limit} 个字符",
    field_capped="内容过长，已截断",
    redacted="已移除敏感信息：{what}",
    recovery="恢复：{note}",
    timer_idle="--:--",
    scripts_title="话术",
    scripts_related="相关话术",
    scripts_all="全部话术",
    scripts_empty="知识库里没有话术。",
    scripts_hint="Enter 复制 · I 插入备注 · Esc 关闭",
    prompt_title="请填写：{name}",
    prompt_help="本次通话内会记住此值。",
    placeholder_names={
        "客户姓名": "客户姓名", "客户电话": "客户电话", "operator": "运营商", "hotline": "热线",
        "app": "应用", "website": "网站", "case_id": "案例编号", "坐席姓名": "坐席姓名",
    },
    inserted="已插入备注",
    ok="确定",
    cancel="取消",
    wrapup_title="结案",
    disposition_label="处理结果（必选）",
    dispositions={"resolved": "已解决", "escalated": "已升级", "callback": "需回电", "other": "其他"},
    summary_label="摘要（可编辑）",
    wrapup_confirm="结案 Ctrl+S",
    wrapup_need_disposition="请选择处理结果",
    wrapup_no_case="没有进行中的案例",
    case_closed="案例 {case_id} 已结案",
    summary_steps="{title}：已完成步骤 {done}/{total}（{numbers}）",
    summary_articles="查看条目：",
    summary_scripts="使用话术：",
    summary_caller="来电人：",
    history_title="案例历史",
    history_filter="筛选：姓名、电话、备注、编号…",
    history_any_operator="全部运营商",
    history_any_disposition="全部结果",
    history_columns=("编号", "开始", "姓名", "电话", "运营商", "类别", "结果", "时长"),
    history_count="{count} 个案例",
    history_empty="没有符合条件的案例",
    case_view_title="案例 {case_id}（只读）",
    case_reopen="重新打开 R",
    case_export="导出 E",
    case_close_view="关闭 Esc",
    case_reopened="案例 {case_id} 已重新打开",
    case_exported="已导出到 {path}",
    reopen_blocked="案例 {case_id} 正在进行中，请先结案（F10）",
    field_labels={
        "id": "编号", "opened_at": "开始", "closed_at": "结束", "duration": "时长",
        "caller": "来电人", "category": "类别", "disposition": "处理结果", "summary": "摘要",
        "notes": "备注", "steps": "已勾选步骤", "articles": "查看条目", "scripts": "使用话术",
    },
    help_title="帮助：按键",
    help_close="Esc / F1 关闭",
    cmd_new_case="新建案例",
    cmd_wrapup="结案",
    cmd_history="案例历史",
    cmd_scripts="话术",
    cmd_help="帮助：所有按键",
    cmd_search="回到搜索",
    cmd_notes="编辑备注",
    cmd_language="切换语言：English",
    cmd_language_help="界面语言（重启后生效）",
    language_saved="语言已保存，重启后生效",
    palette_open_help="打开条目 {id}",
    error="出错：{error}",
)

EN = Strings(
    lang="en",
    app_title="Agent console",
    keys=_keys(
        help="Help", new_case="New case", search="Search", history="History", scripts="Scripts",
        notes="Notes", wrapup="Wrap up", quit="Quit", palette="Commands", tick="Tick step",
        copy="Copy", open="Open", insert="Insert in notes", close="Close", reopen="Reopen",
        export="Export", confirm="Confirm", cancel="Cancel", to_search="Back to search",
    ),
    help_groups=(
        ("Global (anywhere)", (
            ("F1", "help: every key"), ("F2", "new case (starts the call timer)"),
            ("Ctrl+F / F3", "back to the search box"), ("F4", "case history"),
            ("F5", "scripted answers (fill placeholders, copy, insert in notes)"),
            ("F6", "focus the case notes"), ("F10", "wrap up the case (disposition, summary)"),
            ("Ctrl+P", "command palette (entries, scripts, commands)"),
            ("Ctrl+Q", "quit (everything is saved first)"),
        )),
        ("Search and results", (
            ("typing", "search as you type"), ("↓", "move into the results"),
            ("↑ / ↓", "move in the results"), ("Enter", "open the highlighted (first) result"),
            ("↑ (first row)", "back to the search box"),
        )),
        ("Entry", (
            ("Space", "tick / untick the current step (procedures)"),
            ("1–9", "copy the numbered phone, app or website"),
            ("Tab", "move to related entries"), ("Enter (related)", "open the related entry"),
        )),
        ("Case", (
            ("Tab / Shift+Tab", "move between fields"),
            ("(automatic)", "saved within 1 s after you stop typing"),
        )),
        ("Scripts (F5)", (
            ("↑ / ↓", "choose a script"), ("Enter", "fill and copy"), ("I", "fill and insert in notes"),
            ("Esc", "close"),
        )),
        ("History (F4)", (
            ("typing", "filter by content"), ("Enter", "view the case (read-only)"),
            ("R", "reopen (when viewing)"), ("E", "export as Markdown (when viewing)"), ("Esc", "back"),
        )),
        ("Wrap-up (F10)", (
            ("↑ / ↓ / Space", "choose the disposition (required)"), ("Ctrl+S", "close the case"),
            ("Esc", "cancel"),
        )),
    ),
    search_placeholder="Search the KB: replacement, buka, eSIM, MTS…",
    results_title="Results",
    results_header="「{query}」 {count} results",
    results_default="{count} suggested entries",
    kb_loading="Loading the knowledge base…",
    kb_loaded="Knowledge base loaded: {count} entries",
    kb_problems="The knowledge base has {count} problem(s) (run agentui kb check)",
    kb_failed="The knowledge base failed to load: {error}",
    badges={"procedure": "Proc", "faq": "FAQ", "script": "Script", "contact": "Contact"},
    no_results="No results",
    article_title="Entry",
    article_empty="Search on the left and press Enter to open an entry.",
    steps_title="Steps {done}/{total}",
    copy_title="Copy",
    related_title="Related",
    copied="Copied: {what}",
    copied_terminal="Copied through the terminal: {what} (if pasting fails, select it with the mouse)",
    copy_failed="Could not copy to the clipboard; select the text with the mouse",
    link_ignored="Link not opened: {href}",
    operators_label="Operators",
    channel_label="Channel",
    verified_label="Verified",
    case_title="Case",
    case_none="No case in progress (F2 to start)",
    case_id_label="Id",
    caller_name="Name",
    caller_phone="Phone",
    operator_label="Operator",
    operator_none="(none)",
    category_label="Category",
    notes_label="Notes",
    notes_placeholder="Call notes…",
    saved_at="Saved {time}",
    saving="Saving…",
    save_failed="Save failed: {error}",
    unsaved="Not saved",
    case_opened="New case {case_id}",
    case_already_open="Case {case_id} is in progress; wrap it up first (F10)",
    case_auto_opened="Started case {case_id}",
    store_not_ready="The case store is not ready yet",
    notes_capped="The pasted text was too long; only the first {limit} characters were kept",
    field_capped="Too long; truncated",
    redacted="Sensitive data removed: {what}",
    recovery="Recovered: {note}",
    timer_idle="--:--",
    scripts_title="Scripts",
    scripts_related="Related scripts",
    scripts_all="All scripts",
    scripts_empty="The knowledge base has no scripts.",
    scripts_hint="Enter copy · I insert in notes · Esc close",
    prompt_title="Value for: {name}",
    prompt_help="Remembered for the rest of this call.",
    placeholder_names={
        "客户姓名": "caller's name", "客户电话": "caller's phone", "operator": "operator",
        "hotline": "hotline", "app": "app", "website": "website", "case_id": "case id",
        "坐席姓名": "agent's name",
    },
    inserted="Inserted in the notes",
    ok="OK",
    cancel="Cancel",
    wrapup_title="Wrap up",
    disposition_label="Disposition (required)",
    dispositions={"resolved": "Resolved", "escalated": "Escalated", "callback": "Call back", "other": "Other"},
    summary_label="Summary (editable)",
    wrapup_confirm="Close case Ctrl+S",
    wrapup_need_disposition="Choose a disposition",
    wrapup_no_case="No case in progress",
    case_closed="Case {case_id} closed",
    summary_steps="{title}: steps done {done}/{total} ({numbers})",
    summary_articles="Entries viewed: ",
    summary_scripts="Scripts used: ",
    summary_caller="Caller: ",
    history_title="Case history",
    history_filter="Filter: name, phone, notes, id…",
    history_any_operator="Any operator",
    history_any_disposition="Any disposition",
    history_columns=("Id", "Opened", "Name", "Phone", "Operator", "Category", "Disposition", "Duration"),
    history_count="{count} case(s)",
    history_empty="No matching cases",
    case_view_title="Case {case_id} (read-only)",
    case_reopen="Reopen R",
    case_export="Export E",
    case_close_view="Close Esc",
    case_reopened="Case {case_id} reopened",
    case_exported="Exported to {path}",
    reopen_blocked="Case {case_id} is in progress; wrap it up first (F10)",
    field_labels={
        "id": "Id", "opened_at": "Opened", "closed_at": "Closed", "duration": "Duration",
        "caller": "Caller", "category": "Category", "disposition": "Disposition", "summary": "Summary",
        "notes": "Notes", "steps": "Steps ticked", "articles": "Entries viewed", "scripts": "Scripts used",
    },
    help_title="Help: keys",
    help_close="Esc / F1 to close",
    cmd_new_case="New case",
    cmd_wrapup="Wrap up the case",
    cmd_history="Case history",
    cmd_scripts="Scripted answers",
    cmd_help="Help: every key",
    cmd_search="Back to search",
    cmd_notes="Edit the notes",
    cmd_language="Switch language: 中文",
    cmd_language_help="Interface language (applies on restart)",
    language_saved="Language saved; it applies on the next start",
    palette_open_help="Open entry {id}",
    error="Error: {error}",
)

_BY_LANG = {"zh": ZH, "en": EN}


def strings_for(lang: str) -> Strings:
    return _BY_LANG.get(lang, ZH)


def localize_bindings(bindings: BindingsMap, strings: Strings) -> BindingsMap:
    """A copy of `bindings` whose descriptions (keys into `strings.keys`) are translated."""
    localized = BindingsMap()
    for key, binding in bindings:
        label = strings.keys.get(binding.description, binding.description)
        localized.key_to_bindings.setdefault(key, []).append(replace(binding, description=label))
    return localized
