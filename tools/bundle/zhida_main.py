"""Entry point of the PyInstaller bundle: the same program as the `zhida` console script."""

from app.cli import main

raise SystemExit(main())
