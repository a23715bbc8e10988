"""Building a reply: triage, templates, adaptation, the per-load ReplyLibrary, slot filling, the composer and
the ReplySession (draft, fill-ins, fixes, copy guard). May import vocab, text, content, checker and
search.hits (the plain result type); never the search index itself, training or sync."""
