"""The shipped monitoring (docs/monitoring/): rules that promtool accepts and whose unit
tests pass, a valid scrape configuration, and no panel or alert reading a metric that
/metrics does not export once a job has run."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from prometheus_client.parser import text_string_to_metric_families

MONITORING = Path(__file__).resolve().parents[3] / "docs" / "monitoring"
METRIC_NAME = re.compile(r"\b(?:medgen|process)_[a-z0-9_]+\b")
HISTOGRAM_SUFFIXES = ("_bucket", "_sum", "_count")


def _promtool(*args: str, cwd: Path = MONITORING, stdin: str | None = None) -> str:
    promtool = shutil.which("promtool")
    assert promtool, "promtool is missing: scripts/ensure-test-tools.sh installs it"
    done = subprocess.run(
        [promtool, *args], cwd=cwd, input=stdin, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout + done.stderr


def test_the_alerting_rules_are_valid_and_their_unit_tests_pass() -> None:
    assert "SUCCESS: 7 rules found" in _promtool("check", "rules", "alerts.yml")
    assert "SUCCESS" in _promtool("test", "rules", "alerts.test.yml")


def test_every_alert_has_a_summary_and_a_runbook_section() -> None:
    rules = (MONITORING / "alerts.yml").read_text()
    operations = (MONITORING.parent / "operations.md").read_text()
    alerts = re.findall(r"- alert: (\w+)", rules)

    assert len(alerts) == 7
    assert rules.count("summary:") == rules.count("runbook:") == len(alerts)
    for alert in alerts:
        assert f'runbook: "docs/operations.md#{alert.lower()}"' in rules
        assert f"\n### {alert}\n" in operations, alert


def test_the_scrape_configuration_works_as_written(tmp_path: Path) -> None:
    token = tmp_path / "medgen-metrics-token"
    token.write_text("a-metrics-token\n")
    config = (MONITORING / "prometheus.yml").read_text()
    (tmp_path / "prometheus.yml").write_text(
        config.replace("/etc/prometheus/medgen-metrics-token", str(token))
    )
    shutil.copy(MONITORING / "alerts.yml", tmp_path / "alerts.yml")

    assert "SUCCESS" in _promtool("check", "config", "prometheus.yml", cwd=tmp_path)


def test_the_dashboard_lists_its_queries_in_the_readme() -> None:
    dashboard = json.loads((MONITORING / "grafana-dashboard.json").read_text())
    readme = (MONITORING / "README.md").read_text()
    targets = [t for panel in dashboard["panels"] for t in panel["targets"]]

    assert len(dashboard["panels"]) >= 10
    for target in targets:
        assert f"`{target['expr']}`" in readme, target["expr"]


@pytest.mark.django_db(transaction=True)
def test_every_metric_the_dashboard_and_alerts_read_is_exported(
    admin_client: Any, make_job: Any, burst_worker: Any
) -> None:
    make_job(total_patients=300)
    burst_worker()
    exposition = admin_client.get("/metrics").content.decode()
    exported = {
        sample.name
        for family in text_string_to_metric_families(exposition)
        for sample in family.samples
    }
    dashboard = (MONITORING / "grafana-dashboard.json").read_text()
    read = set(METRIC_NAME.findall(dashboard + (MONITORING / "alerts.yml").read_text()))

    assert {"medgen_jobs", "medgen_process_resident_memory_bytes"} <= read
    missing = sorted(name for name in read if name not in exported)
    assert not missing, f"read but not exported: {missing}"
    _promtool("check", "metrics", stdin=exposition)  # the exposition passes promtool's lint
