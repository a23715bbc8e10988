"""Sync with a shared team folder (docs/sync.md): names, share, local store, scan, merge, the client lock, a
run (run / pull / publish over runstate), decisions (resolve), report. May import vocab, paths, fileio,
text, settings (file limits) and content; never search (a run reports what changed, the caller reindexes
once)."""
