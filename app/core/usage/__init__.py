"""The agent's local usage log (searches, opens, copies, favourites), personal data masked before storage.
May import vocab, paths, fileio, text and checker.pii."""
