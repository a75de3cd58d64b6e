"""POST/GET /jobs, GET /jobs/{id}, /status, cancel, rerun, DELETE: what the pages do, by token."""

from __future__ import annotations

from typing import Any

import pytest

from jobs.runs import progress
from jobs.runs.models import Job
from jobs.scenarios.models import ScenarioConfig
from tests.app.api.conftest import locs
from tests.conftest import scenario_doc

pytestmark = pytest.mark.django_db


def test_it_creates_a_job_from_a_document(api: Any, alice: Any) -> None:
    response = api.post(
        "/jobs", {"document": scenario_doc(), "formats": ["json", "fhir"], "seed": 7}
    )

    assert response.status_code == 201, response.content
    job = Job.objects.get(pk=response.json()["id"])
    assert (job.owner, job.formats, job.seed, job.total) == (alice, ["json", "fhir"], 7, 300)
    assert response.json()["state"] == progress.payload(job)


def test_it_creates_a_job_from_a_preset_with_a_count(api: Any) -> None:
    response = api.post("/jobs", {"preset": "mascal-drill", "total_patients": 100})
    too_few = api.post("/jobs", {"preset": "mascal-drill", "total_patients": 40})

    assert response.status_code == 201, response.content
    job = Job.objects.get(pk=response.json()["id"])
    assert job.total == 100 and job.formats == ["json", "csv"]
    assert locs(too_few) == [["body", "payload", "preset", "special_events"]]


def test_it_creates_a_job_from_a_saved_scenario_and_remembers_the_version(
    api: Any, alice: Any
) -> None:
    config = ScenarioConfig.objects.create(owner=alice, name="Mine", document=scenario_doc())

    response = api.post("/jobs", {"scenario_id": config.pk, "formats": ["csv"]})

    assert response.status_code == 201, response.content
    assert (response.json()["scenario_id"], response.json()["scenario_version"]) == (config.pk, 1)
    assert Job.objects.get(pk=response.json()["id"]).scenario_version == config.current_version()


def test_it_names_every_problem_of_a_bad_document_by_path(api: Any) -> None:
    document = scenario_doc(
        days=0, injury_mix={"battle_injury": 0.5, "non_battle_injury": 0.1, "disease": 0.1}
    )

    response = api.post("/jobs", {"document": document})

    found = locs(response)
    assert ["body", "payload", "document", "days"] in found
    assert ["body", "payload", "document", "injury_mix"] in found
    assert not Job.objects.exists()


def test_it_rejects_bad_fields_with_their_paths(api: Any, alice: Any, bob: Any) -> None:
    theirs = ScenarioConfig.objects.create(owner=bob, name="Bob's", document=scenario_doc())

    assert ["body", "payload", "formats", 0] in locs(
        api.post("/jobs", {"preset": "mascal-drill", "formats": ["pdf"]})
    )
    assert ["body", "payload", "seed"] in locs(
        api.post("/jobs", {"preset": "mascal-drill", "seed": -1})
    )
    assert ["body", "payload", "preset"] in locs(api.post("/jobs", {"preset": "no-such"}))
    assert ["body", "payload", "scenario_id"] in locs(api.post("/jobs", {"scenario_id": theirs.pk}))
    both = locs(api.post("/jobs", {"preset": "mascal-drill", "document": scenario_doc()}))
    assert both == [["body", "payload", "document"], ["body", "payload", "preset"]]
    assert len(locs(api.post("/jobs", {}))) == 3
    assert (
        api.post("/jobs", None, data="{not json", content_type="application/json").status_code
        == 400
    )
    assert not Job.objects.exists()


def test_it_lists_the_owners_jobs_paginated_and_filtered(api: Any, make_job: Any, bob: Any) -> None:
    mine = [make_job() for _ in range(3)]
    make_job(owner=bob)
    Job.objects.filter(pk=mine[0].pk).update(status=Job.Status.COMPLETED)

    page = api.get("/jobs?limit=2&offset=0").json()
    done = api.get("/jobs?status=completed").json()

    assert page["count"] == 3 and [j["id"] for j in page["items"]] == [
        str(mine[2].id),
        str(mine[1].id),
    ]
    assert [j["id"] for j in done["items"]] == [str(mine[0].id)]
    assert ["query", "status"] in locs(api.get("/jobs?status=asleep"))


def test_it_reads_a_job_and_its_status(api: Any, make_job: Any) -> None:
    job = make_job()

    detail = api.get(f"/jobs/{job.id}")
    status = api.get(f"/jobs/{job.id}/status")

    assert detail.status_code == status.status_code == 200
    assert detail.json()["scenario"] == job.scenario
    assert status.json() == progress.payload(job) == detail.json()["state"]


def test_it_cancels_an_active_job_and_refuses_a_finished_one(api: Any, make_job: Any) -> None:
    job = make_job()

    first = api.post(f"/jobs/{job.id}/cancel")
    second = api.post(f"/jobs/{job.id}/cancel")

    assert first.status_code == 200 and first.json()["status"] == "cancelled"
    assert second.status_code == 409 and "cancelled already" in second.json()["detail"]


def test_it_reruns_a_job_as_a_new_job_with_the_same_seed(api: Any, make_job: Any) -> None:
    job = make_job(formats=("ndjson",))

    response = api.post(f"/jobs/{job.id}/rerun")

    assert response.status_code == 201
    again = Job.objects.get(pk=response.json()["id"])
    assert again.pk != job.pk
    assert (again.scenario, again.formats, again.seed) == (job.scenario, job.formats, job.seed)


def test_it_deletes_a_job_with_its_files(api: Any, completed_job: Any, settings: Any) -> None:
    job = completed_job(("json",))
    folder = settings.MEDIA_ROOT / "jobs" / str(job.id)
    assert folder.exists()

    response = api.delete(f"/jobs/{job.id}")

    assert response.status_code == 204
    assert not Job.objects.filter(pk=job.pk).exists()


@pytest.mark.parametrize(
    ("method", "suffix"),
    [("get", ""), ("get", "/status"), ("post", "/cancel"), ("post", "/rerun"), ("delete", "")],
)
def test_it_404s_for_bob_on_alices_job(
    api: Any, make_job: Any, bob_token: str, method: str, suffix: str
) -> None:
    job = make_job()

    response = api.call(method, f"/jobs/{job.id}{suffix}", token=bob_token)

    assert response.status_code == 404
    job.refresh_from_db()
    assert job.status == Job.Status.QUEUED
    assert Job.objects.count() == 1


def test_it_lets_staff_read_any_job(api: Any, make_job: Any, staff: Any, make_token: Any) -> None:
    job = make_job()

    assert api.get(f"/jobs/{job.id}", token=make_token(staff)).status_code == 200


def test_it_lists_none_of_bobs_jobs_to_alice(api: Any, make_job: Any, bob: Any) -> None:
    make_job(owner=bob)

    assert api.get("/jobs").json() == {"items": [], "count": 0}


def test_a_status_poll_costs_two_queries(
    api: Any, make_job: Any, django_assert_num_queries: Any
) -> None:
    # A script polls this every few seconds: the token (with its owner) and the job's
    # payload fields; last_used_at is written at most once a minute, the rate is Redis.
    job = make_job()
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING, done=10, rate=5.0)
    api.get(f"/jobs/{job.id}/status")  # the first use records last_used_at

    with django_assert_num_queries(2):
        response = api.get(f"/jobs/{job.id}/status")

    assert response.json()["status"] == "running"
