"""Content: the Article/Script/LibraryFile model, loading a content root with file:line problems,
placeholders, Markdown rendering, FAQ import, the bundled sample content and the agent's personal layer.
May import vocab, paths, fileio, text, and checker.pii (personal scripts refuse unmasked personal data)."""
