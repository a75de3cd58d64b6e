from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "jobs"
    verbose_name = "Generation jobs"

    def ready(self) -> None:
        from jobs import checks, signals  # noqa: F401  (registers checks and receivers)
