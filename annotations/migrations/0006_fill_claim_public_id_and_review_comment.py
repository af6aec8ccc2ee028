"""Give every claim its public id, and put each decided claim's review comment in its own
field: an approval used to write the editor's comment over the chosen annotation's
rationale, which is given back here."""

import uuid

from django.db import migrations

BATCH = 2000


def fill(apps, schema_editor):
    Claim = apps.get_model("annotations", "Claim")
    Review = apps.get_model("annotations", "Review")
    Annotation = apps.get_model("annotations", "Annotation")
    last_id = 0
    while True:
        claims = list(Claim.objects.filter(id__gt=last_id).order_by("id")[:BATCH])
        if not claims:
            return
        decisions = {}
        for review in (
            Review.objects.filter(
                claim_id__in=[c.id for c in claims], action__in=["approve", "override"]
            )
            .select_related("annotation")
            .order_by("claim_id", "created_at", "id")
        ):
            decisions[review.claim_id] = review  # the last decision of each claim
        rationales = {}
        for claim_id, verdict, rationale in (
            Annotation.objects.filter(claim_id__in=list(decisions), state="submitted")
            .exclude(rationale="")
            .order_by("claim_id", "-id")
            .values_list("claim_id", "verdict", "rationale")
        ):
            rationales[(claim_id, verdict)] = rationale  # the earliest one is kept
        for claim in claims:
            claim.public_id = uuid.uuid4()
            review = decisions.get(claim.id)
            if claim.final_verdict and review is not None:
                claim.review_comment = review.comment
                if review.action == "approve":
                    claim.final_rationale = (
                        review.annotation.rationale
                        if review.annotation is not None
                        else rationales.get((claim.id, claim.final_verdict), "")
                    )
        Claim.objects.bulk_update(claims, ["public_id", "review_comment", "final_rationale"])
        last_id = claims[-1].id


class Migration(migrations.Migration):
    dependencies = [
        ("annotations", "0005_claim_public_id_and_export_fields"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
