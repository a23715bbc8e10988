"""The reply checker: rule files (`kind: rules`) with the default rules that always apply, spellings
(你/您, particles, pinyin, the homophone table), scoped exceptions, safe regexes, matching, fixes, specs,
the library check of `zhida validate`, and personal data (through text/pii).
May import vocab, fileio, text and content (the bundled defaults); never compose, search, training or sync."""
