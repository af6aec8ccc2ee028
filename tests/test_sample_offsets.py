"""Every claim extracted from the shared sample article slices the stored text exactly.

The sample has curly quotes, guillemets and em dashes, so byte offsets or a stray
normalisation step would show up here as shifted spans."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.core.management import call_command

from annotations.models import Document, JobState

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
CANDIDATES = [
    ROOT.parent / "shared" / "samples" / "alaska-summit.txt",  # CI: shared/ beside the clone
    Path("/work/shared/samples/alaska-summit.txt"),  # a developer's worktree
]


@pytest.fixture
def sample() -> Path:
    for path in CANDIDATES:
        if path.is_file():
            return path
    reason = "sample not found: " + ", ".join(str(p) for p in CANDIDATES)
    if os.environ.get("FACTCHECK_REQUIRE_SERVICES") == "1":
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason)


def all_claims(client, slug: str, document_id: int) -> list[dict]:
    claims, url = [], f"/api/projects/{slug}/claims/?document={document_id}"
    while url:
        page = client.get(url).json()
        claims.extend(page["results"])
        url = page.get("next")
    return claims


def test_every_claim_of_the_sample_slices_the_stored_text(
    sample, project, annotator, api, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("ingest", "--project", project.slug, "--user", "alice", str(sample))

    document = Document.objects.get(project=project)
    job = document.extraction_job
    assert job.state == JobState.DONE, job.error
    assert document.title.startswith("Putin and Trump Make Progress on Ukraine")
    assert "Joint Base Elmendorf-Richardson" in document.text
    assert "«" in document.text and "—" in document.text  # the awkward characters survived

    claims = list(document.claims.order_by("start"))
    assert len(claims) >= 10
    for claim in claims:
        assert document.text[claim.start : claim.end] == claim.text, claim.pk
        assert claim.text.strip() == claim.text

    # The same holds for what API clients get: offsets in code points of the served text.
    client = api(annotator)
    served = client.get(f"/api/documents/{document.pk}/").json()["text"]
    api_claims = all_claims(client, project.slug, document.pk)
    assert len(api_claims) == len(claims)
    for claim in api_claims:
        assert served[claim["start"] : claim["end"]] == claim["text"]
