"""ClaimReview JSON-LD goes into a page's <script type="application/ld+json">: nothing in it
may close the script element or open markup, so <, > and & are written as JSON escapes."""

from __future__ import annotations

import json

import pytest

from .support.factories import ClaimFactory, DocumentFactory

pytestmark = pytest.mark.django_db

HOSTILE = "</script><script>alert(1)</script> & <!-- more"


def test_claimreview_can_be_embedded_in_a_script_element(api, project, editor):
    ClaimFactory(
        document=DocumentFactory(project=project, title=HOSTILE),
        status="approved",
        final_verdict="false",
        final_rationale=HOSTILE,
        speaker=HOSTILE,
    )
    response = api(editor).get(f"/api/projects/{project.slug}/export/", {"format": "claimreview"})
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode()
    assert "<" not in text and ">" not in text and "&" not in text
    assert "\\u003c/script\\u003e" in text and "\\u0026" in text
    # Still the same JSON once parsed.
    [review] = json.loads(text)
    assert review["reviewBody"] == HOSTILE
    assert review["itemReviewed"]["author"]["name"] == HOSTILE
