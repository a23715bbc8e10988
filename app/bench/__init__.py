"""Benchmarks and evaluation harnesses (`zhida bench …`, `python -m app.bench.relevance`).
May import everything in app.core; nothing in app.core or app.ui imports this package."""
