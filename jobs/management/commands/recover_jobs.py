"""`manage.py recover_jobs`: re-run or fail jobs whose worker died, re-queue lost ones.

Workers do this on start and on a schedule; this command is for operators.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from jobs.ops.maintenance import recover_jobs


class Command(BaseCommand):
    help = "Recover jobs left running by dead workers and jobs Redis lost."

    def handle(self, *args: Any, **options: Any) -> None:
        recovered = recover_jobs()
        for job in recovered:
            self.stdout.write(f"{job.id}: {job.status}  {job.error}")
        self.stdout.write(f"Recovered {len(recovered)} job(s).")
