"""The JSON API under /api/v1/ (Django Ninja) and the personal tokens it accepts.

Endpoints call the same functions the pages call (jobs.runs.submit, the ownership
helpers, jobs.results.downloads, ScenarioConfig's own methods): the API is another door,
not another path to the data. Nothing is imported here, so `jobs.models` can re-export
the token model.
"""
