"""File I/O every other package shares: decoding (UTF-8, UTF-16, GBK), atomic writes with one fsync switch and
team-friendly modes, YAML through the safe loader with depth and alias limits, and bounded reading of
untrusted files (`bounded`: regular files only, size limits per kind in `limits`, JSON depth limits), and the
keyed pseudonymous ids of the share (`pseudonym`: client secret, team key file, HMAC).
Imports nothing from the app but app.core.vocab."""
