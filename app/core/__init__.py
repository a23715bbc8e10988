"""Zhida's core: plain Python (no Qt, enforced by tests), paths in, dataclasses out, progress by callback.

Layers, lowest first (a package may import only those listed before it):
  vocab, paths, fileio, text   vocabulary, locations, bounded file I/O, text primitives
  content                      the content model, loading, validation helpers, import, personal layer
  checker                      rule files, prefilter, matching, fixes, personal data
  compose                      triage, templates, the reply library, the builder, the reply session
  search                       index store, documents, query plan, scoring, re-ranking, snippets
  training                     drills, scoring of a trainee's reply
  sync                         the shared-folder protocol (never imports search: the caller reindexes)
  usage                        the local usage log
  settings, validation, workspace   one loaded content root and its services, for the app and the CLI
Nothing in core imports app.ui, app.commands or app.bench.
"""
