"""Launch the full-screen console (imports Textual only when the console is wanted)."""

from __future__ import annotations

import argparse
import sys


def run_console(args: argparse.Namespace) -> int:
    from agentui.app import create_app
    from agentui.config import load_settings

    settings = load_settings(kb_dir=args.kb, data_dir=args.data, lang=args.lang, store=getattr(args, "store", None),
                             agent=getattr(args, "agent", None), role=getattr(args, "role", None))
    if not settings.kb_dir.is_dir():
        print(f"agentui: {settings.kb_dir}: not a directory", file=sys.stderr)
        return 2
    app = create_app(settings)
    try:
        app.run()
    finally:
        app.session.shutdown()  # saved already on every normal path; this only releases the lock
    if app.startup_error:
        print(f"agentui: {app.startup_error}", file=sys.stderr)
    return app.return_code if app.return_code is not None else 0
