"""The size, depth and alias limits for every kind of file Zhida reads from a content root or the share.

They are generous for real content and small enough that no single file can exhaust memory or time:

    kind        limit     what it is
    article     16 MB     one kb/*.md (a long article is ~20 KB; the suite loads a 14 MB one in seconds)
    library     8 MB      one scripts_library/*.yaml or userdict*.txt (rules, synonyms, triage, drills…)
    manifest    64 MB     one share manifest (20,000 articles take ~2.4 MB)
    head        64 KB     heads/<publisher>.json, leases/<publisher>.json, .zhida/FORMAT
    record      4 MB      one file a feature keeps on the share (usage, review, training, cases)
    state       256 MB    sync's own state under $ZHIDA_HOME (the base snapshot of a large team)
    json_depth  32        nesting of JSON arrays/objects (a manifest nests 4 levels)
    yaml_depth  40        nesting of YAML collections, aliases expanded (rules nest ~6 levels)
    yaml_alias_nodes 100,000  nodes that aliases may add when expanded (an alias bomb adds billions)

A team changes them in settings.json under "extra": {"file_limits": {"article": 2000000, …}} (bytes or
counts); `Limits.with_overrides` applies such a table, ignoring unknown keys and non-positive values.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace

KB = 1 << 10
MB = 1 << 20


@dataclass(frozen=True)
class Limits:
    """Per-kind limits (bytes for files, counts for depth and alias nodes)."""

    article: int = 16 * MB
    library: int = 8 * MB
    manifest: int = 64 * MB
    head: int = 64 * KB
    record: int = 4 * MB
    state: int = 256 * MB
    json_depth: int = 32
    yaml_depth: int = 40
    yaml_alias_nodes: int = 100_000

    def for_path(self, rel: str) -> int:
        """The byte limit of a content file by its path: articles (.md) or library files (everything else)."""
        return self.article if rel.lower().endswith(".md") else self.library

    def with_overrides(self, table: object) -> Limits:
        """These limits with the positive integer values of `table` (e.g. settings' file_limits) applied."""
        if not isinstance(table, dict):
            return self
        names = {f.name for f in fields(self)}
        changes = {
            k: v for k, v in table.items() if k in names and isinstance(v, int) and not isinstance(v, bool) and v > 0
        }
        return replace(self, **changes) if changes else self


DEFAULT_LIMITS = Limits()
