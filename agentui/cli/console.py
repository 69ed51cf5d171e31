"""Launch the full-screen console (imports Textual only when the console is wanted)."""

from __future__ import annotations

import argparse
import sys


def run_console(args: argparse.Namespace) -> int:
    from agentui.config import SettingsNotSaved, load_settings, save_choices

    settings = load_settings(kb_dir=args.kb, data_dir=args.data, lang=args.lang, store=getattr(args, "store", None),
                             agent=getattr(args, "agent", None), role=getattr(args, "role", None))
    if args.lang:  # a language chosen on the command line is remembered, as one chosen in the palette
        settings = settings.with_choice(lang=settings.lang)
        try:
            save_choices(settings)
        except SettingsNotSaved as error:
            print(f"agentui: {error}", file=sys.stderr)
    if not settings.kb_dir.is_dir():
        print(f"agentui: {settings.kb_dir}: not a directory", file=sys.stderr)
        return 2
    from agentui.core.search.first_screen import read_in_background

    # The rows to list in the first frame are read while Textual is imported (stat'ing a big KB's
    # files takes tens of milliseconds); the search itself loads after the first frame.
    first_rows = read_in_background(settings.kb_dir, settings.cache_dir)
    from agentui.app import create_app
    from agentui.safe_exit import RESCUE_EXIT_CODE

    app = create_app(settings, first_rows=first_rows)
    rescued = False
    try:
        app.run()
    finally:
        # Saved already on every normal path (this only releases the lock); after a crash it saves
        # what was typed, or writes it to a rescue file.
        rescued = app.save_after_run()
    if app.exit_message:
        print(f"agentui: {app.exit_message}", file=sys.stderr)
    if rescued:
        return RESCUE_EXIT_CODE
    return app.return_code if app.return_code is not None else 0
