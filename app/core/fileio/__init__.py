"""File I/O every other package shares: decoding (UTF-8, UTF-16, GBK), atomic writes with one fsync switch,
and YAML through the safe loader. Imports nothing from the app but app.core.vocab."""
