"""UI strings: both languages define every label, and a missing one fails at import, not on screen."""

from __future__ import annotations

import pytest

from agentui.strings import Strings
from agentui.strings_en import EN
from agentui.strings_zh import ZH


def test_every_language_defines_every_label():
    for strings in (ZH, EN):
        for name in Strings.__slots__:
            assert getattr(strings, name) not in (None, ""), (strings.lang, name)


def test_a_missing_or_unknown_label_is_an_error():
    labels = {name: getattr(ZH, name) for name in Strings.__slots__}
    del labels["app_title"]
    with pytest.raises(TypeError, match="app_title"):
        Strings(**labels)
    with pytest.raises(TypeError, match="apptitle"):
        Strings(**labels, app_title="x", apptitle="typo")


def test_strings_are_read_only():
    with pytest.raises(AttributeError):
        ZH.app_title = "changed"
