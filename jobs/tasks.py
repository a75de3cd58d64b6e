"""The task's old address, for RQ jobs queued before the code moved to `jobs.runs.tasks`.

RQ stores a queued job's function in Redis as a dotted path (`jobs.tasks.run_job`); a job
queued by the previous release still runs after an upgrade because that path resolves
here. New jobs are queued as `jobs.runs.tasks.run_job`. Nothing else belongs here.
"""

from jobs.runs.tasks import run_job

__all__ = ["run_job"]
