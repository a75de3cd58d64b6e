"""The admin: jobs with filters and search, deletion with files, saved scenarios."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from jobs.models import Job, ScenarioConfig

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def admin_client(client: Any, staff: Any) -> Any:
    client.force_login(staff)
    return client


def test_it_lists_jobs_with_filters_and_search(admin_client: Any, make_job: Any) -> None:
    make_job(title="Alpha drill")
    make_job(title="Bravo drill")

    everything = admin_client.get("/admin/jobs/job/")
    searched = admin_client.get("/admin/jobs/job/", {"q": "Alpha"})
    filtered = admin_client.get("/admin/jobs/job/", {"status__exact": "completed"})
    aged = admin_client.get("/admin/jobs/job/", {"age": "30"})

    assert everything.status_code == 200
    assert searched.context["cl"].result_count == 1
    assert filtered.context["cl"].result_count == 0
    assert aged.context["cl"].result_count == 0


def test_it_shows_a_job(admin_client: Any, make_job: Any) -> None:
    job = make_job()

    assert admin_client.get(f"/admin/jobs/job/{job.pk}/change/").status_code == 200


def test_its_delete_action_removes_rows_and_files(
    admin_client: Any, make_job: Any, burst_worker: Any, media_root: Path
) -> None:
    doomed, kept = make_job(), make_job()
    burst_worker()
    assert (media_root / "jobs" / str(doomed.id)).is_dir()

    response = admin_client.post(
        "/admin/jobs/job/", {"action": "delete_with_files", "_selected_action": [str(doomed.pk)]}
    )

    assert response.status_code == 302
    assert list(Job.objects.all()) == [kept]
    assert not (media_root / "jobs" / str(doomed.id)).exists()
    assert (media_root / "jobs" / str(kept.id)).is_dir()


def test_its_delete_view_removes_files_too(
    admin_client: Any, make_job: Any, burst_worker: Any, media_root: Path
) -> None:
    job = make_job()
    burst_worker()

    admin_client.post(f"/admin/jobs/job/{job.pk}/delete/", {"post": "yes"})

    assert not Job.objects.exists()
    assert not (media_root / "jobs" / str(job.id)).exists()


def test_it_validates_saved_scenarios(admin_client: Any, staff: Any, document: Any) -> None:
    import json

    bad = admin_client.post(
        "/admin/jobs/scenarioconfig/add/",
        {"owner": staff.pk, "name": "broken", "document": json.dumps(document(total_patients=0))},
    )
    good = admin_client.post(
        "/admin/jobs/scenarioconfig/add/",
        {"owner": staff.pk, "name": "fine", "document": json.dumps(document())},
    )

    assert bad.status_code == 200
    assert "total_patients" in bad.content.decode()
    assert good.status_code == 302
    assert list(ScenarioConfig.objects.values_list("name", flat=True)) == ["fine"]


def test_it_keeps_the_admin_from_bob(client: Any, bob: Any) -> None:
    client.force_login(bob)

    assert client.get("/admin/jobs/job/").status_code == 302
