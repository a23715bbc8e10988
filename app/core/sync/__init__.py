"""Sync with a shared team folder (docs/sync.md): scan, share, local store, merge, the run, resolve, history.
May import vocab, paths, fileio, text and content; never search (a run reports what changed, the caller
reindexes once)."""
