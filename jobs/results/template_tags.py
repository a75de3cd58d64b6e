"""`{% job_dashboard job %}`: the dashboard of a completed job, with every chart's numbers
as a table (rendered here, so they read without JavaScript) and links to the rest."""

from __future__ import annotations

from typing import Any

from django import template

from jobs.results import figures, tables

register = template.Library()


@register.inclusion_tag("results/dashboard.html")
def job_dashboard(job: Any, renderer: str = "canvas") -> dict[str, Any]:
    try:
        data = figures.dashboard_data(figures.read_summary(job), job.scenario)
    except figures.FiguresUnavailable as error:
        return {"job": job, "unavailable": str(error)}
    numbers = {}
    for slug, (title, build) in tables.TABLES.items():
        header, rows = build(data, False)
        numbers[slug.replace("-", "_")] = {
            "slug": slug,
            "title": title,
            "header": header,
            "rows": rows,
        }
    return {
        "job": job,
        "data": data,
        "numbers": numbers,
        "rates": data["rates"],
        "peaks": data["load"]["peaks"],
        "renderer": renderer,
    }
