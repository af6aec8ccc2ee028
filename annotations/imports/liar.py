"""LIAR TSV in: 14 tab-separated columns, no header, no quoting. Each statement becomes
an approved imported claim; the columns the workbench has no field for are kept in the
claim's metadata so the LIAR export gives them back."""

from __future__ import annotations

from ..errors import InvalidInput
from ..exports.liar import CREDIT_LABELS, LIAR_TO_KEY
from .records import ClaimRecord, DocumentRecord, ParsedFile, text_field

N_COLUMNS = 14


def parse(content: str, name: str) -> ParsedFile:
    parsed = ParsedFile()
    group = DocumentRecord(key="liar", title=f"LIAR: {name}", publisher="PolitiFact")
    parsed.documents[group.key] = group
    for line, raw in enumerate(content.split("\n"), start=1):
        raw = raw.rstrip("\r")
        if not raw.strip():
            continue
        try:
            cells = raw.split("\t")
            if len(cells) != N_COLUMNS:
                raise InvalidInput(
                    f"has {len(cells)} columns; LIAR has {N_COLUMNS}, separated by tabs.",
                    line=line,
                )
            liar_id, label, statement, subjects, speaker, job, state, party = cells[:8]
            if label not in LIAR_TO_KEY:
                raise InvalidInput(
                    f"{label!r} is not a LIAR label ({', '.join(LIAR_TO_KEY)}).",
                    field="label",
                    line=line,
                )
            credit = []
            for column, value in zip(CREDIT_LABELS, cells[8:13], strict=True):
                try:
                    credit.append(int(float(value or 0)))
                except ValueError:
                    raise InvalidInput(
                        f"{value!r} is not a count.", field=f"{column}_count", line=line
                    ) from None
            parsed.claims.append(
                ClaimRecord(
                    line=line,
                    document_key=group.key,
                    text=text_field(statement, "statement", line, required=True),
                    speaker=text_field(speaker, "speaker", line, max_length=200),
                    final_verdict=LIAR_TO_KEY[label],
                    metadata={
                        "liar_id": liar_id,
                        "subjects": subjects,
                        "speaker_job_title": job,
                        "state_info": state,
                        "party_affiliation": party,
                        "credit_history": credit,
                        "context": cells[13],
                    },
                )
            )
        except InvalidInput as exc:
            parsed.errors.append(exc)
    return parsed
