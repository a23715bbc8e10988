"""Instant search: the on-disk Whoosh index (store, documents, writer), query planning, scoring, re-ranking
and snippets; `hits` is the plain result type others may import. May import vocab, fileio, text, content."""
