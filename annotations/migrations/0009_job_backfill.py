# Step 2 of 3: a job for every document, source, export and dashboard, in the state its
# old status column recorded.

from django.db import migrations

BATCH = 5000


def create_jobs(apps, schema_editor):
    Job = apps.get_model("annotations", "Job")
    Document = apps.get_model("annotations", "Document")
    Source = apps.get_model("annotations", "Source")
    Export = apps.get_model("annotations", "Export")
    DashboardSnapshot = apps.get_model("annotations", "DashboardSnapshot")

    def insert(rows):
        batch = []
        for row in rows:
            batch.append(row)
            if len(batch) >= BATCH:
                Job.objects.bulk_create(batch)
                batch = []
        Job.objects.bulk_create(batch)

    # Work that was running when the workers stopped for the upgrade is queued again.
    def state(status):
        return "queued" if status == "running" else status

    insert(
        Job(
            kind="extract",
            project_id=project_id,
            document_id=pk,
            state=state(status),
            error=error if status == "failed" else "",
        )
        for pk, project_id, status, error in Document.objects.values_list(
            "pk", "project_id", "extraction_status", "extraction_error"
        ).iterator()
    )
    insert(
        Job(
            kind="fetch",
            project_id=project_id,
            source_id=pk,
            state=state(status),
            error=error if status == "failed" else "",
        )
        for pk, project_id, status, error in Source.objects.values_list(
            "pk", "annotation__claim__project_id", "fetch_status", "fetch_error"
        ).iterator()
    )
    insert(
        Job(
            kind="export",
            project_id=project_id,
            export_id=pk,
            state=state(status),
            error=error,
            finished_at=finished_at,
        )
        for pk, project_id, status, error, finished_at in Export.objects.values_list(
            "pk", "project_id", "status", "error", "finished_at"
        ).iterator()
    )
    insert(
        Job(
            kind="dashboard",
            project_id=project_id,
            state={"fresh": "done", "queued": "queued", "failed": "failed"}[status],
            error=error,
            finished_at=computed_at,
        )
        for project_id, status, error, computed_at in DashboardSnapshot.objects.values_list(
            "project_id", "state", "error", "computed_at"
        ).iterator()
    )


class Migration(migrations.Migration):

    dependencies = [
        ('annotations', '0008_job'),
    ]

    operations = [
        migrations.RunPython(create_jobs, migrations.RunPython.noop),
    ]
