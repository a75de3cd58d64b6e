"""SavedScenario becomes the versioned ScenarioConfig; jobs remember their source version."""

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


def first_versions(apps, schema_editor):
    """Every scenario saved before versioning becomes its own version 1."""
    config_model = apps.get_model("jobs", "ScenarioConfig")
    version_model = apps.get_model("jobs", "ScenarioVersion")
    for config in config_model.objects.all():
        version_model.objects.create(
            config=config,
            version=1,
            name=config.name,
            description="",
            document=config.document,
            created_at=config.updated_at,
        )
    config_model.objects.update(version=1)


class Migration(migrations.Migration):
    dependencies = [
        ("jobs", "0001_initial"),
    ]

    operations = [
        migrations.RenameModel("SavedScenario", "ScenarioConfig"),
        migrations.AddField(
            model_name="scenarioconfig",
            name="description",
            field=models.TextField(blank=True),
        ),
        migrations.AddField(
            model_name="scenarioconfig",
            name="version",
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
        migrations.AlterField(
            model_name="scenarioconfig",
            name="document",
            field=models.JSONField(help_text="The current version's scenario document."),
        ),
        migrations.CreateModel(
            name="ScenarioVersion",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("version", models.PositiveIntegerField()),
                ("name", models.CharField(max_length=200)),
                ("description", models.TextField(blank=True)),
                ("document", models.JSONField()),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "config",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="versions",
                        to="jobs.scenarioconfig",
                    ),
                ),
            ],
            options={
                "ordering": ["config", "-version"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("config", "version"), name="unique_scenario_version"
                    )
                ],
            },
        ),
        migrations.AddField(
            model_name="job",
            name="scenario_version",
            field=models.ForeignKey(
                blank=True,
                help_text="Saved scenario version it came from; `scenario` is the job's own copy.",
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="jobs",
                to="jobs.scenarioversion",
            ),
        ),
        migrations.RunPython(first_versions, migrations.RunPython.noop),
    ]
