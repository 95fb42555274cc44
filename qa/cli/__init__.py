"""The `qa` command; `main` runs it (see qa.cli.main)."""

from qa.cli.main import main, run

__all__ = ["main", "run"]
