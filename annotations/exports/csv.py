"""CSV: one row per claim, flat columns."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from ..models import Project
from .rows import claims_for_export

COLUMNS = [
    "claim_id",
    "document_id",
    "document_title",
    "document_url",
    "published_at",
    "text",
    "start",
    "end",
    "speaker",
    "score",
    "claim_types",
    "origin",
    "status",
    "final_verdict",
    "final_verdict_label",
    "final_rationale",
    "annotators",
    "n_sources",
]


def write_csv(project: Project) -> Iterator[str]:
    labels = {label.key: label.label for label in project.rating_scale.labels.all()}
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    for n, claim in enumerate(claims_for_export(project), start=1):
        annotations = claim.annotations.all()
        writer.writerow(
            [
                claim.pk,
                claim.document_id,
                claim.document.title,
                claim.document.url,
                claim.document.published_at.isoformat() if claim.document.published_at else "",
                claim.text,
                claim.start,
                claim.end,
                claim.speaker,
                "" if claim.score is None else f"{claim.score:.4f}",
                ";".join(claim.claim_types),
                claim.origin,
                claim.status,
                claim.final_verdict,
                labels.get(claim.final_verdict, claim.final_verdict),
                claim.final_rationale,
                ";".join(a.annotator.username for a in annotations),
                sum(len(a.sources.all()) for a in annotations),
            ]
        )
        if n % 500 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()
