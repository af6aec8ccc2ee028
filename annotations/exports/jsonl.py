"""Native JSONL: one claim per line, with everything the workbench knows about it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from ..models import Claim, Project
from .rows import claims_for_export


def iso(value) -> str | None:
    return value.isoformat() if value else None


def claim_record(claim: Claim, labels: dict) -> dict[str, Any]:
    document = claim.document
    label = labels.get(claim.final_verdict)
    return {
        "id": claim.pk,
        "text": claim.text,
        "document": {
            "id": document.pk,
            "title": document.title,
            "url": document.url,
            "publisher": document.publisher,
            "published_at": iso(document.published_at),
            "language": document.language,
            "content_hash": document.content_hash,
        },
        "start": claim.start,
        "end": claim.end,
        "speaker": claim.speaker,
        "claim_date": iso(document.published_at),
        "score": claim.score,
        "scorer_version": claim.scorer_version,
        "claim_types": claim.claim_types,
        "origin": claim.origin,
        "status": claim.status,
        "final_verdict": {
            "key": claim.final_verdict,
            "label": label.label if label else claim.final_verdict,
            "ordinal": label.ordinal if label else None,
            "rationale": claim.final_rationale,
        }
        if claim.final_verdict
        else None,
        "annotations": [
            {
                "annotator": annotation.annotator.username,
                "stance": annotation.stance,
                "verdict": annotation.verdict,
                "rationale": annotation.rationale,
                "checkworthy": annotation.checkworthy,
                "state": annotation.state,
                "guideline_version": annotation.guideline_version,
                "submitted_at": iso(annotation.submitted_at),
                "sources": [
                    {
                        "url": source.url,
                        "title": source.title,
                        "publisher": source.publisher,
                        "quote": source.quote,
                        "stance": source.stance,
                        "question": source.question,
                        "answer": source.answer,
                        "snapshot_sha256": source.snapshot_sha256,
                    }
                    for source in annotation.sources.all()
                ],
            }
            for annotation in claim.annotations.all()
        ],
        "reviews": [
            {
                "editor": review.editor.username,
                "action": review.action,
                "verdict": review.verdict,
                "comment": review.comment,
                "created_at": iso(review.created_at),
            }
            for review in claim.reviews.all()
        ],
    }


def write_jsonl(project: Project) -> Iterator[str]:
    labels = {label.key: label for label in project.rating_scale.labels.all()}
    for claim in claims_for_export(project):
        yield json.dumps(claim_record(claim, labels), ensure_ascii=False) + "\n"
