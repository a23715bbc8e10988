"""`python -m app` is the same program as the `zhida` console script."""

from app.cli import main

raise SystemExit(main())
