"""LIAR TSV: the 14 columns of the LIAR dataset (Wang, ACL 2017), no header, no quoting.

LIAR's labels are PolitiFact's; `barely-true` is PolitiFact's older name for Mostly false.
Claims whose verdict is not on the six-point scale are left out."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator

from django.db.models import Count

from ..models import ClaimStatus, Project
from .chunks import Progress
from .filters import ExportFilters
from .rows import iter_claims

# LIAR label -> six-point key, and back.
LIAR_TO_KEY = {
    "true": "true",
    "mostly-true": "mostly_true",
    "half-true": "half_true",
    "barely-true": "mostly_false",
    "false": "false",
    "pants-fire": "pants_on_fire",
}
KEY_TO_LIAR = {key: liar for liar, key in LIAR_TO_KEY.items()}
# Columns 9-13: the speaker's credit history, counts per label including this statement.
CREDIT_LABELS = ["barely-true", "false", "half-true", "mostly-true", "pants-fire"]
NO_BREAKS = str.maketrans({"\t": " ", "\n": " ", "\r": " "})
COLUMNS = [
    "id",
    "label",
    "statement",
    "subjects",
    "speaker",
    "speaker_job_title",
    "state_info",
    "party_affiliation",
    *[f"{label}_count" for label in CREDIT_LABELS],
    "context",
]


def clean(value) -> str:
    """LIAR has no quoting: a tab or line break inside a field would break the row. Other
    spacing is kept, so an imported LIAR file exports byte for byte."""
    return ("" if value is None else str(value)).translate(NO_BREAKS)


def speaker_history(project: Project) -> dict[str, Counter]:
    """Approved verdicts per speaker in the project: the credit history of claims that did
    not come with one. One grouped query, one small row per speaker and verdict."""
    history: dict[str, Counter] = defaultdict(Counter)
    grouped = (
        project.claims.filter(status=ClaimStatus.APPROVED)
        .exclude(speaker="")
        .values_list("speaker", "final_verdict")
        .annotate(n=Count("id"))
        .order_by()
    )
    for speaker, verdict, n in grouped:
        if verdict in KEY_TO_LIAR:
            history[speaker][KEY_TO_LIAR[verdict]] = n
    return history


def write_liar(
    project: Project,
    filters: ExportFilters | None = None,
    progress: Progress | None = None,
) -> Iterator[str]:
    history = speaker_history(project)
    lines: list[str] = []
    rows = iter_claims(project, filters, annotations=False, reviews=False, progress=progress)
    for row in rows:
        label = KEY_TO_LIAR.get(row["final_verdict"])
        if label is None:
            continue
        metadata = row["metadata"] or {}
        credit = metadata.get("credit_history") or [
            history[row["speaker"]][name] for name in CREDIT_LABELS
        ]
        fields = [
            metadata.get("liar_id") or f"{row['public_id']}.json",
            label,
            row["text"],
            metadata.get("subjects", ""),
            row["speaker"],
            metadata.get("speaker_job_title", ""),
            metadata.get("state_info", ""),
            metadata.get("party_affiliation", ""),
            *credit,
            metadata.get("context", row["document"]["title"]),
        ]
        lines.append("\t".join(clean(value) for value in fields))
        if progress is not None:
            progress.written += 1
        if len(lines) >= 1000:
            yield "\n".join(lines) + "\n"
            lines = []
    if lines:
        yield "\n".join(lines) + "\n"
