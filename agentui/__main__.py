"""Entry point: `agentui` and `python -m agentui` are the same program."""

from __future__ import annotations

import sys

from agentui.cli import main

if __name__ == "__main__":
    sys.exit(main())
