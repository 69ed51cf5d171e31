"""The set of labels the console shows; the Chinese (default) and English tables live in
`strings_zh` and `strings_en`.

`Strings` has no defaults, so a label missing from one language is an error at import time.
Binding descriptions are written as keys in `BINDINGS` and looked up in `Strings.keys` where the
footer reads them (`agentui.screens.base.localized`).
"""

from __future__ import annotations


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
    channels: dict[str, str]
    """KB channel ids (`online`, `offline`, `phone`) as the agent reads them."""
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
    # --- the call's flow (issue 14: scripts filter, hold, language, help) ---------------------------
    scripts_filter: str
    scripts_no_match: str
    hold_no_case: str
    hold_after_talk: str
    hold_started: str
    hold_ended: str  # {count}
    header_hold: str  # {time}
    header_holds: str  # {count} {total}
    header_wrap: str  # {time}
    cmd_hold: str
    textual_commands: dict[str, str]
    """Textual's own palette commands (Theme, Quit, Keys, …): English title or help -> label."""
    title_en_first: bool
    copy_kinds: dict[str, str]
    """Copy strip: what an item is (`phone`, `app`, `website`), shown after its operator."""
    """Entry titles: `title_en` first with the Chinese title beside it (the English console)."""
    # --- saving under faults, rescue files (kept together at the end to ease merging) ---
    save_retrying: str  # {seconds} (short: it sits in the case pane's border)
    save_recovered: str  # {time}
    quit_unsaved_title: str
    quit_unsaved_body: str  # {what} {error}
    quit_unsaved_hint: str
    rescued: str  # {error} {path}
    rescue_failed: str  # {error} {where}
    restore_title: str
    restore_body: str  # {time} {case_id} {reason}
    restore_hint: str
    restored: str
    restore_discarded: str
    notes_over_limit: str  # {length} {limit}
    # --- where the keys go (issue 14 §1-§7) ---
    ticks_kept: str
    # --- the KB loop (issue 16: misses, stale facts, live reload, usage) ---
    results_recent: str  # {count}: the empty query's list once the agent has used entries
    results_lacking: str  # {words}: no entry holds every word of the query
    results_lacking_word: str  # {word}
    pin_no_entry: str
    pinned: str  # {title}
    unpinned: str  # {title}
    pinned_mark: str
    stale_entry: str  # {date} {days}
    stale_facts: str  # {count} {days}
    kb_reloaded: str  # {changes}
    kb_changes: dict[str, str]
    """`changed` / `added` / `removed` -> "{count} 条修改" (joined with the list separator)."""
    kb_list_separator: str
    kb_reload_problems: str  # {count} {first}
    kb_reload_kept: str  # {count}: entries whose file broke, kept in their last good version
    kb_revision: str  # {commit} {date}
    kb_problems_title: str
    kb_problems_none: str
    cmd_kb_problems: str
    kb_problems_close: str


    __slots__ = tuple(__annotations__)

    def __init__(self, **labels: object) -> None:
        missing, unknown = set(self.__slots__) - labels.keys(), labels.keys() - set(self.__slots__)
        if missing or unknown:
            raise TypeError(f"Strings: missing {sorted(missing)}, unknown {sorted(unknown)}")
        for name, value in labels.items():
            object.__setattr__(self, name, value)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"Strings are read-only ({name})")


def key_labels(**labels: str) -> dict[str, str]:
    """Binding description key -> footer label, written as keywords so a typo is a syntax error."""
    return labels


def strings_for(lang: str) -> Strings:
    """The labels of `lang` (`zh` or `en`), Chinese for anything else."""
    if lang == "en":
        from agentui.strings_en import EN

        return EN
    from agentui.strings_zh import ZH

    return ZH
