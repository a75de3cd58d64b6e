"""Django's one models module per app: the models live with their sub-packages.

Importing this module registers every model of the `jobs` app; migrations and
`apps.get_model("jobs", ...)` see them under the app label `jobs` as before the move.
"""

from jobs.api.models import ApiToken, ApiTokenQuerySet
from jobs.runs.models import Job, JobOutput, JobQuerySet
from jobs.scenarios.models import ScenarioConfig, ScenarioConfigQuerySet, ScenarioVersion

__all__ = [
    "ApiToken",
    "ApiTokenQuerySet",
    "Job",
    "JobOutput",
    "JobQuerySet",
    "ScenarioConfig",
    "ScenarioConfigQuerySet",
    "ScenarioVersion",
]
