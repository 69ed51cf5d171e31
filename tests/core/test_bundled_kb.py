"""The bundled KB an agent gets out of the box: complete, clean, documented and free of spam."""

from __future__ import annotations

import re

from agentui.core.kb import EntryType
from agentui.core.kb.source import entry_paths
from agentui.core.placeholders import PLACEHOLDERS
from agentui.locations import bundled_kb_dir

REQUIRED = {
    EntryType.PROCEDURE: [
        "esim-replacement", "number-keeping-sim-replacement-online", "number-keeping-sim-replacement-offline",
        "data-sim-replacement-online", "data-sim-replacement-offline", "esim-activation", "esim-renewal",
        "esim-cancellation",
    ],
    EntryType.FAQ: [
        "faq-what-is-esim", "faq-what-is-number-keeping-card", "faq-forgot-bound-number", "faq-replacement-fee",
        "faq-cross-operator", "faq-replacement-duration", "faq-forgot-password", "faq-why-cancel-esim",
        "faq-renewal-payment-methods", "faq-balance-refund-on-cancel", "faq-data-backup", "faq-choose-operator",
    ],
    EntryType.CONTACT: ["contact-mts", "contact-megafon", "contact-beeline", "contact-tele2"],
    EntryType.SCRIPT: [
        "script-greeting", "script-verify-identity", "script-replacement-documents", "script-waiting-time",
        "script-fee-disclosure", "script-cancellation-confirm", "script-escalation", "script-closing",
    ],
}
SPAM = ("t.me/", "@jx0703", "esim1088", "TG💪")


def test_bundled_kb_is_clean(bundled_kb):
    assert bundled_kb.problems == []


def test_every_required_id_exists_with_its_type(bundled_kb):
    for entry_type, ids in REQUIRED.items():
        for entry_id in ids:
            assert entry_id in bundled_kb.entries, entry_id
            assert bundled_kb.entries[entry_id].type is entry_type, entry_id


def test_every_procedure_has_real_steps(bundled_kb):
    procedures = bundled_kb.of_type(EntryType.PROCEDURE)
    assert len(procedures) >= 8
    for entry in procedures:
        assert len(entry.steps) >= 3, entry.id
        assert all(len(step.text) >= 8 for step in entry.steps), entry.id
        assert entry.channel in ("online", "offline", "phone"), entry.id


def test_every_entry_is_bilingual_and_sourced(bundled_kb):
    for entry in bundled_kb.entries.values():
        assert entry.title_en, entry.id
        assert entry.aliases, entry.id
        assert entry.source, entry.id
        assert entry.verified is not None, entry.id


def test_script_placeholders_are_documented_for_authors(bundled_kb):
    readme = (bundled_kb_dir() / "README.md").read_text(encoding="utf-8")
    for name in PLACEHOLDERS:
        assert "{" + name + "}" in readme, name
    used = {name for entry in bundled_kb.of_type(EntryType.SCRIPT) for name in entry.placeholders}
    assert used and used <= set(PLACEHOLDERS)


def test_contacts_carry_the_source_hotlines(bundled_kb):
    phones = {entry_id: bundled_kb.entries[entry_id].phones for entry_id in REQUIRED[EntryType.CONTACT]}
    assert phones["contact-mts"] == ("+7 (495) 777-00-00",)
    assert phones["contact-megafon"] == ("+7 (495) 988-88-88",)
    assert phones["contact-beeline"] == ("+7 (495) 797-79-79",)
    assert phones["contact-tele2"] == ()
    assert "MTS Connect" in bundled_kb.entries["contact-mts"].apps


def test_procedures_link_to_their_faqs_and_scripts(bundled_kb):
    for entry in bundled_kb.of_type(EntryType.PROCEDURE):
        assert len(entry.related) >= 2, entry.id


def test_no_advertising_spam_anywhere_in_the_kb():
    files = [*entry_paths(bundled_kb_dir()), bundled_kb_dir() / "README.md"]
    assert len(files) >= 33
    for path in files:
        text = path.read_text(encoding="utf-8")
        for spam in SPAM:
            assert spam not in text, (path, spam)
        assert not re.search(r"https?://", text), path
