"""FEVER JSONL, as the FEVER scorer reads it: `id`, `verifiable`, `label` (SUPPORTS /
REFUTES / NOT ENOUGH INFO through the rating scale's FEVER mapping), `claim` and
`evidence`.

FEVER's evidence points at numbered sentences of Wikipedia pages; ours points at the
sentences of a source's archived snapshot, split by the same sentence splitter the
workbench uses for articles, with the source's URL as the page. Each source whose quote
is found in its snapshot is one evidence set: the sentences the quote spans. A SUPPORTS or
REFUTES claim with no such source cannot be scored and is left out, as are claims without
a mapped final verdict; NOT ENOUGH INFO claims carry FEVER's `[[[id, null, null, null]]]`."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from typing import Any

import orjson

from ..models import FeverLabel, Project, SourceStance
from .chunks import Progress
from .filters import ExportFilters
from .rows import Row, iter_claims

# A source that says the opposite of the verdict is not evidence for it.
OPPOSING = {
    FeverLabel.SUPPORTS: SourceStance.REFUTES,
    FeverLabel.REFUTES: SourceStance.SUPPORTS,
}
_FOLD = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-", "\u00a0": " "})


def fold(text: str) -> tuple[str, list[int]]:
    """`text` case-folded, with typographic quotes and dashes made plain and each run of
    whitespace one space, and the offset in `text` of each character kept."""
    folded: list[str] = []
    offsets: list[int] = []
    previous_space = False
    for index, character in enumerate(unicodedata.normalize("NFC", text)):
        if character.isspace():
            if previous_space or not folded:
                continue
            character, previous_space = " ", True
        else:
            previous_space = False
        for piece in character.translate(_FOLD).casefold():
            folded.append(piece)
            offsets.append(index)
    return "".join(folded), offsets


def quoted_sentences(snapshot: str, quote: str) -> list[int]:
    """The numbers (from 0) of the snapshot's sentences that the quote spans, or [] when
    the quote is not in the snapshot. Case, spacing and typographic quotes may differ."""
    needle = fold(quote)[0].strip(" .\"'")
    if not needle or not snapshot:
        return []
    # Imported here, not at the top: the extraction package loads the check-worthiness
    # scorers, some hundred megabytes that no other export needs.
    from ..extraction.sentences import split_sentences

    haystack, offsets = fold(snapshot)
    found = haystack.find(needle)
    if found < 0:
        return []
    start, end = offsets[found], offsets[found + len(needle) - 1] + 1
    return [
        number
        for number, sentence in enumerate(split_sentences(snapshot))
        if sentence.start < end and start < sentence.end
    ]


def evidence_sets(row: Row, label: str) -> list[list[list[Any]]]:
    """One evidence set per located source of the claim's submitted annotations:
    [annotation id, source id, source URL, sentence number] for each sentence it spans."""
    sets = []
    for annotation_id, ids, annotation in zip(
        row["annotation_ids"], row["source_ids"], row["annotations"], strict=True
    ):
        if annotation["state"] != "submitted":
            continue
        for source_id, source in zip(ids, annotation["sources"], strict=True):
            if source["stance"] == OPPOSING.get(label):
                continue
            numbers = quoted_sentences(source["snapshot_text"], source["quote"])
            if numbers:
                sets.append([[annotation_id, source_id, source["url"], n] for n in numbers])
    return sets


def fever_record(row: Row, label: str) -> dict[str, Any] | None:
    if label == FeverLabel.NOT_ENOUGH_INFO:
        annotation_id = row["annotation_ids"][0] if row["annotation_ids"] else None
        evidence: list = [[[annotation_id, None, None, None]]]
    else:
        evidence = evidence_sets(row, label)
        if not evidence:
            return None
    return {
        "id": str(row["public_id"]),
        "verifiable": "NOT VERIFIABLE" if label == FeverLabel.NOT_ENOUGH_INFO else "VERIFIABLE",
        "label": label,
        "claim": row["text"],
        "evidence": evidence,
    }


def write_fever(
    project: Project,
    filters: ExportFilters | None = None,
    progress: Progress | None = None,
) -> Iterator[str]:
    fever = {label.key: label.fever_label for label in project.rating_scale.labels.all()}
    lines: list[str] = []
    # Snapshots are long: fewer claims to a chunk keep memory flat.
    rows = iter_claims(
        project, filters, sources="snapshots", reviews=False, progress=progress, chunk_size=200
    )
    for row in rows:
        label = fever.get(row["final_verdict"])
        record = fever_record(row, label) if label else None
        if record is None:
            continue
        lines.append(orjson.dumps(record).decode())
        if progress is not None:
            progress.written += 1
        if len(lines) >= 1000:
            yield "\n".join(lines) + "\n"
            lines = []
    if lines:
        yield "\n".join(lines) + "\n"
