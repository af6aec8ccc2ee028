# Step 3 of 3: a project's organisation is its row; the free-text name and URL go.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('annotations', '0016_organisations_from_names'),
    ]

    operations = [
        migrations.RemoveField(
            model_name='project',
            name='organisation_name',
        ),
        migrations.RemoveField(
            model_name='project',
            name='organisation_url',
        ),
    ]
