"""A KB loaded again while the console runs: a file that broke never takes its entry away."""

from __future__ import annotations

from agentui.core.kb.model import KnowledgeBase, Problem, Record
from agentui.core.kb.records import knowledge_base


def missing_link(target: str) -> str:
    """The loader's message for a `related` id no entry has (`loader._check_related`)."""
    return f"related id '{target}' does not exist"


def relink(related: tuple[str, ...], targets: list[str], listed_before: tuple[str, ...]) -> tuple[str, ...]:
    """`related` with `targets` put back where the entry listed them before (after the link that
    preceded them), so an entry whose links were only dropped and restored is unchanged; a target
    it did not list before goes last."""
    links = list(related)
    for target in targets:
        if target in links:
            continue
        at = len(links)
        if target in listed_before:
            earlier = listed_before[: listed_before.index(target)]
            at = next((links.index(link) + 1 for link in reversed(earlier) if link in links), 0)
        links.insert(at, target)
    return tuple(links)


def keep_last_good(old: KnowledgeBase, new: KnowledgeBase) -> tuple[KnowledgeBase, tuple[str, ...]]:
    """`new`, plus the entries of `old` whose file the new load reports a problem for and lacks
    an entry from (an author's half-saved edit, a merge conflict pulled in): the agent keeps the
    last good version until the file is fixed. An entry whose file was deleted is gone; one whose
    file still loads (with a warning) is the new version. Links other entries have to a kept
    entry stay (the loader dropped them, reporting them as links to nothing). Returns the KB and
    the ids kept."""
    broken = {str(problem.path) for problem in new.problems}
    if not broken:
        return new, ()
    present = {record.id for record in new.records}
    kept = [record for record in old.records if record.path in broken and record.id not in present]
    if not kept:
        return new, ()
    links = {missing_link(record.id): record.id for record in kept}
    relinked: dict[str, list[str]] = {}
    problems: list[Problem] = []
    for problem in new.problems:
        target = links.get(problem.message)
        if target is None:
            problems.append(problem)
        else:
            relinked.setdefault(str(problem.path), []).append(target)
    before = {record.id: record.related for record in old.records}
    records: list[Record] = [
        record._replace(related=relink(record.related, relinked[record.path], before.get(record.id, ())))
        if record.path in relinked
        else record
        for record in new.records
    ]
    # No fingerprint: this set of entries is no load of the files, and must key no cache.
    merged = knowledge_base(new.root, [*records, *kept], problems)
    return merged, tuple(record.id for record in kept)
