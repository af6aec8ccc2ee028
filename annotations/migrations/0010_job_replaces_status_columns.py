# Step 3 of 3: the state of background work now lives on its job (0008, 0009).

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('annotations', '0009_job_backfill'),
    ]

    operations = [
        migrations.RemoveField(
            model_name='dashboardsnapshot',
            name='error',
        ),
        migrations.RemoveField(
            model_name='dashboardsnapshot',
            name='requested_at',
        ),
        migrations.RemoveField(
            model_name='dashboardsnapshot',
            name='state',
        ),
        migrations.RemoveField(
            model_name='document',
            name='extraction_error',
        ),
        migrations.RemoveField(
            model_name='document',
            name='extraction_status',
        ),
        migrations.RemoveField(
            model_name='export',
            name='error',
        ),
        migrations.RemoveField(
            model_name='export',
            name='finished_at',
        ),
        migrations.RemoveField(
            model_name='export',
            name='status',
        ),
        migrations.RemoveField(
            model_name='source',
            name='fetch_error',
        ),
        migrations.RemoveField(
            model_name='source',
            name='fetch_status',
        ),
    ]
