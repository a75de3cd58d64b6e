"""`manage.py cleanup_jobs --older-than 30d`: delete old jobs with their files."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from jobs.models import Job
from jobs.ops.maintenance import delete_jobs

UNITS = {"d": "days", "h": "hours", "m": "minutes", "w": "weeks"}


def parse_age(text: str) -> timedelta:
    """'30d', '12h', '90m', '2w' or a bare number of days."""
    match = re.fullmatch(r"\s*(\d+)\s*([dhmw]?)\s*", text.lower())
    if not match:
        raise CommandError(f"--older-than: {text!r} is not an age like 30d, 12h, 90m or 2w")
    return timedelta(**{UNITS[match[2] or "d"]: int(match[1])})


class Command(BaseCommand):
    help = "Delete jobs (and their files) created longer ago than --older-than."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--older-than",
            default=f"{settings.JOB_RETENTION_DAYS}d",
            help="age like 30d, 12h, 2w (default: JOB_RETENTION_DAYS)",
        )
        parser.add_argument("--dry-run", action="store_true", help="only count what would go")

    def handle(self, *args: Any, **options: Any) -> None:
        age = parse_age(options["older_than"])
        if age <= timedelta(0):
            raise CommandError("--older-than must be more than zero")
        old = Job.objects.older_than(age)
        if options["dry_run"]:
            self.stdout.write(f"Would delete {old.count()} job(s) older than {age}.")
            return
        count = delete_jobs(old)
        self.stdout.write(f"Deleted {count} job(s) older than {age} and their files.")
