"""The update planner: from the last manifest and the files' states now, what an index update must do.

Pure: no file is read and nothing is written here (the caller scans the files, the writer applies the
plan), so every rule of "what must be re-indexed" is a function of its inputs and tested as one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from app.core.search.documents import FileState, is_synonyms_name, is_userdict

# Why a plan rebuilds from scratch (shown by `zhida index --json` as "reason").
REQUESTED = "requested"
MISSING = "missing"
SCHEMA = "schema"
DAMAGED = "damaged"
DICTIONARY = "dictionary"  # a user dictionary or synonyms file changed: every text must be cut again


@dataclass(frozen=True)
class UpdatePlan:
    """What to add, change, delete or rebuild, and the manifest and vocabulary to record afterwards."""

    states: dict[str, FileState]
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    rebuild: str = ""  # "" for an incremental update, else why (REQUESTED, MISSING, …)
    vocab: dict[str, list[str]] = field(default_factory=dict)  # kept per-file words of untouched files
    synonyms: dict[str, list[list[str]]] = field(default_factory=dict)

    @property
    def touched(self) -> list[str]:
        """Files whose documents are removed from the index (changed and deleted; all on a rebuild)."""
        return [*self.changed, *self.deleted]

    @property
    def to_parse(self) -> list[str]:
        """Files to parse into documents (added and changed articles and library files)."""
        return [rel for rel in [*self.added, *self.changed] if not is_userdict(rel)]

    @property
    def userdicts(self) -> list[str]:
        """User dictionary files to read again."""
        return [rel for rel in [*self.added, *self.changed] if is_userdict(rel)]

    @property
    def empty(self) -> bool:
        """True when nothing reaches the index writer."""
        return not self.rebuild and not self.added and not self.changed and not self.deleted


def plan_update(
    meta: Mapping[str, Any] | None,
    manifest: Mapping[str, Any],
    states: dict[str, FileState],
    rebuild: str = "",
    schema_version: int = 0,
) -> UpdatePlan:
    """The plan that brings an index described by `meta` and `manifest` to the files in `states`.

    `rebuild` forces a full build (with its reason); so do a missing meta file or another schema
    version, and any change to a file that changes how texts are cut (user dictionaries, synonyms).
    """
    if not rebuild:
        if meta is None:
            rebuild = MISSING
        elif meta.get("schema_version") != schema_version:
            rebuild = SCHEMA
    old: Mapping[str, Any] = {} if rebuild else manifest
    changed = [rel for rel, st in states.items() if not _same(old.get(rel), st)]
    deleted = [rel for rel in old if rel not in states]
    if not rebuild:
        cutting = set((meta or {}).get("synonyms_by_file") or {})  # synonym words join the dictionary too
        if any(is_userdict(rel) or rel in cutting or is_synonyms_name(rel) for rel in [*changed, *deleted]):
            rebuild = DICTIONARY
    if rebuild:
        return UpdatePlan(states=states, added=list(states), rebuild=rebuild)
    kept_vocab = dict((meta or {}).get("vocab_by_file") or {})
    kept_synonyms = dict((meta or {}).get("synonyms_by_file") or {})
    for rel in [*changed, *deleted]:
        kept_vocab.pop(rel, None)
        kept_synonyms.pop(rel, None)
    return UpdatePlan(
        states=states,
        added=[rel for rel in changed if rel not in old],
        changed=[rel for rel in changed if rel in old],
        deleted=deleted,
        vocab=kept_vocab,
        synonyms=kept_synonyms,
    )


def _same(previous: Any, state: FileState) -> bool:
    # Same object: size and mtime unchanged, so file_state kept the old entry; else compare the hashes.
    return previous is state or (isinstance(previous, list) and previous[2:] == state[2:])
