"""The reply checker: rule files (`kind: rules`), the literal prefilter, matching, fixes, specs and personal data.
May import vocab, fileio, text and content.model; never compose, search, training or sync."""
