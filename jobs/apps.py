from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "jobs"
    verbose_name = "Generation jobs"

    def ready(self) -> None:
        # Registers the system checks and the signal receivers.
        from jobs.ops import checks  # noqa: F401
        from jobs.runs import signals as run_signals  # noqa: F401
        from jobs.scenarios import signals as scenario_signals  # noqa: F401
