"""The desktop app (PySide6 only): thin widgets that wire core services, run core work on the task runner
(`tasks.py`) and get results back by signal. May import app.core; holds no business rules."""
