"""知答 Zhida: knowledge base and script assistant for customer-service agents.

Packages: core (plain Python), ui (PySide6 widgets), commands (the CLI), bench (benchmarks); the import
contracts between them are in pyproject.toml and tested."""

__version__ = "0.1.0"
