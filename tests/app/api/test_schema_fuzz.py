"""schemathesis against the running API: requests generated from /api/v1/openapi.json.

Every operation gets a bounded number of generated requests (MAX_EXAMPLES) over HTTP to a
live server, with alice's read-and-write token, against real objects: path ids are
swapped for alice's completed job, its file and her saved scenario, so the generated
query strings and bodies reach the code behind the ownership check. Each answer must not
be a 500, must use a status code and content type the schema declares, and must match
that answer's schema. One test walks every operation, so the live server, the database
and the finished job are set up once (seconds, not a minute).
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from jobs.api.main import api as ninja_api
from jobs.scenarios.models import ScenarioConfig
from tests.conftest import scenario_doc

pytestmark = pytest.mark.django_db(transaction=True)
MAX_EXAMPLES = 8
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture
def objects(alice: Any, completed_job: Any) -> dict[str, str]:
    """Path parameters pointing at alice's real objects."""
    job = completed_job(("json", "csv"), total_patients=20)
    saved = ScenarioConfig.objects.create(owner=alice, name="Fuzzed", document=scenario_doc())
    return {"job_id": str(job.id), "name": "patients.csv", "scenario_id": str(saved.pk)}


def test_every_answer_matches_the_schema(
    live_server: Any, alice_token: str, objects: dict[str, str], settings: Any
) -> None:
    settings.MEDGEN_API_RATE_LIMIT = 0  # the fuzzer's request rate is not under test
    # The schema exactly as the running server serves it.
    served = schemathesis.openapi.from_url(f"{live_server.url}/api/v1/openapi.json")
    assert served.raw_schema == _json_roundtrip(ninja_api.get_openapi_schema())
    operations = [result.ok() for result in served.get_all_operations()]
    assert len(operations) >= 20
    # Deletions last: a generated id may name alice's real scenario or job.
    operations.sort(key=lambda operation: operation.method.upper() == "DELETE")
    seen: set[tuple[str, str, int]] = set()

    for operation in operations:
        _fuzz(operation, live_server.url, alice_token, objects, seen)

    # The real objects were reached, not only 404s: the answers behind the ownership check.
    reached = {(method, path) for method, path, status in seen if status < 300}
    for method, path in [
        ("GET", "/api/v1/presets/{name}"),
        ("GET", "/api/v1/scenarios/{scenario_id}/export"),
        ("GET", "/api/v1/scenarios/{scenario_id}/versions"),
        ("GET", "/api/v1/jobs/{job_id}/files/{name}"),
        ("GET", "/api/v1/jobs/{job_id}/download.zip"),
        ("HEAD", "/api/v1/jobs/{job_id}/files/{name}"),
        ("HEAD", "/api/v1/jobs/{job_id}/download.zip"),
    ]:
        assert (method, path) in reached, (method, path)


def _fuzz(
    operation: Any,
    base_url: str,
    token: str,
    objects: dict[str, str],
    seen: set[tuple[str, str, int]],
) -> None:
    if operation.path.startswith("/api/v1/presets/"):
        objects = {**objects, "name": "mascal-drill"}

    @given(case=operation.as_strategy())
    @hypothesis_settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        derandomize=True,  # the same requests every run: a failure is reproducible
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(case: Any) -> None:
        for name in case.path_parameters or {}:
            if name in objects and operation.method.upper() != "DELETE":
                case.path_parameters[name] = objects[name]
        response = case.call_and_validate(
            base_url=base_url, headers={"Authorization": f"Bearer {token}"}, checks=CHECKS
        )
        seen.add((operation.method.upper(), operation.path, response.status_code))

    run()


def _json_roundtrip(value: Any) -> Any:
    import json

    return json.loads(json.dumps(value))
