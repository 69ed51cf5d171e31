"""What changed between two loads of a KB: entries added, changed and removed, problems new and gone."""

from __future__ import annotations

from dataclasses import dataclass

from agentui.core.kb.model import KnowledgeBase, Problem


@dataclass(frozen=True, slots=True)
class KbDiff:
    added: tuple[str, ...]
    """Ids only the new load has, in its order."""
    changed: tuple[str, ...]
    """Ids both loads have, whose record differs (any field, the file's path included)."""
    removed: tuple[str, ...]
    """Ids only the old load has, in its order."""
    new_problems: tuple[Problem, ...]
    fixed_problems: tuple[Problem, ...]
    """Problems of the old load the new one no longer has."""

    def __bool__(self) -> bool:
        return bool(self.added or self.changed or self.removed or self.new_problems or self.fixed_problems)


def diff_kb(old: KnowledgeBase, new: KnowledgeBase) -> KbDiff:
    """Compares records, not files: linear in the entries, with no file read, so a reload can say
    what changed ("2 条修改，1 条新增") at once. Equal records are mostly the same objects' values,
    compared at C speed."""
    before = {record.id: record for record in old.records}
    after = {record.id: record for record in new.records}
    added = tuple(entry_id for entry_id in after if entry_id not in before)
    removed = tuple(entry_id for entry_id in before if entry_id not in after)
    changed = tuple(entry_id for entry_id, record in after.items()
                    if entry_id in before and before[entry_id] != record)
    old_problems, new_problems = set(old.problems), set(new.problems)
    return KbDiff(
        added, changed, removed,
        tuple(p for p in new.problems if p not in old_problems),
        tuple(p for p in old.problems if p not in new_problems),
    )
