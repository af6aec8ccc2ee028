"""Helpers for review tests: claims brought to review through the real write functions."""

from annotations.annotating import save_annotation
from annotations.models import Claim

from .factories import ClaimFactory, DocumentFactory


def claim_in_review(project, *verdicts_by_user, stance="refuted", **claim_fields) -> Claim:
    """A claim each (user, verdict) pair has submitted an annotation for; with as many
    pairs as the project asks for, it is in review."""
    claim = ClaimFactory(document=DocumentFactory(project=project), **claim_fields)
    for user, verdict in verdicts_by_user:
        save_annotation(
            claim,
            user,
            stance=stance,
            verdict=verdict,
            rationale=f"{user.username} checked the minutes.",
            sources=[{"url": "https://minutes.example.org/1", "stance": "refutes"}],
            submit=True,
        )
    claim.refresh_from_db()
    return claim
