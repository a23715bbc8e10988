"""The knowledge manager's workbench, plain Python (docs/workbench.md): pinyin-slug ids, round-trip YAML
edits, saving without loss (outside-edit detection, autosave), lint, the version store, the review store
(pending revisions, decisions, team settings, the share's `.zhida/review/` area), near-duplicate questions,
the search-regression replay, and the publish-time diversion of edits to published items.

The top layer of core: may import workspace and everything below it (content, checker, search, usage,
sync's store and share readers — never the sync engine's internals, and sync never imports authoring).
"""
