"""Case store: the call's caller data, notes, ticks and wrap-up, kept safe on disk."""

from agentui.core.cases.model import Caller, Case, Disposition, SaveResult
from agentui.core.cases.protocol import CaseReader, CaseStore

__all__ = ["Caller", "Case", "CaseReader", "CaseStore", "Disposition", "SaveResult"]
