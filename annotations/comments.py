"""The discussion thread on a claim."""

from __future__ import annotations

from django.db import transaction

from .audit import record_event, snapshot
from .errors import InvalidInput
from .models import Claim, Comment

MAX_COMMENT_LENGTH = 10_000


@transaction.atomic
def add_comment(claim: Claim, author, body: str) -> Comment:
    """Add a message to the claim's thread, visible to every member of the project."""
    body = (body or "").strip()
    if not body:
        raise InvalidInput("A comment cannot be empty.", field="body")
    if len(body) > MAX_COMMENT_LENGTH:
        raise InvalidInput(
            f"A comment can be at most {MAX_COMMENT_LENGTH} characters.", field="body"
        )
    comment = Comment.objects.create(claim=claim, author=author, body=body)
    record_event(author, comment, "create", after=snapshot(comment), project=claim.project)
    return comment
