"""Usage and team insights (docs/insights.md): the local log of meaningful events (searches counted on
Enter / pause / open, opens, copies, drafts, gaps, flags, cases), daily aggregates shared under the share's
`.zhida/usage/<pseudonymous id>/`, and the insights built from them (看板, `zhida report`).
Personal data is masked before storage (text.pii) and a query that held any never leaves the machine.
May import vocab, paths, fileio, text, content and settings; never sync (usage travels on its own files)."""
