"""FEVER JSONL: `id`, `verifiable`, `label` (SUPPORTS / REFUTES / NOT ENOUGH INFO through
the rating scale's FEVER mapping), `claim` and `evidence`, keeping our source URLs where
FEVER has Wikipedia pages. Claims without a mapped final verdict are left out."""

from __future__ import annotations

from collections.abc import Iterator

import orjson

from ..models import FeverLabel, Project
from .filters import ExportFilters
from .rows import Progress, iter_claims


def write_fever(
    project: Project,
    filters: ExportFilters | None = None,
    progress: Progress | None = None,
) -> Iterator[str]:
    fever = {label.key: label.fever_label for label in project.rating_scale.labels.all()}
    lines: list[str] = []
    for row in iter_claims(project, filters, reviews=False, progress=progress):
        label = fever.get(row["final_verdict"])
        if not label:
            continue
        # FEVER's evidence is a list of evidence sets, each a list of
        # [annotation id, evidence id, page, sentence]; ours: one set per annotation.
        evidence = []
        for annotation_id, ids, annotation in zip(
            row["annotation_ids"], row["source_ids"], row["annotations"], strict=True
        ):
            if ids:
                evidence.append(
                    [
                        [annotation_id, source_id, source["url"], None]
                        for source_id, source in zip(ids, annotation["sources"], strict=True)
                    ]
                )
        record = {
            "id": row["id"],
            "verifiable": "NOT VERIFIABLE" if label == FeverLabel.NOT_ENOUGH_INFO else "VERIFIABLE",
            "label": label,
            "claim": row["text"],
            "evidence": evidence,
        }
        lines.append(orjson.dumps(record).decode())
        if progress is not None:
            progress.written += 1
        if len(lines) >= 1000:
            yield "\n".join(lines) + "\n"
            lines = []
    if lines:
        yield "\n".join(lines) + "\n"
