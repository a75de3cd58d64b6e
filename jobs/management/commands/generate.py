"""`manage.py generate`: the engine's own command line (`python -m generation`) under Django.

The engine needs no database, Redis or settings; this alias only hands the arguments on.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from generation import cli


class Command(BaseCommand):
    help = cli.DESCRIPTION + " Same as `python -m generation`."
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def run_from_argv(self, argv: list[str]) -> None:
        # argv is ["manage.py", "generate", ...]; the engine parses the rest itself.
        raise SystemExit(cli.main(argv[2:], prog=f"{argv[0]} generate"))
