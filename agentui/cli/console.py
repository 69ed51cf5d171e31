"""Launch the full-screen console (imports Textual only when the console is wanted)."""

from __future__ import annotations

import argparse


def run_console(args: argparse.Namespace) -> int:
    from agentui.config import load_settings
    from agentui.core.kb import load_kb

    settings = load_settings(kb_dir=args.kb, data_dir=args.data, lang=args.lang)
    kb = load_kb(settings.kb_dir)
    print(f"{len(kb)} entries loaded from {settings.kb_dir}; the console is not built yet.")
    return 0
