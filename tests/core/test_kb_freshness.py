"""Stale entries and stale dated facts, against a given today and the settings' threshold."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from agentui.config import load_settings, save_choices
from agentui.core.kb import load_kb
from agentui.core.kb.freshness import DEFAULT_STALE_AFTER_DAYS, is_stale, stale_entries, stale_facts

TODAY = date(2026, 12, 6)


@pytest.mark.parametrize(
    ("verified", "after_days", "stale"),
    [
        (date(2026, 6, 9), 180, False),  # 180 days ago: not yet "over 180 days"
        (date(2026, 6, 8), 180, True),  # 181 days ago
        (date(2020, 1, 1), 180, True),
        (date(2027, 1, 1), 180, False),  # a date after today is a typo or a clock, never stale
        (None, 180, False),  # no date: incomplete (kb check says so), not stale
        (date(2026, 11, 5), 30, True),
        (date(2026, 11, 6), 30, False),
    ],
)
def test_is_stale_counts_whole_days_past_the_threshold(verified, after_days, stale):
    assert is_stale(verified, TODAY, after_days) is stale


def test_the_default_threshold_is_180_days():
    assert DEFAULT_STALE_AFTER_DAYS == 180 == load_settings(config_file=Path("/nonexistent/x.json")).stale_after_days


ENTRY = "---\nid: {id}\ntype: faq\ntitle: t\nverified: {verified}\n---\n{body}\n"


@pytest.fixture
def dated_kb(tmp_path: Path):
    entries = {
        "old-entry-fresh-fact": ("2024-01-01", "热线 [8 800 250-08-90]{verified=2026-11-22}。"),
        "fresh-entry-old-fact": ("2026-11-01",
                                 "热线 [0890]{verified=2025-01-02}，App [Мой МТС]{verified=2026-10-01}。"),
        "fresh": ("2026-11-22", "正文。"),
        "ancient": ("2020-01-01", "正文。"),
    }
    for entry_id, (verified, body) in entries.items():
        (tmp_path / f"{entry_id}.md").write_text(ENTRY.format(id=entry_id, verified=verified, body=body),
                                                 encoding="utf-8")
    kb = load_kb(tmp_path)
    assert kb.problems == []
    return kb


def test_a_facts_own_date_decides_its_staleness(dated_kb):
    entry = dated_kb.entries["fresh-entry-old-fact"]
    [fact] = stale_facts(entry, TODAY)
    assert fact.text == "0890" and entry.body[fact.start:fact.end] == "0890"
    assert stale_facts(dated_kb.entries["old-entry-fresh-fact"], TODAY) == ()


def test_stale_entries_lists_stale_entries_and_entries_with_stale_facts_oldest_first(dated_kb):
    found = stale_entries(dated_kb, TODAY)
    assert [(s.entry_id, s.stale, s.age_days, [f.text for f in s.facts]) for s in found] == [
        ("ancient", True, 2531, []),
        ("old-entry-fresh-fact", True, 1070, []),
        ("fresh-entry-old-fact", False, 35, ["0890"]),
    ]
    assert [s.entry_id for s in stale_entries(dated_kb, TODAY, after_days=3000)] == []


def test_the_threshold_is_read_from_the_settings_file_and_kept_when_choices_are_saved(tmp_path: Path):
    config = tmp_path / "settings.json"
    config.write_text(json.dumps({"lang": "en", "stale_after_days": 90}), encoding="utf-8")
    settings = load_settings(config_file=config)
    assert settings.stale_after_days == 90
    save_choices(settings)
    assert json.loads(config.read_text(encoding="utf-8"))["stale_after_days"] == 90
    for bad in ("90", 0, -5, True, 1.5, None):
        config.write_text(json.dumps({"stale_after_days": bad}), encoding="utf-8")
        assert load_settings(config_file=config).stale_after_days == 180, bad
