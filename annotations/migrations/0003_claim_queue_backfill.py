from django.db import migrations

# Claim.in_queue for the claims that exist: open, with a place not held by someone who
# submitted or was assigned (ClaimQuerySet.refresh_in_queue). Plain SQL that PostgreSQL and
# SQLite both run.
BACKFILL = """
UPDATE annotations_claim SET in_queue = (
    status IN ('unstarted', 'in_progress')
    AND (
        (SELECT COUNT(*) FROM annotations_annotation a
         WHERE a.claim_id = annotations_claim.id AND a.state = 'submitted')
        + (SELECT COUNT(*) FROM annotations_assignment s
           WHERE s.claim_id = annotations_claim.id AND NOT EXISTS (
               SELECT 1 FROM annotations_annotation a
               WHERE a.claim_id = s.claim_id AND a.annotator_id = s.user_id
                 AND a.state = 'submitted'))
    ) < (SELECT p.annotations_per_claim FROM annotations_project p
         WHERE p.id = annotations_claim.project_id)
)
"""


class Migration(migrations.Migration):
    dependencies = [
        ("annotations", "0002_claim_queue"),
    ]

    operations = [
        migrations.RunSQL(BACKFILL, reverse_sql=migrations.RunSQL.noop),
    ]
